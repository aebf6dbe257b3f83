"""Slack's messages as the browser view of the demo draws them: mrkdwn as HTML (bold,
italics, code, links, mentions by name, the emoji warroom uses) and Block Kit's header,
section, context, divider and actions blocks, each button a form that clicks it. Everything
people wrote is escaped."""

import re

from markupsafe import Markup, escape

# Slack's markup uses real angle brackets; what people typed arrives as &lt; &gt; &amp;.
_LINK = re.compile(r"<([@#!]?)([^<>|]+)(?:\|([^<>]*))?>")
_STYLES = (
    (re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])"), r"<b>\1</b>"),
    (re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)_(?![\w_])"), r"<i>\1</i>"),
    (re.compile(r"`([^`\n]+)`"), r"<code>\1</code>"),
)

# The shortcodes warroom's messages use, as Slack draws them; any other stays as typed.
EMOJI = {
    "alarm_clock": "\u23f0",
    "bell": "\U0001f514",
    "bulb": "\U0001f4a1",
    "calendar": "\U0001f4c6",
    "clapper": "\U0001f3ac",
    "eyes": "\U0001f440",
    "globe_with_meridians": "\U0001f310",
    "hourglass": "\u231b",
    "large_green_circle": "\U0001f7e2",
    "lock": "\U0001f512",
    "mag": "\U0001f50d",
    "memo": "\U0001f4dd",
    "pager": "\U0001f4df",
    "paperclip": "\U0001f4ce",
    "pushpin": "\U0001f4cc",
    "rocket": "\U0001f680",
    "rotating_light": "\U0001f6a8",
    "stopwatch": "\u23f1\ufe0f",
    "sunny": "\u2600\ufe0f",
    "test_tube": "\U0001f9ea",
    "warning": "\u26a0\ufe0f",
    "white_check_mark": "\u2705",
}
_SHORTCODE = re.compile(":(" + "|".join(map(re.escape, EMOJI)) + "):")
_CODE = re.compile(r"(<code>.*?</code>)")  # Slack draws no emoji in code


def _decoded(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _styled(text: str) -> str:
    """Plain text as HTML: escaped, then *bold*, _italics_ and `code`."""
    shown = str(escape(_decoded(text)))
    for pattern, tag in _STYLES:
        shown = pattern.sub(tag, shown)
    return _with_emoji(shown).replace("\n", "<br>")


def _with_emoji(shown: str) -> str:
    parts = _CODE.split(shown)  # code, at the odd places
    return "".join(
        part if n % 2 else _SHORTCODE.sub(lambda code: EMOJI[code[1]], part)
        for n, part in enumerate(parts)
    )


def _plain(text: str) -> Markup:
    """plain_text as Slack draws it with `emoji: true`: escaped, its shortcodes drawn."""
    return Markup(_with_emoji(str(escape(text))))


def _link(match: re.Match, names: dict[str, str]) -> str:
    sigil, target, label = match.groups()
    label = _decoded(label) if label else None
    if sigil in ("@", "#"):
        return f"<b>{escape(sigil + (label or names.get(target, target)))}</b>"
    if sigil == "!":
        return f"<b>{escape('@' + (label or target.split('^')[0]))}</b>"
    url = _decoded(target)
    if not url.startswith(("http://", "https://", "mailto:")):
        return str(escape(label or url))  # a link to anything else is not followed
    return f'<a href="{escape(url)}">{escape(label or url)}</a>'


def mrkdwn(text: str, names: dict[str, str]) -> Markup:
    """Slack's mrkdwn as HTML: its links and mentions as tags, everything else escaped."""
    shown, done = [], 0
    for match in _LINK.finditer(text):
        shown += [_styled(text[done : match.start()]), _link(match, names)]
        done = match.end()
    shown.append(_styled(text[done:]))
    return Markup("".join(shown))


def block_html(block: dict, names: dict[str, str], ts: str, channel_id: str) -> Markup:
    kind = block.get("type")
    if kind == "header":
        return Markup("<h3>{}</h3>").format(_plain(block["text"]["text"]))
    if kind == "divider":
        return Markup("<hr>")
    if kind == "section":
        texts = ([block["text"]] if block.get("text") else []) + block.get("fields", [])
        return Markup("").join(Markup("<p>{}</p>").format(_text(t, names)) for t in texts)
    if kind == "context":
        parts = [_text(e, names) for e in block.get("elements", []) if "text" in e]
        return Markup('<p class="context">{}</p>').format(Markup(" ").join(parts))
    if kind == "actions":
        return Markup('<div class="actions">{}</div>').format(
            Markup("").join(_element(e, block, ts, channel_id) for e in block["elements"])
        )
    return Markup("")


def _text(element: dict, names: dict[str, str]) -> Markup:
    if element.get("type") == "mrkdwn":
        return mrkdwn(element["text"], names)
    return _plain(element.get("text", ""))


def _element(element: dict, block: dict, ts: str, channel_id: str) -> Markup:
    if element.get("type") != "button":
        label = (element.get("placeholder") or {}).get("text", element.get("type", ""))
        return Markup('<span class="picker">{} (a picker: use it in Slack)</span>').format(label)
    return Markup(
        '<form method="post" action="/channels/{channel}/click">'
        '<input type="hidden" name="action_id" value="{action}">'
        '<input type="hidden" name="block_id" value="{block}">'
        '<input type="hidden" name="value" value="{value}">'
        '<input type="hidden" name="ts" value="{ts}">'
        "<button>{label}</button></form>"
    ).format(
        channel=channel_id,
        action=element.get("action_id", ""),
        block=block.get("block_id", ""),
        value=element.get("value", ""),
        ts=ts,
        label=_plain(element["text"]["text"]),
    )

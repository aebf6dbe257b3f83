"""Show a sandbox channel in a terminal, roughly as the Slack client would draw it: Block
Kit as lines, files by name, edits marked."""

import re
from datetime import UTC, datetime

_MENTION = re.compile(r"<([@#!])([^>|]+)(?:\|([^>]*))?>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def plain(mrkdwn: str, names: dict[str, str]) -> str:
    """mrkdwn as a reader sees it: mentions resolved to names, entities decoded."""

    def mention(match: re.Match) -> str:
        sigil, target, label = match.groups()
        if sigil == "!":
            return "@" + (label or target.split("^")[0])
        return sigil + (label or names.get(target, target))

    text = _MENTION.sub(mention, mrkdwn)
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def block_lines(block: dict, names: dict[str, str]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return ["", "  " + block["text"]["text"].upper()]
    if kind == "divider":
        return ["  " + "-" * 40]
    texts = []
    if kind == "section":
        texts = [block["text"]] if block.get("text") else []
        texts += block.get("fields", [])
    elif kind == "context":
        texts = [e for e in block.get("elements", []) if "text" in e]
    elif kind == "actions":
        labels = [e.get("text", {}).get("text", e.get("type", "")) for e in block["elements"]]
        return ["  " + "  ".join(f"[ {label} ]" for label in labels)]
    return ["  " + line for t in texts for line in plain(t["text"], names).splitlines()]


def body_lines(message: dict, names: dict[str, str]) -> list[str]:
    """What a message (or an answer only its asker sees) shows: its blocks when it has
    them, else its text; and the files attached to it."""
    if message.get("blocks"):
        lines = [line for block in message["blocks"] for line in block_lines(block, names)]
    else:
        lines = ["  " + line for line in plain(message.get("text", ""), names).splitlines()]
    for attached in message.get("files", []):
        name = attached.get("name") or attached.get("title") or attached.get("id")
        lines.append(f"  [file: {name}]")
    return lines


def render_message(message: dict, names: dict[str, str]) -> str:
    author = names.get(message.get("user", ""), message.get("user", "?"))
    when = datetime.fromtimestamp(float(message["ts"]), UTC).strftime("%H:%M:%S")
    pinned = "  (pinned)" if message.get("pinned_to") or message.get("pinned") else ""
    edited = "  (edited)" if message.get("edited") else ""
    return "\n".join([f"{when}  {author}{pinned}{edited}", *body_lines(message, names)])

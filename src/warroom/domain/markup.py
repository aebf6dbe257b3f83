"""Slack's markup in what people type, turned back into what they saw.

With escaping on, Slack sends mentions as `<@U123|name>`, `<#C123|name>`, `<!here>`, links as
`<https://url|label>`, and a user's literal `&`, `<` and `>` as entities.
"""

import re

USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL_MENTION = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL_MENTION = re.compile(r"<!([a-z]+)(?:\^[^>|]*)?(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")


def words(slack_text: str) -> str:
    """Free text as shown to people: Slack markup resolved, runs of spaces folded."""
    return " ".join(plain_text(slack_text).split())


def plain_text(slack_text: str) -> str:
    """What the user saw when typing, from the markup Slack sends us.

    Mentions become their visible names, so that echoing the text can never ping anyone.
    """
    text = USER_MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)), slack_text)
    text = _CHANNEL_MENTION.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL_MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

"""The answer of `/incident timeline`: entries as lines, packed into sections of at most
3,000 characters, a few sections a page."""

from slack_sdk.models.blocks import Block

from warroom.domain.timeline import Entry, describe
from warroom.slack.blocks import SECTION_MAX, clip, context, escape, section, user
from warroom.store.models import Incident


def entry_line(entry: Entry) -> str:
    """One timeline entry as a line of the `/incident timeline` answer."""
    marker = ":pushpin: " if entry.highlighted else ""
    when = entry.occurred_at.strftime("%m-%d %H:%M:%S")
    what = describe(entry, person=user, quote=lambda text: escape(clip(text, 400)))
    return f"`{when}` {marker}{what}"


# Four full sections (12,000 characters, about a hundred lines) make a page someone can
# read on a phone, far inside Slack's 50 blocks per message.
SECTIONS_PER_PAGE = 4


def timeline_page(
    incident: Incident, entries: list[Entry], everything: bool, page: int
) -> tuple[str, list[Block]]:
    """One page of `/incident timeline`: entries packed into sections of at most 3,000
    characters, a few sections a page."""
    sections = _pack([entry_line(entry) for entry in entries], SECTION_MAX)
    pages = max(1, -(-len(sections) // SECTIONS_PER_PAGE))
    page = min(page, pages)
    what = "every entry" if everything else "key events"
    title = f"{incident.reference} timeline, {what}, times in UTC (page {page} of {pages})"
    shown = sections[(page - 1) * SECTIONS_PER_PAGE : page * SECTIONS_PER_PAGE]
    page_blocks: list[Block] = [section(f"*{title}*")]
    page_blocks += [section(text) for text in shown] or [section("_Nothing recorded yet._")]
    if page < pages:
        more = f"/incident timeline {'all ' if everything else ''}page {page + 1}"
        page_blocks.append(context(f"More: `{more}`"))
    elif not everything:
        page_blocks.append(context("Every message too: `/incident timeline all`"))
    return title, page_blocks


def _pack(lines: list[str], limit: int) -> list[str]:
    """Lines joined into chunks of at most `limit` characters, never splitting a line."""
    chunks: list[str] = []
    for line in (clip(line, limit) for line in lines):
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks

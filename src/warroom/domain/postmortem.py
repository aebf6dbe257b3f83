"""Where a postmortem stands, the only ways it moves on, and how much of one an incident
needs."""

from enum import StrEnum

from warroom.domain.incident import Severity


class Depth(StrEnum):
    """How much writing an incident deserves (the domain's common practice: every section
    for a SEV1 or SEV2, the essentials for a SEV3, only the follow-ups for a SEV4)."""

    FULL = "full"  # every section; action items required
    ABBREVIATED = "abbreviated"  # summary, impact, timeline, root cause, action items
    ACTIONS = "actions"  # the action items alone


DEFAULT_DEPTH = {
    Severity.SEV1: Depth.FULL,
    Severity.SEV2: Depth.FULL,
    Severity.SEV3: Depth.ABBREVIATED,
    Severity.SEV4: Depth.ACTIONS,
}


class PostmortemStatus(StrEnum):
    NONE = "none"  # the incident is not resolved yet
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    def after(self, wanted: "PostmortemStatus") -> "PostmortemStatus":
        """The status once someone asks for `wanted`: a draft may be re-drafted and sent for
        review, a postmortem under review may be re-drafted or published, and a published
        one stays published whatever is asked (a re-draft only refreshes it)."""
        if self is PostmortemStatus.PUBLISHED:
            if wanted not in (PostmortemStatus.DRAFT, PostmortemStatus.PUBLISHED):
                raise ValueError("It is already published; publishing is final.")
            return self
        if wanted is PostmortemStatus.DRAFT and self is PostmortemStatus.IN_REVIEW:
            return self  # re-drafting during review keeps it under review
        if wanted is PostmortemStatus.NONE:
            raise ValueError("A postmortem cannot be undrafted.")
        return wanted


def factors(text: str) -> list[str]:
    """The contributing factors people wrote, one a line, list marks and spaces trimmed."""
    return [line.strip(" -*\t") for line in (text or "").splitlines() if line.strip(" -*\t")]

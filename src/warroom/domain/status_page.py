"""The public status page's rules: what customers are told, and nothing else.

A status page shows components (what customers know: "Checkout", "API") in a condition, and
the public updates of incidents. Only what a person published reaches it: an incident's
title, timeline and roles never do, and a private incident is never on it. The conditions
and phases are Atlassian Statuspage's, so the same words mean the same thing on either.
"""

from dataclasses import dataclass
from enum import StrEnum


class Condition(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def label(self) -> str:
        return {"degraded_performance": "Degraded performance"}.get(
            self.value, self.value.replace("_", " ").capitalize()
        )

    @property
    def rank(self) -> int:
        """How bad: the worst condition of a component's incidents is its condition."""
        return list(Condition).index(self)


class Phase(StrEnum):
    """Where an incident stands, as customers are told."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class StatusPageError(ValueError):
    """A public update that cannot be published as it is, said for the comms lead;
    `part` is which of its fields is at fault."""

    def __init__(self, message: str, part: str):
        super().__init__(message)
        self.part = part


@dataclass(frozen=True)
class PublicUpdate:
    """One update as customers read it, checked before it is published."""

    title: str
    phase: Phase
    message: str
    components: dict[str, Condition]  # what the update says each affected component is in

    def __post_init__(self):
        if not self.title.strip():
            raise StatusPageError("A public update needs a title customers understand.", "title")
        if not self.message.strip():
            raise StatusPageError("A public update needs a message: what customers see.", "message")
        if self.phase == Phase.RESOLVED and any(
            condition != Condition.OPERATIONAL for condition in self.components.values()
        ):
            raise StatusPageError(
                "A resolved incident leaves its components operational: choose Operational, "
                "or a phase other than Resolved.",
                "condition",
            )


def conditions(components: list[str], latest: list[PublicUpdate]) -> dict[str, Condition]:
    """Each component's condition: the worst that the latest update of each incident says
    of it (a resolved incident says nothing any more), operational otherwise."""
    found = dict.fromkeys(components, Condition.OPERATIONAL)
    for update in latest:
        if update.phase == Phase.RESOLVED:
            continue
        for component, condition in update.components.items():
            if component in found and condition.rank > found[component].rank:
                found[component] = condition
    return found


def overall(found: dict[str, Condition], open_incidents: int) -> tuple[str, str]:
    """The page's headline, and its tone: the worst condition's value, or "affected" when
    incidents are open that name no component."""
    worst = max(found.values(), key=lambda condition: condition.rank, default=None)
    if worst not in (None, Condition.OPERATIONAL):
        return worst.label, worst.value
    if open_incidents:
        return "Some systems are affected", "affected"
    return "All systems operational", Condition.OPERATIONAL.value

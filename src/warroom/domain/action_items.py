"""Action items: what kind of fix each is, how urgent, and whether it is still to do."""

from enum import StrEnum


class Priority(StrEnum):
    P1 = "p1"
    P2 = "p2"
    P3 = "p3"

    @property
    def label(self) -> str:
        return self.value.upper()


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    WONT_DO = "wont_do"

    @property
    def label(self) -> str:
        return {"open": "Open", "done": "Done", "wont_do": "Won't do"}[self.value]


class ActionKind(StrEnum):
    """Stop the bleeding now, stop it happening again, or change how people work."""

    MITIGATE = "mitigate"
    PREVENT = "prevent"
    PROCESS = "process"

    @property
    def label(self) -> str:
        return self.value.capitalize()

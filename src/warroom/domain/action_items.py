"""Action items: how urgent each is."""

from enum import StrEnum


class Priority(StrEnum):
    P1 = "p1"
    P2 = "p2"
    P3 = "p3"

    @property
    def label(self) -> str:
        return self.value.upper()

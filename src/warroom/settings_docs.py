"""The settings as README.md documents them: a Markdown table made from the settings model
itself, so the two cannot drift (tests/unit/test_docs_stay_true.py keeps them equal)."""

from datetime import timedelta

from pydantic import SecretStr

from warroom.config import Settings


def _shown_default(value) -> str:
    if value is None or isinstance(value, SecretStr):
        return ""
    if isinstance(value, timedelta):
        return _duration_text(value)
    if isinstance(value, tuple):
        return f"`{','.join(value)}`"
    return f"`{value}`"


def _duration_text(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"`{seconds // size}{unit}`"
    return f"`{seconds}s`"


def settings_table() -> str:
    """The Markdown table of every setting, as README.md shows it (a test keeps them equal)."""
    rows = ["| setting | default | meaning |", "|---|---|---|"]
    # Settings' own first, then those it takes from the trackers' and the dashboard's.
    own = vars(Settings)["__annotations__"]
    fields = sorted(Settings.model_fields.items(), key=lambda field: field[0] not in own)
    for name, field in fields:
        rows.append(f"| `{name.upper()}` | {_shown_default(field.default)} | {field.description} |")
    return "\n".join(rows)

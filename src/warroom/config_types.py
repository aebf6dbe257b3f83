"""How settings are written in the environment: durations (`15m`, `off`), comma-separated
lists (`sev1,sev2` or `none`, `Checkout, API`) and auto-declare rules, each read into its value."""

import re
from datetime import timedelta
from typing import Annotated

from pydantic import BeforeValidator
from pydantic_settings import NoDecode

from warroom.domain.alerts import AutoDeclare
from warroom.domain.durations import parse_duration
from warroom.domain.incident import Severity


def _duration_or_off(value):
    if isinstance(value, str):
        return None if value.strip().lower() in ("off", "none", "0") else parse_duration(value)
    return value


def _names(value):
    if isinstance(value, str):
        return [word.strip() for word in value.split(",") if word.strip()]
    return value


def _severities(value):
    if not isinstance(value, str):
        return value
    # An empty variable reads as unset (env_ignore_empty), so "none" is how to say none.
    return [] if value.strip().lower() == "none" else [name.lower() for name in _names(value)]


def _rules(value):
    if isinstance(value, str):
        return [AutoDeclare.parse(rule) for rule in value.split(",") if rule.strip()]
    return value


def _site(value):
    if isinstance(value, str) and value and not re.match(r"^https?://[^/\s]+", value):
        raise ValueError("must be an http:// or https:// address")
    return value.rstrip("/") if value else None


Duration = Annotated[timedelta, BeforeValidator(_duration_or_off)]
# "https://example.atlassian.net/": a site's address, without its trailing slash.
Site = Annotated[str | None, BeforeValidator(_site)]
# "sev1,sev2" or "none" in the environment (NoDecode: not JSON, as lists otherwise are).
Severities = Annotated[tuple[Severity, ...], NoDecode, BeforeValidator(_severities)]
# "severity=critical:sev1,team=db:sev2" (see `AutoDeclare`).
AutoDeclareRules = Annotated[tuple[AutoDeclare, ...], NoDecode, BeforeValidator(_rules)]
# "Checkout, API": names as people write them.
Names = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_names)]
OptionalDuration = Annotated[timedelta | None, BeforeValidator(_duration_or_off)]

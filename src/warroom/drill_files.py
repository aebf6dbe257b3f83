"""Game-day scenarios their facilitators write: a YAML file `warroom drill <file>` plays as
it plays a built-in one.

    title: Search cluster out of disk
    severity: sev2
    injects:
      - after: 1m
        text: "Alerts: search-cluster disk at 95% on three of five nodes."
      - after: 3m
        text: Indexing has stopped; searches return week-old results.

`after` is the time since the previous inject (or since the declare), written as settings
write durations (30s, 5m, 1h) or as a number of seconds, up to a day.
"""

import math
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from warroom.domain.drills import Inject, Scenario
from warroom.domain.durations import parse_duration
from warroom.domain.incident import TITLE_MAX, Severity
from warroom.file_problems import FileProblems, not_yaml, said

TEXT_MAX = 2000  # a step read at a glance; Slack's notice shows 3,000 characters, escaped
LONGEST_WAIT = timedelta(days=1)  # between two injects: a game day, not a calendar


class ScenarioFileError(FileProblems):
    """The scenario file cannot be played; `problems` says where and why, one line each."""


def _duration(value: object) -> object:
    """A duration as settings write it, or a number of seconds (YAML reads `60` as one),
    from nothing to a day."""
    if isinstance(value, str):
        seconds = parse_duration(value).total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value
    else:
        return value  # pydantic says what else it is
    if math.isnan(seconds):  # YAML's .nan
        raise ValueError(f"{value!r} is not a number of seconds")
    if seconds < 0:
        raise ValueError(f"{value!r} is negative: it is the time since the step before")
    if seconds > LONGEST_WAIT.total_seconds():
        raise ValueError(f"{value!r} is longer than a day: a drill plays in one sitting")
    return timedelta(seconds=seconds)


class _Inject(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    after: Annotated[timedelta, BeforeValidator(_duration)]
    text: str = Field(min_length=1, max_length=TEXT_MAX)


class _Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    severity: Severity
    injects: list[_Inject] = Field(min_length=1)


def load_scenario(path: Path) -> Scenario:
    try:
        written = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ScenarioFileError([f"{path} cannot be read: {error.strerror}"]) from None
    except UnicodeDecodeError:
        raise ScenarioFileError([f"{path} is not text in UTF-8"]) from None
    except yaml.YAMLError as error:
        raise ScenarioFileError([not_yaml(error, str(path))]) from None
    try:
        scenario = _Scenario.model_validate(written)
    except ValidationError as error:
        raise ScenarioFileError([f"{path}: {said(e)}" for e in error.errors()]) from None
    injects = tuple(Inject(step.after, step.text) for step in scenario.injects)
    return Scenario(scenario.title, scenario.severity, injects)

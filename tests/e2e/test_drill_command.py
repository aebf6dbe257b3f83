"""`warroom drill <scenario> --by <facilitator>`: a game day played into Slack. The drill is
declared for the facilitator, its injects reach the drill's channel in order as they fall
due, and nothing is announced. A scenario can be a file the facilitator wrote; one that
cannot be played is refused with every problem in it, before anything is declared."""

import pytest

from warroom.cli import main
from warroom.domain.drills import SCENARIOS
from warroom.store import incidents

WRITTEN = """\
title: Search cluster out of disk
severity: sev2
injects:
  - after: 1m
    text: "Alerts: search-cluster disk at 95% on three of five nodes."
  - after: 30s
    text: Indexing has stopped; searches return week-old results.
"""


@pytest.fixture
def slack_env(sandbox, general, announce_channel, database_url, monkeypatch):
    for name, value in {
        "SLACK_BOT_TOKEN": sandbox.bot_token,
        "SLACK_SIGNING_SECRET": sandbox.signing_secret,
        "SLACK_API_URL": sandbox.api_url,
        "DATABASE_URL": database_url,
        "WARROOM_ANNOUNCE_CHANNEL": announce_channel,
    }.items():
        monkeypatch.setenv(name, value)


def played(sandbox, db) -> tuple[object, list[str]]:
    """The drill INC-1, and the injects its channel was given."""
    with db.transaction() as session:
        drill = incidents.get(session, 1)
    said = [m["text"] for m in sandbox.messages(drill.channel_id)]
    return drill, [text for text in said if text.startswith(":clapper: Drill: ")]


def test_a_game_day_plays_its_scenario_into_the_drills_channel(
    slack_env, sandbox, announce_channel, db, capsys
):
    facilitator = sandbox.user_id("alice")
    assert main(["drill", "database", "--by", facilitator, "--speed", "100000"]) == 0
    assert "INC-1, a drill of “Primary database unreachable”, has played all its steps." in (
        capsys.readouterr().out
    )
    drill, injects = played(sandbox, db)
    assert drill.is_drill and drill.declared_by == facilitator
    assert injects == [f":clapper: Drill: {step.text}" for step in SCENARIOS["database"].injects]
    assert sandbox.messages(announce_channel) == []


def test_a_facilitator_plays_the_scenario_they_wrote(slack_env, sandbox, db, tmp_path, capsys):
    scenario = tmp_path / "search-disk.yml"
    scenario.write_text(WRITTEN)
    facilitator = sandbox.user_id("alice")
    assert main(["drill", str(scenario), "--by", facilitator, "--speed", "100000"]) == 0
    assert "a drill of “Search cluster out of disk”" in capsys.readouterr().out
    drill, injects = played(sandbox, db)
    assert (drill.title, drill.severity, drill.is_drill) == (
        "Search cluster out of disk",
        "sev2",
        True,
    )
    assert injects == [
        ":clapper: Drill: Alerts: search-cluster disk at 95% on three of five nodes.",
        ":clapper: Drill: Indexing has stopped; searches return week-old results.",
    ]


def test_a_scenario_that_cannot_be_played_is_refused_with_every_problem(
    slack_env, sandbox, db, tmp_path, capsys
):
    scenario = tmp_path / "broken.yml"
    scenario.write_text(
        "title: ''\nseverity: sev9\ninjects:\n  - after: soon\n    text: Disk full\n"
        "  - text: ''\n    after: 2m\n    colour: red\n"
        "  - after: -60\n    text: Back\n  - after: 2d\n    text: Later\n"
        "  - after: .nan\n    text: Never\n"
    )
    assert main(["drill", str(scenario), "--by", sandbox.user_id("alice")]) == 1
    problems = capsys.readouterr().err.splitlines()
    assert problems == [
        f"{scenario}: title String should have at least 1 character",
        f"{scenario}: severity Input should be 'sev1', 'sev2', 'sev3' or 'sev4'",
        f"{scenario}: injects.0.after 'soon' is not a duration such as 30s, 15m, 2h or 3d",
        f"{scenario}: injects.1.text String should have at least 1 character",
        f"{scenario}: injects.1.colour Extra inputs are not permitted",
        f"{scenario}: injects.2.after -60 is negative: it is the time since the step before",
        f"{scenario}: injects.3.after '2d' is longer than a day: a drill plays in one sitting",
        f"{scenario}: injects.4.after nan is not a number of seconds",
    ]
    scenario.write_text("title: [unclosed\n")
    assert main(["drill", str(scenario), "--by", sandbox.user_id("alice")]) == 1
    assert f"{scenario} is not YAML at line 2" in capsys.readouterr().err
    scenario.write_bytes(b"title: Caf\xe9 down\n")
    assert main(["drill", str(scenario), "--by", sandbox.user_id("alice")]) == 1
    assert f"{scenario} is not text in UTF-8" in capsys.readouterr().err
    assert main(["drill", str(tmp_path / "missing.yml"), "--by", "U1"]) == 1
    assert "missing.yml cannot be read: No such file or directory" in capsys.readouterr().err
    plain = tmp_path / "disk-full"  # a file named without a suffix is still a file
    plain.write_text("title: [unclosed\n")
    assert main(["drill", str(plain), "--by", "U1"]) == 1
    assert f"{plain} is not YAML at line 2" in capsys.readouterr().err
    assert main(["drill", "chekout", "--by", "U1"]) == 2
    assert "No scenario 'chekout': say checkout or database, or a file." in (
        capsys.readouterr().err
    )
    with db.transaction() as session:
        assert incidents.open_incidents(session) == []  # nothing was declared

"""`warroom drill <scenario> --by <facilitator>`: a game day played into Slack. The drill is
declared for the facilitator, its injects reach the drill's channel in order as they fall
due, and nothing is announced."""

from warroom.cli import main
from warroom.domain.drills import SCENARIOS
from warroom.store import incidents


def test_a_game_day_plays_its_scenario_into_the_drills_channel(
    sandbox, general, announce_channel, database_url, db, monkeypatch, capsys
):
    for name, value in {
        "SLACK_BOT_TOKEN": sandbox.bot_token,
        "SLACK_SIGNING_SECRET": sandbox.signing_secret,
        "SLACK_API_URL": sandbox.api_url,
        "DATABASE_URL": database_url,
        "WARROOM_ANNOUNCE_CHANNEL": announce_channel,
    }.items():
        monkeypatch.setenv(name, value)
    facilitator = sandbox.user_id("alice")
    assert main(["drill", "database", "--by", facilitator, "--speed", "100000"]) == 0
    assert "INC-1, a drill of the database scenario, has played all its steps." in (
        capsys.readouterr().out
    )
    with db.transaction() as session:
        drill = incidents.get(session, 1)
        assert drill.is_drill and drill.declared_by == facilitator
    said = [m["text"] for m in sandbox.messages(drill.channel_id)]
    injects = [text for text in said if text.startswith(":clapper: Drill: ")]
    expected = [f":clapper: Drill: {step.text}" for step in SCENARIOS["database"].injects]
    assert injects == expected
    assert sandbox.messages(announce_channel) == []

"""README.md, .env.example and docker-compose.yml say what the code does."""

from pathlib import Path

import yaml

from warroom.config import Settings, load_settings
from warroom.settings_docs import settings_table

ROOT = Path(__file__).resolve().parents[2]


def test_readme_settings_table_is_generated_from_the_settings_model():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- settings:start -->\n", 1)[1].split("\n<!-- settings:end -->")[0]
    assert block == settings_table(), (
        "regenerate with: python -c "
        "'from warroom.config import settings_table; print(settings_table())'"
    )


def test_env_example_lists_every_setting_and_loads(monkeypatch, tmp_path):
    example = (ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"\n{name.upper()}=" in example, name
    (tmp_path / ".env").write_text(example)
    monkeypatch.chdir(tmp_path)
    assert load_settings().warroom_update_cadence_sev4 is None


def test_docker_compose_runs_postgres_migrations_and_the_bot_in_http_mode():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, migrate, bot = (compose["services"][name] for name in ("db", "migrate", "bot"))
    assert db["image"] == "postgres:15" and db["healthcheck"]["test"]
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert migrate["command"] == ["warroom", "migrate"]
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["command"][:2] == ["warroom", "serve"]
    assert bot["environment"]["SLACK_APP_TOKEN"] == ""  # HTTP mode
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert bot["env_file"] == ".env"
    assert "postgresql+psycopg://" in bot["environment"]["DATABASE_URL"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    # The wheel, not the source tree, is installed; the bot does not run as root.
    assert "pip wheel" in dockerfile and "'warroom[postgres]'" in dockerfile
    assert "pip install -e" not in dockerfile
    assert "\nUSER warroom\n" in dockerfile and "\nHEALTHCHECK " in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".env", "*.db", "tests"} <= set(ignored)


def test_manifest_subscribes_to_exactly_what_warroom_handles():
    from warroom.slack.manifest import bot_events, manifest

    assert set(bot_events()) == {
        "message.channels",
        "message.groups",
        "reaction_added",
        "reaction_removed",
        "pin_added",
        "pin_removed",
        "app_home_opened",
    }
    assert manifest()["features"]["slash_commands"][0]["should_escape"] is True
    assert manifest()["settings"]["socket_mode_enabled"] is True

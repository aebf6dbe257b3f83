import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from warroom.cli import main
from warroom.config import ConfigError, load_settings


def test_defaults(monkeypatch):
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite:///warroom.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.warroom_default_severity == "sev3"
    assert settings.slack_app_token is None


@pytest.mark.parametrize(("written", "name"), [(":pushpin:", "pushpin"), (" Star ", "star")])
def test_the_highlight_emoji_may_be_written_with_its_colons(written, name):
    settings = load_settings(_env_file=None, warroom_highlight_emoji=written)
    assert settings.warroom_highlight_emoji == name


def test_api_url_gets_its_trailing_slash():
    assert load_settings(_env_file=None, slack_api_url="http://x:1/api").slack_api_url == (
        "http://x:1/api/"
    )


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("WARROOM_DEFAULT_SEVERITY", "sev9", "WARROOM_DEFAULT_SEVERITY"),
        ("WARROOM_ANNOUNCE_CHANNEL", "#incidents", "WARROOM_ANNOUNCE_CHANNEL"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL"),
        ("WARROOM_TEMPLATES_DIR", "/no/such/folder", "WARROOM_TEMPLATES_DIR"),
        ("WARROOM_CATALOG", "/no/such/catalog-info.yaml", "WARROOM_CATALOG"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(
    monkeypatch, capsys, tmp_path, variable, value, named
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=f"^{named}: "):
        load_settings()
    assert main(["migrate"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"warroom: {named}: ") and "\n" not in error


def test_serving_without_credentials_names_the_missing_one(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/w.db")
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["serve"]) == 2
    assert "SLACK_BOT_TOKEN is not set" in capsys.readouterr().err


def test_secrets_never_show_in_the_settings_repr():
    settings = load_settings(
        _env_file=None, slack_bot_token="xoxb-very-secret", slack_signing_secret="shh-123"
    )
    assert "very-secret" not in repr(settings) and "shh-123" not in repr(settings)


@pytest.mark.parametrize(
    ("api_url", "token", "says"),
    [
        (None, "xoxb-not-the-sandbox-token", "Slack rejected SLACK_BOT_TOKEN"),
        ("http://127.0.0.1:9/api/", BOT_TOKEN, "is unreachable"),
    ],
)
def test_serving_with_a_token_slack_refuses_is_one_sentence(
    sandbox, monkeypatch, capsys, tmp_path, api_url, token, says
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", api_url or sandbox.api_url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/w.db")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)

    assert main(["serve", "--port", "0"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("warroom: ") and says in error and "\n" not in error


def test_version_is_the_installed_one(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"warroom {version('warroom')}"


def test_a_catalog_that_does_not_parse_stops_start_up_saying_where(monkeypatch, tmp_path):
    catalog = tmp_path / "catalog-info.yaml"
    catalog.write_text("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WARROOM_CATALOG", str(catalog))
    with pytest.raises(ConfigError, match="^WARROOM_CATALOG: the catalog is wrong: .*document 1"):
        load_settings()


@pytest.mark.parametrize(
    "variable", ["WARROOM_PAGE_ON_DECLARE", "WARROOM_PUBLIC_UPDATE_SEVERITIES"]
)
def test_a_severity_list_can_say_none_where_empty_means_the_default(monkeypatch, variable):
    monkeypatch.setenv(variable, "")
    assert getattr(load_settings(_env_file=None), variable.lower()) == ("sev1", "sev2")
    monkeypatch.setenv(variable, " None ")
    assert getattr(load_settings(_env_file=None), variable.lower()) == ()
    monkeypatch.setenv(variable, "SEV1, sev3")
    assert getattr(load_settings(_env_file=None), variable.lower()) == ("sev1", "sev3")

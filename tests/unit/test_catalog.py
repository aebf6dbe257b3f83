"""The service catalog: Backstage Components read into services, every problem told, and the
file read again when it changes."""

import os

import pytest

from warroom.catalog import Catalog, CatalogError, parse
from warroom.cli import main

PAYMENTS = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  title: Payments API
  annotations:
    slack.com/bot-notify: C0PAYMENTS
    warroom/slack-owners: "U0PRIYA, S0PAYTEAM"
    pagerduty.com/integration-key: 0123456789abcdef0123456789abcdef
    pagerduty.com/service-id: PABC123
  links:
    - url: https://runbooks.example.com/payments
      title: Payments runbook
      type: runbook
    - url: https://grafana.example.com/d/payments
      title: Checkout latency
      type: dashboard
    - url: https://github.com/example/payments
      title: Source
spec:
  type: service
  owner: group:payments
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
spec:
  type: team
"""


def test_components_become_services_and_other_kinds_are_left_alone():
    [payments] = parse(PAYMENTS).values()
    assert (payments.name, payments.title, payments.channel_id) == (
        "payments",
        "Payments API",
        "C0PAYMENTS",
    )
    assert payments.owner_users == ["U0PRIYA"] and payments.owner_groups == ["S0PAYTEAM"]
    assert payments.pagerduty_service == "PABC123"
    assert [link.title for link in payments.runbooks] == ["Payments runbook"]
    assert [link.url for link in payments.dashboards] == ["https://grafana.example.com/d/payments"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("name: payments", "name: Payments API"), "metadata.name must be letters, digits"),
        (('"U0PRIYA, S0PAYTEAM"', '"priya"'), "'priya' is no Slack user (U...) or user group"),
        (("C0PAYMENTS", '"#payments"'), "'#payments' is no Slack channel id"),
        (("C0PAYMENTS", "#payments"), "slack.com/bot-notify is empty (a # starts a YAML comment"),
        (("https://runbooks.example.com/payments", "runbooks"), "metadata.links.0.url"),
        (("  name: payments\n  title", "  title"), "metadata.name Field required"),
    ],
)
def test_each_problem_is_told_with_where_it_is(change, said):
    with pytest.raises(CatalogError) as caught:
        parse(PAYMENTS.replace(*change), "catalog-info.yaml")
    [problem] = caught.value.problems
    assert problem.startswith("catalog-info.yaml, document 1") and said in problem


def test_a_name_twice_and_a_file_that_is_not_yaml_are_refused():
    component = PAYMENTS.split("---")[0]
    with pytest.raises(CatalogError, match="a second Component named 'payments'"):
        parse(component + "---\n" + component)
    with pytest.raises(CatalogError, match="is not YAML at line"):
        parse("kind: [Component\n")


def test_the_file_is_read_again_when_it_changes_and_a_bad_change_keeps_the_last(tmp_path):
    path = tmp_path / "catalog-info.yaml"
    path.write_text(PAYMENTS)
    catalog = Catalog(path)
    assert list(catalog.services()) == ["payments"]

    path.write_text(PAYMENTS.replace("name: payments\n  title", "name: search\n  title"))
    os.utime(path, ns=(1, 10**18))  # a new modification time, whatever the clock's grain
    assert list(catalog.services()) == ["search"]

    path.write_text("kind: [Component\n")
    os.utime(path, ns=(1, 2 * 10**18))
    assert list(catalog.services()) == ["search"]
    assert catalog.find(["search", "nope"]) == ([catalog.services()["search"]], ["nope"])


def test_catalog_check_lists_the_services_or_every_problem(tmp_path, capsys):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(PAYMENTS)
    bad.write_text(PAYMENTS.replace("C0PAYMENTS", '"#payments"').replace("U0PRIYA", "priya"))
    assert main(["catalog", "check", str(good)]) == 0
    shown = capsys.readouterr().out
    assert "payments: Payments API, 2 owner(s), channel C0PAYMENTS" in shown
    assert "1 service(s), all valid." in shown
    assert main(["catalog", "check", str(bad)]) == 1
    assert "'#payments' is no Slack channel id" in capsys.readouterr().err
    assert main(["catalog", "check", str(tmp_path / "missing.yaml")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_catalog_check_without_a_file_or_setting_says_what_to_give(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WARROOM_CATALOG", raising=False)
    assert main(["catalog", "check"]) == 2
    assert "Say which catalog" in capsys.readouterr().err

"""The pure rules of paging: which words of `/incident page` are services, which dedup keys
are warroom's pages, which PagerDuty webhook signatures are genuine, and how a page's news
reads."""

import hashlib
import hmac
from types import SimpleNamespace

import pytest

from warroom.app.paging import dedup_key, page_of
from warroom.domain.timeline import EntryKind, describe
from warroom.slack.commands import paged_services
from warroom.web.pagerduty_hook import signed

KNOWN = {"payments", "search", "web-api"}


@pytest.mark.parametrize(
    ("text", "services", "message"),
    [
        ("payments please join", ["payments"], "please join"),
        (
            "payments, search: checkout and search down",
            ["payments", "search"],
            "checkout and search down",
        ),
        ("web-api", ["web-api"], ""),
        ("please join now", [], "please join now"),  # no known first word: all a message
        ("payments, nosuch hi", ["payments", "nosuch"], "hi"),  # the use case refuses nosuch
        ("", [], ""),
    ],
)
def test_the_first_known_names_are_the_services_and_the_rest_the_message(text, services, message):
    assert paged_services(text, KNOWN) == (services, message)


def test_a_dedup_key_names_its_incident_service_and_person_and_others_are_not_ours():
    assert page_of(dedup_key(12, "web-api")) == (12, "web-api", None)
    assert page_of(dedup_key(12, "web-api", "U0ALICE")) == (12, "web-api", "U0ALICE")
    assert dedup_key(12, "web-api", "U0ALICE") == "warroom-12-web-api-@U0ALICE"
    foreign = (None, "", "warroom-x-payments", "a1b2c3", "warroom-12-", "warroom-1-a-@bob")
    for key in foreign:
        assert page_of(key) is None


def test_a_signature_counts_when_any_of_the_rotated_ones_is_the_bodys():
    body = b'{"event": {}}'
    good = "v1=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert signed("secret", body, good)
    assert signed("secret", body, f"v1=0000, {good}")
    assert not signed("secret", body, "v1=0000")
    assert not signed("other", body, good)
    assert not signed("secret", body + b" ", good)
    assert not signed("secret", body, "")


def test_a_page_names_where_pagerduty_shows_it_except_in_a_brief_story():
    acknowledged = SimpleNamespace(
        kind=EntryKind.PAGE_CHANGED,
        actor_id=None,
        text="",
        details={
            "service": "payments",
            "status": "acknowledged",
            "by": "Bob",
            "url": "https://pd.example/incidents/Q1",
        },
    )
    said = describe(acknowledged, person=lambda user: f"@{user}", quote=str)
    assert (
        said
        == "Bob acknowledged the page for payments in PagerDuty. https://pd.example/incidents/Q1"
    )
    brief = describe(acknowledged, person=lambda user: f"@{user}", quote=str, brief=True)
    assert brief == "Bob acknowledged the page for payments in PagerDuty."

"""The web address a timeline entry keeps: said after its sentence, left out of a brief story
where it is Slack's or PagerDuty's, and never anything but an http(s) address."""

from types import SimpleNamespace

from warroom.domain.timeline import EntryKind, address_of, describe


def entry(kind: EntryKind, text: str = "", **details) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, actor_id="U1", text=text, details=details)


def said(entry, **how) -> str:
    return describe(entry, person=lambda user: f"@{user}", quote=str, **how)


ATTACHED = entry(
    EntryKind.ATTACHED,
    "Customers report failed payments",
    attached_by="U2",
    permalink="https://acme.slack.com/archives/C1/p1",
)
ALERT = entry(EntryKind.ALERT, "HighErrorRate", status="firing", link="https://grafana.example/d/1")


def test_the_address_follows_the_sentence():
    assert said(ATTACHED) == (
        "@U2 attached a message by @U1: Customers report failed payments "
        "https://acme.slack.com/archives/C1/p1"
    )
    assert said(ALERT) == "Alert firing: HighErrorRate https://grafana.example/d/1"


def test_a_brief_story_keeps_only_the_alerts_source():
    assert said(ATTACHED, brief=True) == (
        "@U2 attached a message by @U1: Customers report failed payments"
    )
    assert said(ALERT, brief=True).endswith(" https://grafana.example/d/1")


def test_a_front_end_with_links_of_its_own_gets_the_sentence_and_the_address_apart():
    assert said(ALERT, addressed=False) == "Alert firing: HighErrorRate"
    assert address_of(ALERT) == "https://grafana.example/d/1"
    assert address_of(entry(EntryKind.NOTE, "Looking", link="https://x.example/")) is None


def test_an_address_that_is_no_web_address_is_never_said():
    sneaky = entry(EntryKind.ALERT, "HighErrorRate", status="firing", link="javascript:alert(1)")
    assert address_of(sneaky) is None
    assert said(sneaky) == "Alert firing: HighErrorRate"

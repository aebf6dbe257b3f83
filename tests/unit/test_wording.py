"""People told from systems, and times written every way a postmortem writes them."""

from datetime import timedelta

import pytest

from warroom.domain.time_phrases import has_count, has_window, stated_durations
from warroom.domain.wording import People, blame, is_group, wishes

PEOPLE = People.of(["Samuel Osei", "Priya Raman", "@jkowalski"])


@pytest.mark.parametrize(
    "text",
    [
        "Terraform deployed the new security group.",
        "Jenkins skipped the integration stage.",
        "Samba dropped the connection.",  # a system whose name starts like Samuel's
        "Priya rolled back the release at 15:05.",
        "Sam deployed the fix at 15:05.",
        "The fix was deployed by Sam.",
        "At 14:20 she thought the backup was refusing connections.",
    ],
)
def test_systems_and_plain_facts_are_not_blame(text):
    assert list(blame(text, PEOPLE)) == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Sam's change broke checkout.", "Sam's change broke"),
        ("Priya's typo set the limit to 10.", "Priya's typo"),
        ("The table was deleted by Samuel.", "deleted by Samuel"),
        ("@jkowalski forgot to renew the certificate.", "@jkowalski forgot"),
        ("The contractor pushed straight to main.", "The contractor pushed straight to"),
        ("She ignored the first page.", "She ignored"),
    ],
)
def test_people_at_fault_are_found_however_they_are_named(text, phrase):
    assert any(phrase in found for found in blame(text, PEOPLE))


def test_without_participants_a_name_is_not_taken_for_a_person():
    assert list(blame("Bob skipped the stage.", People.of([]))) == []
    assert list(blame("Bob skipped the stage.", People.of(["Bob Ng"]))) == ["Bob skipped"]


@pytest.mark.parametrize(
    "impact",
    [
        "14:02--14:48 UTC",
        "14:02 → 14:48",
        "from 14:02 through 14:48 UTC",
        "0612-0655 UTC",
        "0914-1002Z",
        "2:10 PM to 3:25 PM PDT",
        "23:40 UTC on 3 March to 01:15 UTC on 4 March",
        "Mar 3 23:40 - Mar 4 01:15",
        "2026-03-04T23:50Z to 2026-03-05T00:35Z",
        "between 09:10 and 09:55",
    ],
)
def test_windows_are_read_however_they_are_written(impact):
    assert has_window(impact) and not has_count(impact)


def test_years_and_counts_are_not_windows():
    assert not has_window("the 2019-2020 contracts")
    assert has_count("about 3,200 failed checkouts between 14:02 and 14:48")


def test_durations_are_read_as_spans():
    found = list(stated_durations("27 minutes, then 1 h 08 min, 1.5 hours, 3 million users"))
    assert found == [
        ("27 minutes", timedelta(minutes=27)),
        ("1 h 08 min", timedelta(minutes=68)),
        ("1.5 hours", timedelta(minutes=90)),
    ]


def test_a_named_component_or_a_number_makes_a_task_checkable():
    assert wishes("Review the alerting") == ["Review"]
    assert wishes("Review the retry policy of checkout-api and cap retries at 3") == []
    assert wishes("Add a required review from the payments owners") == []


@pytest.mark.parametrize(
    ("owner", "group"),
    [("SRE team", True), ("Alice and Bob", True), ("platform/infra", True), ("Lee Wong", False)],
)
def test_a_team_is_no_owner(owner, group):
    assert is_group(owner) is group


def test_a_lower_case_display_name_is_found_capitalised_in_prose():
    assert list(blame("Priya forgot to renew it.", People.of(["@priya"]))) == ["Priya forgot"]

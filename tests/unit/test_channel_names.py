import re

import pytest

from warroom.domain.incident import CHANNEL_NAME_MAX, channel_name

VALID = re.compile(r"^[a-z0-9_-]{1,80}$")


@pytest.mark.parametrize(
    "title",
    [
        "Checkout is failing",
        "<!channel> down",
        "'; DROP TABLE incidents; --",
        "🔥🔥🔥",
        "Zahlungsausfall: Überweisungen hängen",
        "支付失败",
        "x" * 5000,
        "a-" * 3000,
        "",
        "   ",
    ],
)
def test_any_title_gives_a_valid_slack_name(title):
    for attempt in (1, 2, 17):
        name = channel_name(12, title, attempt)
        assert VALID.match(name), name
        assert len(name) <= CHANNEL_NAME_MAX
        assert name.startswith("inc-12")
        assert not name.endswith("-") and "--" not in name


def test_names_read_like_the_title():
    assert channel_name(12, "Checkout is failing") == "inc-12-checkout-is-failing"
    assert (
        channel_name(3, "Zahlungsausfall: Überweisungen") == "inc-3-zahlungsausfall-uberweisungen"
    )
    assert channel_name(3, "🔥🔥") == "inc-3"


def test_retries_after_name_taken_get_distinct_suffixes():
    names = {channel_name(7, "x" * 5000, attempt) for attempt in range(1, 21)}
    assert len(names) == 20
    assert channel_name(7, "db down", 2) == "inc-7-db-down-2"

"""What the tracker tests share: a catalog whose payments service names its tracker, and a
person's way through the action items' list, its Done and Edit buttons and the edit form."""

from tests.conftest import eventually, settle
from tests.e2e.test_action_items import post_list
from tests.unit.test_catalog import PAYMENTS
from warroom.slack.action_views import DONE_BUTTON, EDIT_BUTTON


def catalog_with(tmp_path, annotations: dict[str, str]):
    """The payments service, unpaged (nothing calls PagerDuty), with these annotations."""
    catalog = tmp_path / "catalog-info.yaml"
    unpaged = "".join(line for line in PAYMENTS.splitlines(True) if "pagerduty.com" not in line)
    added = "".join(f"    {key}: {value}\n" for key, value in annotations.items())
    catalog.write_text(unpaged.replace("  annotations:\n", "  annotations:\n" + added))
    return catalog


def _click(sandbox, declared, user: str, button: str, item_id: int) -> None:
    listing = sandbox.driver.slash_command(user, declared.channel_id, "actions").body
    ts = post_list(sandbox, declared, listing)
    sandbox.driver.block_action(
        user, button, str(item_id), channel_id=declared.channel_id, message_ts=ts
    )
    settle(sandbox)


def mark_done(sandbox, declared, user: str, item_id: int) -> None:
    _click(sandbox, declared, user, DONE_BUTTON, item_id)


def edit(sandbox, declared, user: str, item_id: int, values: dict[str, str]) -> None:
    """Open the item's form from the list and submit it with `values` by block id."""
    before = {v["id"] for v in sandbox.open_views("action_item_form")}
    _click(sandbox, declared, user, EDIT_BUTTON, item_id)
    [form] = eventually(
        lambda: [v["id"] for v in sandbox.open_views("action_item_form") if v["id"] not in before]
    )
    fields = {block: {"value": value} for block, value in values.items()}
    answer = sandbox.driver.submit_view(user, form, fields)
    assert answer.status == 200 and not (answer.body or {}).get("errors"), answer
    settle(sandbox)

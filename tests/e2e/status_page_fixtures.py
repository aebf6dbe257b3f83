"""A warroom with status page components, and the comms lead's way through the form, for
the tests that publish to the status page."""

from tests.conftest import eventually, settle
from tests.unit.test_catalog import PAYMENTS


def with_status_page(settings, tmp_path):
    """The settings with components: API and Dashboard, and the catalog's payments service
    as Checkout (unpaged, so nothing calls PagerDuty)."""
    catalog = tmp_path / "catalog-info.yaml"
    unpaged = "".join(line for line in PAYMENTS.splitlines(True) if "pagerduty.com" not in line)
    component = "  annotations:\n    warroom/status-component: Checkout\n"
    catalog.write_text(unpaged.replace("  annotations:\n", component))
    return settings.model_copy(
        update={"warroom_catalog": catalog, "warroom_status_components": ("API", "Dashboard")}
    )


def open_form(sandbox, callback="status_page_form") -> dict:
    [view] = eventually(lambda: sandbox.open_views(callback))
    return view


def submit(sandbox, view: dict, fields: dict, user="alice"):
    answer = sandbox.driver.submit_view(sandbox.user_id(user), view["id"], fields)
    assert answer.status == 200, answer
    settle(sandbox)
    return answer.body or {}


def publish(sandbox, fields: dict, user="alice") -> None:
    """Fill in the open form, look at the preview, and publish."""
    assert submit(sandbox, open_form(sandbox), fields, user)["response_action"] == "push"
    assert submit(sandbox, open_form(sandbox, "status_page_preview"), {}, user) == {
        "response_action": "clear"
    }

"""How submitted values are shaped, per element type, as Slack shapes them."""

import pytest

from warroom.sandbox.interactions import state_values


def input_block(block_id: str, element: dict) -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "element": element,
        "label": {"type": "plain_text", "text": block_id},
    }


SEV1 = {"text": {"type": "plain_text", "text": "SEV1"}, "value": "sev1"}
VIEW = {
    "type": "modal",
    "blocks": [
        input_block("title", {"type": "plain_text_input", "action_id": "value"}),
        input_block("severity", {"type": "static_select", "action_id": "value", "options": [SEV1]}),
        input_block("commander", {"type": "users_select", "action_id": "value"}),
        input_block("flags", {"type": "checkboxes", "action_id": "value", "options": [SEV1]}),
    ],
}


def test_values_take_the_shape_of_their_element():
    values = {
        "title": {"value": "Checkout down"},
        "severity": {"value": "sev1"},
        "commander": {"value": "U1"},
        "flags": {"value": ["sev1"]},
    }
    assert state_values(VIEW, values) == {
        "title": {"value": {"type": "plain_text_input", "value": "Checkout down"}},
        "severity": {"value": {"type": "static_select", "selected_option": SEV1}},
        "commander": {"value": {"type": "users_select", "selected_user": "U1"}},
        "flags": {"value": {"type": "checkboxes", "selected_options": [SEV1]}},
    }


def test_inputs_left_empty_are_still_reported():
    state = state_values(VIEW, {})
    assert state["title"]["value"]["value"] is None
    assert state["severity"]["value"]["selected_option"] is None
    assert state["flags"]["value"]["selected_options"] == []


def test_values_for_inputs_the_view_lacks_are_a_test_mistake():
    with pytest.raises(ValueError, match="no input elements"):
        state_values(VIEW, {"nope": {"value": "x"}})

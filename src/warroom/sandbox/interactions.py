"""The payloads Slack sends the bot when a user interacts: slash commands, block actions,
view submissions and message shortcuts. Pure functions over workspace snapshots."""

from .models import User

# How each stateful element reports its value in `state.values` (and in `actions`).
_VALUE_FIELDS = {
    "plain_text_input": "value",
    "number_input": "value",
    "email_text_input": "value",
    "url_text_input": "value",
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "overflow": "selected_option",
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "multi_static_select": "selected_options",
    "checkboxes": "selected_options",
    "multi_users_select": "selected_users",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
}
_OPTION_FIELDS = {"selected_option", "selected_options"}


def user_ref(user: User) -> dict:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}


def elements(blocks: list[dict]):
    """(block_id, element) for every interactive element in `blocks`."""
    for block in blocks or []:
        block_id = block.get("block_id", "")
        if block.get("type") == "input":
            yield block_id, block.get("element", {})
        elif block.get("type") == "actions":
            for element in block.get("elements", []):
                yield block_id, element
        elif block.get("type") == "section" and "accessory" in block:
            yield block_id, block["accessory"]


def find_element(blocks: list[dict], action_id: str, block_id: str | None = None):
    for found_block_id, element in elements(blocks):
        if element.get("action_id") == action_id and block_id in (None, found_block_id):
            return found_block_id, element
    return block_id or "", None


def _option(element: dict | None, choice) -> dict:
    """The option dict Slack reports for a chosen value (looked up in the element)."""
    if isinstance(choice, dict):
        return choice
    candidates = list((element or {}).get("options", []))
    for group in (element or {}).get("option_groups", []):
        candidates.extend(group.get("options", []))
    for option in candidates:
        if option.get("value") == choice:
            return option
    return {"text": {"type": "plain_text", "text": str(choice), "emoji": True}, "value": choice}


def element_value(element_type: str, element: dict | None, value) -> dict:
    """`{"type": ..., <field>: ...}` as Slack shapes a value of this element type."""
    field = _VALUE_FIELDS.get(element_type, "value")
    if field == "selected_option":
        shaped = None if value is None else _option(element, value)
    elif field == "selected_options":
        shaped = [_option(element, choice) for choice in value or []]
    elif field == "selected_users":
        shaped = list(value or [])
    else:
        shaped = value
    return {"type": element_type, field: shaped}


def _initial(element: dict, element_type: str):
    """What an input holds untouched, as Slack submits it: its initial value or choices."""
    field = _VALUE_FIELDS.get(element_type, "value")
    if field == "selected_option":
        return (element.get("initial_option") or {}).get("value")
    if field == "selected_options":
        return [option["value"] for option in element.get("initial_options") or []]
    if field == "selected_users":
        return element.get("initial_users")
    return element.get("initial_value")


def state_values(view: dict, values: dict[str, dict]) -> dict:
    """`state.values` for a submitted view; `values` is {block_id: {action_id: value}}, and
    what it leaves out keeps its initial value."""
    state: dict[str, dict] = {}
    known = set()
    for block_id, element in elements(view.get("blocks", [])):
        element_type = element.get("type", "")
        if element_type not in _VALUE_FIELDS:
            continue
        action_id = element.get("action_id", "")
        known.add((block_id, action_id))
        given = values.get(block_id, {})
        value = given[action_id] if action_id in given else _initial(element, element_type)
        state.setdefault(block_id, {})[action_id] = element_value(element_type, element, value)
    unknown = [(b, a) for b, actions in values.items() for a in actions if (b, a) not in known]
    if unknown:
        raise ValueError(f"the view has no input elements {unknown}")
    return state


def button_or_select(
    element: dict | None,
    action_id: str,
    block_id: str,
    value,
    selected_user: str | None,
    selected_option,
    action_ts: str,
) -> dict:
    """One entry of `actions` in a block_actions payload."""
    if element is not None:
        element_type = element.get("type", "button")
    elif selected_user is not None:
        element_type = "users_select"
    else:
        element_type = "static_select" if selected_option is not None else "button"
    action = {
        "type": element_type,
        "action_id": action_id,
        "block_id": block_id,
        "action_ts": action_ts,
    }
    if element_type == "button":
        text = (element or {}).get("text", {"type": "plain_text", "text": action_id})
        action["text"] = text
        button_value = value if value is not None else (element or {}).get("value")
        if button_value is not None:
            action["value"] = button_value
        return action
    chosen = {"selected_user": selected_user, "selected_option": selected_option}
    field = _VALUE_FIELDS.get(element_type, "value")
    action.update(element_value(element_type, element, chosen.get(field) or value))
    if element and "placeholder" in element:
        action["placeholder"] = element["placeholder"]
    return action


def slash_command_form(
    *,
    team_id: str,
    team_domain: str,
    app_id: str,
    user: User,
    channel_id: str,
    channel_name: str,
    command: str,
    text: str,
    response_url: str,
    trigger_id: str,
) -> dict:
    return {
        "token": "sandbox-verification-token",
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user.id,
        "user_name": user.name,
        "command": command,
        "text": text,
        "api_app_id": app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def interaction_base(
    kind: str, *, team_id: str, team_domain: str, app_id: str, user: User, trigger_id: str
) -> dict:
    """The fields every interactive payload shares."""
    return {
        "type": kind,
        "token": "sandbox-verification-token",
        "api_app_id": app_id,
        "team": {"id": team_id, "domain": team_domain},
        "user": user_ref(user),
        "enterprise": None,
        "is_enterprise_install": False,
        "trigger_id": trigger_id,
    }

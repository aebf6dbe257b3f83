"""Slack's modals as the demo's browser view draws them: the modal in front of the viewer
as an HTML form, its input blocks as controls (text, selects, checkboxes, radio buttons,
dates, times, people, channels), and what the browser sends back turned into the values
Slack would submit. Everything the bot wrote is escaped.

A control is named by its input's position in the modal (`input-0`, `input-1`...), which
the submission is read back by, so no block or action id has to survive a form's field
name.
"""

from collections.abc import Mapping

from markupsafe import Markup
from starlette.datastructures import ImmutableMultiDict

from warroom.demo.slack_html import block_html

_CHOICES = {"static_select", "multi_static_select", "checkboxes", "radio_buttons"}
_MANY = {"multi_static_select", "checkboxes", "multi_users_select"}
_PEOPLE = {"users_select", "multi_users_select"}
_PLACES = {"channels_select", "conversations_select"}
_TYPED = {
    "plain_text_input": "text",
    "number_input": "number",
    "email_text_input": "email",
    "url_text_input": "url",
    "datepicker": "date",
    "timepicker": "time",
}
_INITIAL = {"datepicker": "initial_date", "timepicker": "initial_time"}
_DRAWN = _CHOICES | _PEOPLE | _PLACES | set(_TYPED)


def inputs(view: dict) -> list[dict]:
    """The modal's input blocks, in order: what its form's controls are numbered by."""
    return [block for block in view.get("blocks", []) if block.get("type") == "input"]


def modal_html(
    view: dict,
    names: Mapping[str, str],
    people: Mapping[str, str],
    places: Mapping[str, str],
    errors: Mapping[str, str],
    typed: ImmutableMultiDict | None = None,
) -> Markup:
    """The modal's blocks, inputs as controls; `people` and `places` are the workspace's
    users and channels by id, for their pickers; `errors` the bot's, by block id; `typed`
    what the form last sent, which the controls keep when the bot refused it."""
    drawn, position = [], 0
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            drawn.append(block_html(block, names, "", ""))
            continue
        name = f"input-{position}"
        kept = typed.getlist(name) if typed is not None else None
        need = Markup("") if block.get("optional") else Markup(" required")  # as Slack insists
        control = _control(block["element"], name, people, places, kept, need)
        drawn.append(_field(block, control, errors.get(block.get("block_id", ""))))
        position += 1
    return Markup("").join(drawn)


def submitted(view: dict, form: ImmutableMultiDict) -> dict[str, dict]:
    """{block_id: {action_id: value}} from the form, as the sandbox's driver takes them; an
    input drawn as no control keeps its initial value, as it would in Slack untouched."""
    values: dict[str, dict] = {}
    for position, block in enumerate(inputs(view)):
        element, name = block["element"], f"input-{position}"
        kind = element.get("type", "")
        if kind not in _DRAWN:
            continue
        chosen = [v for v in form.getlist(name) if v] if kind in _MANY else form.get(name) or None
        values.setdefault(block.get("block_id", ""), {})[element.get("action_id", "")] = chosen
    return values


def _field(block: dict, control: Markup, error: str | None) -> Markup:
    """The input's label around its control; boxes, each labelled, go in a fieldset."""
    label = block.get("label", {}).get("text", "")
    optional = Markup(' <span class="meta">(optional)</span>') if block.get("optional") else ""
    hint = (block.get("hint") or {}).get("text")
    boxes = block["element"].get("type") in ("checkboxes", "radio_buttons")
    shape = (
        '<fieldset class="field"><legend>{}{}</legend>{}{}{}</fieldset>'
        if boxes
        else '<div class="field"><label>{}{}{}</label>{}{}</div>'
    )
    return Markup(shape).format(
        label,
        optional,
        control,
        Markup('<p class="meta">{}</p>').format(hint) if hint else "",
        Markup('<p class="error" role="alert">{}</p>').format(error) if error else "",
    )


def _control(
    element: dict,
    name: str,
    people: Mapping[str, str],
    places: Mapping[str, str],
    kept: list[str] | None,
    need: Markup,
) -> Markup:
    """The element's control, holding what was `kept` of a refused form, else its initial
    value; `need` makes the browser insist on a value, as Slack does for a required input."""
    kind = element.get("type", "")
    if kind in _TYPED:
        return _typed(element, name, _TYPED[kind], kept[0] if kept else None, need)
    if kind in _CHOICES:
        options = _options(element)
        chosen = _kept(kept) if kept is not None else _initial_choices(element)
    elif kind in _PEOPLE or kind in _PLACES:
        options = list((people if kind in _PEOPLE else places).items())
        chosen = _kept(kept) if kept is not None else _initial_picks(element)
    else:
        return Markup('<span class="picker">{} (use it in Slack)</span>').format(kind)
    if kind in ("checkboxes", "radio_buttons"):
        return _boxes(name, options, chosen, "checkbox" if kind == "checkboxes" else "radio")
    return _select(name, options, chosen, many=kind in _MANY, need=need)


def _typed(element: dict, name: str, kind: str, kept: str | None, need: Markup) -> Markup:
    initial = (
        kept if kept is not None else element.get(_INITIAL.get(element["type"], "initial_value"))
    )
    initial = initial or ""
    placeholder = (element.get("placeholder") or {}).get("text", "")
    if element.get("multiline"):
        return Markup('<textarea name="{}" rows="4" placeholder="{}"{}>{}</textarea>').format(
            name, placeholder, need, initial
        )
    limit = (
        Markup(' maxlength="{}"').format(element["max_length"]) if "max_length" in element else ""
    )
    return Markup('<input type="{}" name="{}" value="{}" placeholder="{}"{}{}>').format(
        kind, name, initial, placeholder, limit, need
    )


def _kept(kept: list[str]) -> set[str]:
    """The choices a refused form held ("" is the select's "Choose…": no choice)."""
    return {value for value in kept if value}


def _options(element: dict) -> list[tuple[str, str]]:
    found = list(element.get("options", []))
    for group in element.get("option_groups", []):
        found += group.get("options", [])
    return [(option["value"], option["text"]["text"]) for option in found]


def _initial_choices(element: dict) -> set[str]:
    picked = element.get("initial_options") or [element.get("initial_option") or {}]
    return {option["value"] for option in picked if option}


def _initial_picks(element: dict) -> set[str]:
    """The people or channels a picker starts with."""
    picked = [element.get(key) for key in ("initial_user", "initial_channel")]
    picked += [element.get("initial_conversation")]
    picked += element.get("initial_users") or element.get("initial_channels") or []
    return {pick for pick in picked if pick}


def _select(name: str, options, chosen: set[str], *, many: bool, need: Markup) -> Markup:
    drawn = [] if many or chosen else [Markup('<option value="">Choose…</option>')]
    drawn += [_option(value, label, chosen) for value, label in options]
    return Markup('<select name="{}"{}{}>{}</select>').format(
        name, Markup(" multiple") if many else "", need, Markup("").join(drawn)
    )


def _boxes(name: str, options, chosen: set[str], kind: str) -> Markup:
    return Markup("").join(
        Markup('<label class="choice"><input type="{}" name="{}" value="{}"{}> {}</label>').format(
            kind, name, value, Markup(" checked") if value in chosen else "", label
        )
        for value, label in options
    )


def _option(value: str, label: str, chosen: set[str]) -> Markup:
    selected = Markup(" selected") if value in chosen else ""
    return Markup('<option value="{}"{}>{}</option>').format(value, selected, label)

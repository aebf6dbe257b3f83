"""views.* methods: modals (opened with a fresh trigger_id) and App Home tabs."""

from .api_context import ApiContext
from .args import Args
from .blockkit import validate_view
from .errors import SlackError


def _view(args: Args, expected_type: str) -> dict:
    view = args.json("view", dict)
    if view is None:
        raise SlackError("invalid_arguments", "missing required field: view")
    validate_view(view)
    if view.get("type") != expected_type:
        raise SlackError("invalid_arguments", f"view type must be {expected_type!r}")
    return view


def views_open(ctx: ApiContext, args: Args) -> dict:
    user_id = ctx.ws.redeem_trigger(args.str("trigger_id"))
    return {"ok": True, "view": ctx.ws.views.open(user_id, _view(args, "modal"))}


def views_push(ctx: ApiContext, args: Args) -> dict:
    user_id = ctx.ws.redeem_trigger(args.str("trigger_id"))
    return {"ok": True, "view": ctx.ws.views.push(user_id, _view(args, "modal"))}


def views_update(ctx: ApiContext, args: Args) -> dict:
    with ctx.ws.lock:
        view_id = ctx.ws.views.find(args.str("view_id"), args.str("external_id"))
        view = _view(args, ctx.ws.views.get(view_id)["type"])
        return {"ok": True, "view": ctx.ws.views.update(view_id, view, args.str("hash"))}


def views_publish(ctx: ApiContext, args: Args) -> dict:
    user_id = args.str("user_id")
    ctx.ws.user(user_id)
    view = _view(args, "home")
    return {"ok": True, "view": ctx.ws.views.publish(user_id, view, args.str("hash"))}


METHODS = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}

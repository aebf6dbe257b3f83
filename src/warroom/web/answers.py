"""How every hook answers: a refusal is a JSON body with the reason (for a body it cannot
read, which field is wrong and why); an event it has no use for is acknowledged as ignored,
and a ticket's move says whether it changed its action item."""

from pydantic import ValidationError
from starlette.responses import JSONResponse


def refused(status: int, reason: str) -> JSONResponse:
    return JSONResponse({"ok": False, "reason": reason}, status_code=status)


def unreadable(error: ValidationError) -> JSONResponse:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the body"
    return refused(400, f"{where}: {first['msg']}")


def ignored(what: str) -> JSONResponse:
    return JSONResponse({"ok": True, "ignored": what or "no event"}, status_code=202)


def moved(changed: bool) -> JSONResponse:
    """200 when the item changed; 202 when it already agreed, or no item has the ticket."""
    return JSONResponse({"ok": True, "recorded": changed}, status_code=200 if changed else 202)

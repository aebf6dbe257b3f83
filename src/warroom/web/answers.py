"""How every hook refuses: a JSON body with the reason, and for a body it cannot read, which
field is wrong and why."""

from pydantic import ValidationError
from starlette.responses import JSONResponse


def refused(status: int, reason: str) -> JSONResponse:
    return JSONResponse({"ok": False, "reason": reason}, status_code=status)


def unreadable(error: ValidationError) -> JSONResponse:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the body"
    return refused(400, f"{where}: {first['msg']}")

"""What the PagerDuty emulator holds (services, and incidents as alerts under a dedup key)
and the shapes its REST answers share: times, the error object, offset pagination."""

import dataclasses
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse


def now() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime, timespec: str = "seconds") -> str:
    return moment.isoformat(timespec=timespec).replace("+00:00", "Z")


def rest_error(status: int, message: str, code: int, errors=(), headers=None) -> JSONResponse:
    error = {"message": message, "code": code} | ({"errors": list(errors)} if errors else {})
    return JSONResponse({"error": error}, status, headers=headers)


@dataclasses.dataclass
class Service:
    id: str
    name: str
    routing_key: str
    users: list[str]  # on call at level 1 of its escalation policy, through its schedule
    added: datetime


@dataclasses.dataclass
class Alert:
    """A PagerDuty incident, opened by an event or with the REST API."""

    shown: dict  # what `alert()` answers; its "events" counts the Events API events applied
    dedup_key: str
    service: Service
    number: int
    created_at: datetime
    users: list[str]  # whom it rings: the service's on-call, or its assignees
    notes: list[dict] = dataclasses.field(default_factory=list)  # IncidentNote, oldest first

    id = property(lambda self: f"PI{self.number:05d}")

    status = property(lambda self: self.shown["status"])


def window(params) -> tuple[int, int] | None:
    """The `limit` and `offset` of a list call (offset_limit, offset_offset); None: unreadable."""
    limit, offset = params.get("limit", "25"), params.get("offset", "0")
    if not (limit.isdigit() and offset.isdigit() and int(limit) > 0):
        return None
    return int(limit), int(offset)


def listed(request: Request, name: str, rows: list[dict]) -> JSONResponse:
    """One page of a list, in the REST API's classic (offset) pagination."""
    params = request.query_params
    limit, offset = window(params)
    page = rows[offset : offset + limit]
    body = {name: page, "limit": limit, "offset": offset, "more": offset + len(page) < len(rows)}
    return JSONResponse(body | {"total": len(rows) if params.get("total") == "true" else None})

"""Deploys of services: recorded once however often they are reported, and read back by
service and time."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.store.db import insert_new
from warroom.store.models import Deploy


def record(session: Session, deploy: dict) -> bool:
    """Record a deploy (the `Deploy` columns); False when it was already recorded."""
    return bool(insert_new(session, Deploy, [deploy], returning=("id",)))


def latest(session: Session, services: Sequence[str], limit: int) -> list[Deploy]:
    """The last `limit` deploys of each service, newest first."""
    found = []
    for service in services:
        query = select(Deploy).where(Deploy.service == service)
        found += session.scalars(query.order_by(Deploy.deployed_at.desc()).limit(limit))
    return found


def between(
    session: Session, services: Sequence[str], start: datetime, end: datetime
) -> list[Deploy]:
    """The services' deploys from `start` to `end`, oldest first."""
    query = select(Deploy).where(
        Deploy.service.in_(list(services)), Deploy.deployed_at.between(start, end)
    )
    return list(session.scalars(query.order_by(Deploy.deployed_at)))

"""Alembic environment: the models' metadata, the URL from warroom's own settings."""

from alembic import context
from sqlalchemy import create_engine, pool

from warroom.config import load_settings
from warroom.store.models import Base, UTCDateTime

config = context.config
# warroom passes the URL (warroom.store.db); the `alembic` command reads the settings.
URL = config.get_section(config.config_ini_section, {}).get("sqlalchemy.url") or (
    load_settings().database_url
)


def render_item(type_, obj, autogen_context):
    """Migrations spell UTCDateTime as its plain column type, so they never import models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """An index the models make on one kind of database only is compared only there; an
    optional one only where it exists."""
    info = getattr(obj, "info", {})
    if info.get("optional") and not reflected and compare_to is None:
        return False
    only_on = info.get("only_on")
    return only_on is None or only_on == context.get_bind().dialect.name


def run_migrations() -> None:
    connectable = create_engine(URL, poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            # SQLite cannot ALTER most things in place; batch mode rebuilds the table.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=render_item,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()

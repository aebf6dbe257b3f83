"""A timestamp column as seconds since 1970, computed by the database (SQLite's julianday,
PostgreSQL's EXTRACT): figures over thousands of incidents subtract numbers, not Python
datetimes. Only the difference of two of them means anything to the figures."""

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

UNIX_EPOCH_JULIAN_DAY = 2440587.5
DAY = 86400


class epoch(FunctionElement):  # noqa: N801 (an SQL function, named as SQL names them)
    type = Float()
    inherit_cache = True


@compiles(epoch, "sqlite")
def _sqlite(element, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"((julianday({column}) - {UNIX_EPOCH_JULIAN_DAY}) * {DAY})"


@compiles(epoch, "postgresql")
def _postgresql(element, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST(EXTRACT(EPOCH FROM {column}) AS DOUBLE PRECISION)"

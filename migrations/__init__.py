"""The Alembic migrations, the only authority over the schema (shipped inside the package)."""

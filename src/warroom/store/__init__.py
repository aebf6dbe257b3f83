"""The database: schema, engine and sessions, and the queries the use cases build on."""

"""The vocabulary of incident response and its pure rules: no I/O, no Slack, no database."""

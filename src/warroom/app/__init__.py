"""The application layer: each use case owns its transaction and its consequences (the
timeline entry, the nags rescheduled, the events put in the outbox) and returns the events.
Slack's listeners, the command line and the HTTP endpoints all go through it."""

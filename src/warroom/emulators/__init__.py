"""Emulators of the services warroom delivers to, beside the Slack sandbox (warroom.sandbox):
for the tests and the demo. They need the `test` extra."""

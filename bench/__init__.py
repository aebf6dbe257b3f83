"""Benchmarks for warroom: `python -m bench [--quick]` from the repository root.

The bot runs in this process against the local Slack sandbox; the load comes from a
separate process so the senders never compete with the bot for the GIL.
"""

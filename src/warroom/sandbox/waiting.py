"""Waiting for a bot's background work to show, without sleeping longer than needed."""

import time


def eventually(check, timeout: float = 10.0, interval: float = 0.02):
    """`check()`'s first truthy value, polled every `interval`; TimeoutError with what it
    last returned after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"still not done after {timeout} s: {result!r}")
        time.sleep(interval)

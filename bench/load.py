"""Closed-loop load from a separate process: K concurrent senders (asyncio tasks, each with its
own keep-alive connection: a pool of K) each POST a signed request, wait for the answer, and
send the next, until the time is up. Latency is measured per request, from send to answer."""

import asyncio
import multiprocessing
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from bench.http1 import Connection
from bench.stats import percentile

ANSWER_TIMEOUT = 10.0  # seconds; a slower answer counts as a failure


@dataclass
class LoadResult:
    seconds: float  # from the first send to the last answer
    latencies: list[float]  # seconds, one per 200
    failures: Counter = field(default_factory=Counter)  # "HTTP 500", "ReadTimeout"...
    kinds: Counter = field(default_factory=Counter)  # how many of each kind were sent
    messages_acked: int = 0  # distinct messages with at least one 200

    @property
    def acked(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.acked / self.seconds

    def latency_ms(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000


class LoadGenerator:
    """One worker process, started once and reused for every run."""

    def __enter__(self) -> "LoadGenerator":
        context = multiprocessing.get_context("spawn")  # no fork of a threaded process
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        self._pool.submit(_ready).result()  # pay the start-up before anything is timed
        return self

    def __exit__(self, *exc_info) -> None:
        self._pool.shutdown()

    def run(self, url: str, source, senders: int, seconds: float) -> LoadResult:
        return self._pool.submit(_run, url, source, senders, seconds).result()


def _ready() -> bool:
    return True


def _run(url: str, source, senders: int, seconds: float) -> LoadResult:
    return asyncio.run(_send_for(url, source, senders, seconds))


async def _send_for(url: str, source, senders: int, seconds: float) -> LoadResult:
    latencies: list[float] = []
    failures: Counter = Counter()
    kinds: Counter = Counter()
    acked_messages: set[int] = set()
    start = time.perf_counter()
    deadline = start + seconds

    async def sender() -> None:
        connection = Connection(url)
        while time.perf_counter() < deadline:
            request = source.next_request()
            kinds[request.kind] += 1
            sent = time.perf_counter()
            try:
                answer = await asyncio.wait_for(
                    connection.post(request.body, request.headers), ANSWER_TIMEOUT
                )
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as error:
                failures[type(error).__name__] += 1
                continue
            if answer.status != 200:
                failures[f"HTTP {answer.status}"] += 1
                continue
            latencies.append(time.perf_counter() - sent)
            if request.message is not None:
                acked_messages.add(request.message)
        await connection.close()

    await asyncio.gather(*(sender() for _ in range(senders)))
    elapsed = time.perf_counter() - start
    return LoadResult(elapsed, latencies, failures, kinds, len(acked_messages))

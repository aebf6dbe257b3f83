"""How long and how hard each benchmark runs; `--quick` cuts every duration to seconds."""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class BenchConfig:
    runs: int = 3  # every figure is the median of this many runs
    warmup_seconds: float = 1.0  # load before measuring, discarded
    ingest_seconds: float = 10.0  # per run, for warroom and again for bare Bolt
    ingest_senders: int = 16
    command_seconds: float = 30.0  # of sustained load, split into `runs` equal runs
    command_senders: int = 50
    declares: int = 5
    api_latency: float = 0.05  # seconds the sandbox adds to each Web API call while declaring
    updates_per_second: int = 20  # status updates, each to another incident, through the outbox
    outbox_seconds: float = 10.0  # per run
    settle_seconds: float = 2.0  # the bot process ticks this long before its memory is read

    def quick(self) -> "BenchConfig":
        return replace(
            self,
            warmup_seconds=0.5,
            ingest_seconds=2.0,
            command_seconds=3.0,
            declares=3,
            outbox_seconds=3.0,
            settle_seconds=1.0,
        )

"""What warroom exposes to Prometheus: open incidents, how fast Slack requests are answered,
how its Web API calls fare, and how the scheduler keeps up."""

from collections.abc import Callable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest

# Slack drops a request that is not acknowledged within 3 seconds: the top bucket is that
# budget, and the ones below show how close to it requests come.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0)

OpenIncidents = Callable[[], dict[str, tuple[int, int]]]
PendingDeliveries = Callable[[], dict[str, int]]
# A delivery normally takes well under a second; one that waits out an outage, minutes.
DELIVERY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0, 300.0, 1800.0)


class _ScrapeTimeGauge:
    """A gauge read from the database when Prometheus scrapes, so it is never stale."""

    def __init__(self, name: str, documentation: str, labels: list[str], read):
        """`read()` gives (label values, value) pairs."""
        self._name, self._documentation, self._labels = name, documentation, labels
        self._read = read

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Describing lets the registry check names without querying the database.
        yield self._family()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = self._family()
        for labels, value in self._read():
            family.add_metric(labels, value)
        yield family

    def _family(self) -> GaugeMetricFamily:
        return GaugeMetricFamily(self._name, self._documentation, labels=self._labels)


def _by_visibility(open_incidents: OpenIncidents):
    """Open incidents as gauge samples; a private one is counted, never named: no label
    carries its title."""
    for severity, (public, private) in open_incidents().items():
        yield [severity, "public"], public
        yield [severity, "private"], private


class Metrics:
    """One bot's metrics, in a registry of its own so several bots can share a process."""

    def __init__(self, open_incidents: OpenIncidents, pending_deliveries: PendingDeliveries):
        self.registry = CollectorRegistry()
        gauges = [
            _ScrapeTimeGauge(
                "warroom_open_incidents",
                "Incidents open now, by severity and channel visibility.",
                ["severity", "visibility"],
                lambda: _by_visibility(open_incidents),
            ),
            _ScrapeTimeGauge(
                "warroom_outbox_pending",
                "Events not yet delivered (or given up on), by destination.",
                ["destination"],
                lambda: [([name], count) for name, count in sorted(pending_deliveries().items())],
            ),
        ]
        for gauge in gauges:
            self.registry.register(gauge)
        self._requests = Counter(
            "warroom_requests",
            "Slack requests handled, by kind.",
            ["kind"],
            registry=self.registry,
        )
        self._request_seconds = Histogram(
            "warroom_request_seconds",
            "Time from receiving a Slack request to having its response, by kind.",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self._slack_api_calls = Counter(
            "warroom_slack_api_calls",
            "Slack Web API calls by method and outcome: ok, error, or retry (one per retry).",
            ["method", "outcome"],
            registry=self.registry,
        )
        self._nags_sent = Counter(
            "warroom_nags_sent",
            "Reminders posted, by kind.",
            ["kind"],
            registry=self.registry,
        )
        self._tick_seconds = Histogram(
            "warroom_scheduler_tick_seconds",
            "Time one scheduler tick takes.",
            registry=self.registry,
        )
        self._deliveries = Histogram(
            "warroom_outbox_delivery_seconds",
            "Time from an event's commit to each settling of its delivery, by destination and "
            "outcome: delivered, refused (in part), retry (to be tried again), failed.",
            ["destination", "outcome"],
            buckets=DELIVERY_BUCKETS,
            registry=self.registry,
        )

    def render(self) -> tuple[bytes, str]:
        """The body and content type of a GET /metrics response."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    def request_handled(self, kind: str, seconds: float) -> None:
        self._requests.labels(kind).inc()
        self._request_seconds.labels(kind).observe(seconds)

    def slack_call(self, method: str, outcome: str) -> None:
        self._slack_api_calls.labels(method, outcome).inc()

    def nag_sent(self, kind: str) -> None:
        self._nags_sent.labels(kind).inc()

    def tick(self, seconds: float) -> None:
        self._tick_seconds.observe(seconds)

    def delivery_settled(self, destination: str, outcome: str, seconds: float) -> None:
        self._deliveries.labels(destination, outcome).observe(seconds)

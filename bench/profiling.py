"""Where the time per request goes: `python -m bench.profiling [ingest|commands] [--seconds N]`
(needs `pip install pyinstrument`; SQLite).

`pyinstrument -m bench` would only see this process's main thread, which waits for the load
process. The bot's work happens on two kinds of threads, so each is profiled where it runs:
- the event loop thread (uvicorn, h11, Starlette): one profiler for the server's lifetime;
- the worker threads that run `bolt.dispatch` (signature check, Bolt's middleware, our
  listener and its database work): one profiler per request, the sessions combined.
Each is printed as the functions with the most time of their own, then as a call tree.
"""

import argparse
import threading

from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer
from pyinstrument.session import Session

from bench.databases import fresh_database
from bench.harness import Harness
from bench.ingest import MessageStreams
from bench.load import LoadGenerator
from bench.report import progress
from bench.traffic import SlashCommands
from warroom.web.background import BackgroundServer

INTERVAL = 0.0005  # seconds between samples
TOP_FRAMES = 25


class ProfiledServer(BackgroundServer):
    """The same server, with its thread (the event loop) profiled from start to stop."""

    def __init__(self, app):
        super().__init__(app)
        self.profiler = Profiler(interval=INTERVAL, async_mode="disabled")
        self._thread = threading.Thread(target=self._run_profiled, daemon=True)

    def _run_profiled(self) -> None:
        self.profiler.start()
        try:
            self._server.run()
        finally:
            self.profiler.stop()


class ProfiledDispatch:
    """A Bolt app whose every `dispatch` (on whichever worker thread) is profiled."""

    def __init__(self, app):
        self._app = app
        self._sessions: list[Session] = []
        self._lock = threading.Lock()

    def dispatch(self, request):
        profiler = Profiler(interval=INTERVAL, async_mode="disabled")
        profiler.start()
        try:
            return self._app.dispatch(request)
        finally:
            session = profiler.stop()
            with self._lock:
                self._sessions.append(session)

    def forget(self) -> None:
        """Drop what was profiled so far (the set-up before the load)."""
        with self._lock:
            self._sessions.clear()

    def session(self) -> Session:
        with self._lock:
            sessions = list(self._sessions)
        combined = sessions[0]
        for session in sessions[1:]:
            combined = Session.combine(combined, session)
        return combined

    def __getattr__(self, name):
        return getattr(self._app, name)


def report(title: str, session: Session, requests: int) -> str:
    per_request = session.duration / max(requests, 1) * 1000
    flat = ConsoleRenderer(flat=True, time="percent_of_total", show_all=True)
    tree = ConsoleRenderer(time="percent_of_total", short_mode=True)
    flat_lines = flat.render(session).splitlines()
    return "\n".join(
        [
            f"===== {title}: {session.duration:.2f} s sampled, {requests} requests, "
            f"{per_request:.2f} ms per request =====",
            *flat_lines[: TOP_FRAMES + 6],
            "--- call tree ---",
            tree.render(session),
        ]
    )


def profile(what: str, seconds: float, senders: int) -> str:
    profiled: dict[str, ProfiledDispatch] = {}

    def wrap(app):
        profiled["warroom"] = ProfiledDispatch(app)
        return profiled["warroom"]

    with (
        LoadGenerator() as load,
        fresh_database("sqlite") as url,
        Harness(url, server=ProfiledServer, wrap_bolt=wrap) as harness,
    ):
        if what == "ingest":
            incident_id = harness.declare("Profiled ingestion", severity="sev2")
            channel_id = harness.wait_for_channel(incident_id)
            harness.wait_for_setup_report(incident_id)
            source = MessageStreams(harness, channel_id).new()
        else:
            form = harness.slash_command_form("help")
            source = SlashCommands(form, harness.sandbox.signing_secret)
        progress("sqlite", f"profiling {what}: {senders} senders for {seconds:g} s")
        profiled["warroom"].forget()
        result = load.run(harness.warroom_url, source, senders, seconds)
        loop_server = harness.servers["warroom"]
    # The server has stopped, and with it the event loop thread's profiler.
    requests = result.acked
    loop = loop_server.profiler.last_session
    print(f"{result.per_second:.0f} requests/s under the profilers ({what})")
    return "\n\n".join(
        [
            report("event loop thread (uvicorn, h11, Starlette)", loop, requests),
            report("bolt.dispatch on worker threads", profiled["warroom"].session(), requests),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profiling", description=__doc__)
    parser.add_argument("what", choices=("ingest", "commands"), nargs="?", default="ingest")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--senders", type=int, default=16)
    args = parser.parse_args()
    print(profile(args.what, args.seconds, args.senders))


if __name__ == "__main__":
    main()

"""The server side of a classroom: N students train the Figure 1 lab on one `streamlit run`, browsers elsewhere.

    python bench/server_share.py [--sessions 8] [--seconds 20] [--page "figure1?train.schedule=constant"]

Starts one `streamlit run app.py` on a loopback port and connects N clients that speak Streamlit's own
websocket protocol (the BackMsg / ForwardMsg protobufs the browser sends and receives) without rendering
anything: each opens the page, presses Train (the button's widget id, read from the page's deltas) and,
like the browser, asks for a rerun of every live fragment each time its run_every interval passes. A
client costs ~2 % of a core, so the server has the machine to itself, as when the students' browsers run
on their own laptops. bench/concurrency.py measures the same with real browsers on the same box.

Per session it prints: redraws/s (changes of the iteration counter delivered), figures/s (live-chart
deltas delivered, the metric-history charts included) and iterations/s; then the minimum, the fairness
(min/max iterations/s) and the server's CPU (all threads; Python's GIL keeps one process near one core).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.concurrency import cpu_seconds  # noqa: E402
from bench.live_loop import LIVE_PAGE  # noqa: E402
from tests.support.server import streamlit_server  # noqa: E402

COUNTER = re.compile(r"iteration \*\*(\d+)\*\*")   # the caption gantoy.ui.widgets.counters writes


class Student:
    """One browser session, at the protocol level."""

    def __init__(self, base: str, page: str):
        path, _, query = page.partition("?")
        self.url = base.replace("http", "ws", 1) + "/_stcore/stream"
        self.page, self.query = path, query
        self.cached: set[str] = set()     # hashes of cacheable messages received (the browser's message cache)
        self.train_id = None
        self.timers: dict[str, asyncio.Task] = {}
        self.counter: list[tuple[float, int]] = []  # (time, iteration) at each counter delta while measuring
        self.figures = 0
        self.errors: list[str] = []

    async def _rerun(self, ws, fragment_id="", auto=False, widgets=()):
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string, cs.page_name = self.query, self.page
        cs.fragment_id, cs.is_auto_rerun = fragment_id, auto
        cs.cached_message_hashes.extend(self.cached)
        cs.widget_states.widgets.extend(widgets)
        await ws.send(msg.SerializeToString())

    async def _every(self, ws, fragment_id, interval):
        """What the browser does on an AutoRerun message: a rerun request each interval."""
        while True:
            await asyncio.sleep(interval)
            await self._rerun(ws, fragment_id, auto=True)

    async def run(self, seconds: float):
        async with websockets.connect(self.url, subprotocols=["streamlit"], max_size=None) as ws:
            await self._rerun(ws)
            t_end = None
            try:
                while t_end is None or time.perf_counter() < t_end:
                    msg = ForwardMsg()
                    msg.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=30))
                    kind = msg.WhichOneof("type")
                    if msg.metadata.cacheable and msg.hash:
                        self.cached.add(msg.hash)
                    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                        self._element(msg.delta.new_element, t_end is not None)
                    elif kind == "auto_rerun" and msg.auto_rerun.fragment_id not in self.timers:
                        self.timers[msg.auto_rerun.fragment_id] = asyncio.create_task(
                            self._every(ws, msg.auto_rerun.fragment_id, msg.auto_rerun.interval))
                    elif kind == "script_finished" and t_end is None:
                        if self.train_id is None:
                            self.errors.append("no Train button on the page")
                            return
                        t_end = time.perf_counter() + seconds
                        await self._rerun(ws, widgets=[WidgetState(id=self.train_id, trigger_value=True)])
            finally:
                for task in self.timers.values():
                    task.cancel()

    def _element(self, el, measuring: bool):
        kind = el.WhichOneof("type")
        if kind == "button" and el.button.label == "Train":
            self.train_id = el.button.id
        elif kind == "exception":
            self.errors.append(el.exception.message[:200])
        elif measuring and kind == "markdown":
            m = COUNTER.search(el.markdown.body)
            if m:
                self.counter.append((time.perf_counter(), int(m.group(1))))
        elif measuring and kind == "bidi_component":   # gantoy.ui.livechart's component
            self.figures += 1

    def rates(self):
        c = self.counter
        if len(c) < 2:
            return 0.0, 0.0, 0.0
        dt = c[-1][0] - c[0][0]
        changes = sum(b[1] != a[1] for a, b in zip(c, c[1:]))
        return changes / dt, self.figures / dt, (c[-1][1] - c[0][1]) / dt


async def measure(base, sessions, seconds, page):
    students = [Student(base, page) for _ in range(sessions)]
    server_cmd = f"--server.port\x00{base.rsplit(':', 1)[1]}"   # this server's command line, as in /proc
    cpu0, own0, t0 = cpu_seconds(server_cmd), os.times(), time.perf_counter()
    await asyncio.gather(*(s.run(seconds) for s in students))
    wall, own1 = time.perf_counter() - t0, os.times()
    server = (cpu_seconds(server_cmd) - cpu0) / wall
    clients = (own1.user + own1.system - own0.user - own0.system) / wall
    return students, server, clients


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--page", default=LIVE_PAGE)
    a = ap.parse_args()
    with streamlit_server() as base:
        students, server, clients = asyncio.run(measure(base, a.sessions, a.seconds, a.page))
    rows = [s.rates() for s in students]
    for i, (s, (red, fig, its)) in enumerate(zip(students, rows)):
        print(f"session {i}: {red:5.2f} redraws/s, {fig:5.2f} figures/s, {its:6.1f} iterations/s, "
              f"errors: {len(s.errors)}{' ' + s.errors[0] if s.errors else ''}")
    red, its = [r[0] for r in rows], [r[2] for r in rows]
    print(f"{a.sessions} sessions: redraws/s min {min(red):.2f} mean {sum(red) / len(red):.2f}; iterations/s "
          f"min {min(its):.1f} mean {sum(its) / len(its):.1f} (total {sum(its):.0f}, fairness "
          f"{min(its) / max(max(its), 1e-9):.2f}); errors: {sum(len(s.errors) for s in students)}")
    print(f"CPU while measuring: server {server:.2f} cores, these clients {clients:.2f} (of {os.cpu_count()})")


if __name__ == "__main__":
    main()

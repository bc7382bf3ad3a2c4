"""The server side of a classroom: N students train the Figure 1 lab, browsers elsewhere; one `streamlit run`
against `gantoy serve` replicas behind nginx, in one run.

    python bench/server_share.py [--sessions 8] [--seconds 20] [--setups direct,nginx:2] [--page ...]

Setups: ``direct`` is one `streamlit run app.py` on a loopback port (what one process gives); ``nginx:N``
is `python -m gantoy serve --replicas N` (gantoy/serve.py: N replicas behind nginx, cookie stickiness).
Each setup connects N clients that speak Streamlit's own websocket protocol (tests/support/protocol.py)
without rendering: each loads the page (through nginx: the stickiness cookie), opens the websocket,
presses Train and, like the browser, asks for a rerun of every live fragment each time its run_every
interval passes. A client costs ~2 % of a core, so the server has the machine to itself, as when the
students' browsers run on their own laptops. bench/concurrency.py measures the same with real browsers.

Per session: redraws/s (changes of the iteration counter delivered), figures/s (live-chart deltas) and
iterations/s; per setup: the slowest session's redraws/s, total iterations/s, fairness (min/max
iterations/s), sessions per replica, the servers' CPU; at the end each setup's total throughput over the
first setup's, measured minutes apart in the same run.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.concurrency import cpu_seconds  # noqa: E402
from bench.live_loop import LIVE_PAGE  # noqa: E402
from tests.support.protocol import Student, page_cookie  # noqa: E402
from tests.support.server import free_port, streamlit_server  # noqa: E402


@contextlib.contextmanager
def replicas(n: int):
    """`gantoy serve --replicas n` in this process (gantoy.serve.Class); yields the base URL."""
    from gantoy import serve

    port = free_port()
    cls = serve.Class(n, port, "127.0.0.1", log=lambda s: None)
    try:
        if not cls.start():
            raise RuntimeError("serve did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        cls.stop()


async def measure(base, sessions, seconds, page):
    """N students on the server at ``base``; the CPU of every streamlit process meanwhile."""
    cookies = [page_cookie(base) for _ in range(sessions)]   # each browser its own (nginx's random key)
    students = [Student(base, page, cookie=c) for c in cookies]
    cpu0, own0, t0 = cpu_seconds("streamlit\x00run"), os.times(), time.perf_counter()
    await asyncio.gather(*(s.run(seconds) for s in students))
    wall, own1 = time.perf_counter() - t0, os.times()
    server = (cpu_seconds("streamlit\x00run") - cpu0) / wall
    clients = (own1.user + own1.system - own0.user - own0.system) / wall
    return students, server, clients


def report(name, students, server, clients):
    rows = [s.rates() for s in students]
    for i, (s, (red, fig, its)) in enumerate(zip(students, rows)):
        print(f"  session {i} (replica {s.replica or '-'}): {red:5.2f} redraws/s, {fig:5.2f} figures/s, "
              f"{its:6.1f} iterations/s, errors: {len(s.errors)}{' ' + s.errors[0] if s.errors else ''}")
    red, its = [r[0] for r in rows], [r[2] for r in rows]
    per = collections.Counter(s.replica or "-" for s in students)
    errors = sum(len(s.errors) for s in students)
    print(f"{name}: {len(students)} sessions: redraws/s min {min(red):.2f} mean {sum(red) / len(red):.2f}; "
          f"iterations/s min {min(its):.1f} mean {sum(its) / len(its):.1f} (total {sum(its):.0f}, fairness "
          f"{min(its) / max(max(its), 1e-9):.2f}); errors: {errors}; sessions per replica "
          f"{dict(sorted(per.items()))}")
    print(f"  CPU while measuring: streamlit processes {server:.2f} cores, these clients {clients:.2f} "
          f"(of {os.cpu_count()})")
    return sum(its), min(red), errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--setups", default="direct,nginx:2", help="comma-separated: direct, nginx:N")
    ap.add_argument("--page", default=LIVE_PAGE)
    a = ap.parse_args()
    results = []
    for setup in a.setups.split(","):
        server = streamlit_server() if setup == "direct" else replicas(int(setup.split(":")[1]))
        with server as base:
            students, cpu, clients = asyncio.run(measure(base, a.sessions, a.seconds, a.page))
        results.append((setup, *report(setup, students, cpu, clients)))
        time.sleep(2)
    first = results[0][1]
    for setup, total, slowest, errors in results:
        print(f"{setup:9s} total {total:6.0f} iterations/s = {total / max(first, 1e-9):.2f} x {results[0][0]}; "
              f"slowest session {slowest:.2f} redraws/s; errors {errors}")


if __name__ == "__main__":
    main()

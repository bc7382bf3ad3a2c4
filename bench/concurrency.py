"""A classroom on one server: N headless browser sessions train the Figure 1 lab at once.

    python bench/concurrency.py [--sessions 8] [--seconds 20] [--page figure1]

Starts one `streamlit run app.py` on a loopback port, opens N chromium pages (separate browser contexts,
so separate Streamlit sessions), presses Train in each, and for --seconds counts in every page how often
the iteration counter changes (visible redraws) and how far it advances; then checks that no page shows
an exception. Prints per-session redraws/s and iterations/s, their minimum and the fairness ratio
(min/max iterations/s). Goal (issue #11): >= 2 redraws/s per session with 8 sessions on 2 cores, no
errors. Browsers and server share the machine, so this measures the whole classroom on one box.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.live_loop import LIVE_PAGE, WATCH_JS  # noqa: E402
from tests.support.server import CHROMIUM, CHROMIUM_ARGS, COUNTER_JS, streamlit_server  # noqa: E402

START_JS = "() => { window.__w = null; }"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(match: str) -> float:
    """CPU seconds (user + system, all threads) used so far by the processes whose command line contains
    ``match`` (read from /proc: where the two cores go, server or browsers)."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if match.encode() not in fh.read():
                    continue
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        except OSError:
            continue
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--page", default=LIVE_PAGE)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, streamlit_server() as base:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        for _ in range(a.sessions):
            page = b.new_context(viewport={"width": 1200, "height": 900}).new_page()
            page.goto(f"{base}/{a.page}", timeout=120000)
            page.wait_for_function(f"() => ({COUNTER_JS})() !== null", timeout=120000)
            page.wait_for_selector(".js-plotly-plot", timeout=120000)
            pages.append(page)
        for page in pages:
            page.get_by_role("button", name="Train", exact=True).click()
        pages[-1].wait_for_timeout(4000)  # let every session's chunk size adapt
        # start every watcher at once (evaluate_handle returns at once; the promises run concurrently)
        port = base.rsplit(":", 1)[1]
        cpu0 = (cpu_seconds(f"--server.port\x00{port}"), cpu_seconds("chromium"), time.time())
        handles = [page.evaluate_handle(WATCH_JS, int(a.seconds * 1000)) for page in pages]
        results = [h.json_value() for h in handles]
        cpu1 = (cpu_seconds(f"--server.port\x00{port}"), cpu_seconds("chromium"), time.time())
        errors = [page.locator("[data-testid='stException']").count() for page in pages]
        for page in pages:
            page.get_by_role("button", name="Pause", exact=True).click()
        b.close()
    rows = [(r["changes"] / r["secs"], (r["last"] - r["first"]) / r["secs"], r["draws"] / r["secs"])
            for r in results]
    for i, (red, its, plots) in enumerate(rows):
        print(f"session {i}: {red:5.2f} redraws/s, {its:7.1f} iterations/s, chart re-plots {plots:5.2f}/s, "
              f"exceptions on page: {errors[i]}")
    reds, itss, plots = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    print(f"{a.sessions} sessions: min {min(reds):.2f} redraws/s (mean {sum(reds) / len(reds):.2f}), "
          f"iterations/s min {min(itss):.0f} / max {max(itss):.0f} (fairness {min(itss) / max(itss):.2f}), "
          f"chart re-plots/s min {min(plots):.2f} (mean {sum(plots) / len(plots):.2f}), "
          f"pages with an exception: {sum(e > 0 for e in errors)} (goal: >= 2 redraws/s each, none)")
    wall = cpu1[2] - cpu0[2]
    print(f"CPU while measuring: server {(cpu1[0] - cpu0[0]) / wall:.2f} cores, browsers "
          f"{(cpu1[1] - cpu0[1]) / wall:.2f} cores (of {os.cpu_count()})")


if __name__ == "__main__":
    main()

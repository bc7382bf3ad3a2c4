"""What a class waits for, in the real app (streamlit server + chromium, 1280×720): seconds from pressing Train
to the Figure 1 "slide" completing at the default speed (JS shown ≤ 0.05 nats: p_g has slid onto p_data) and
to the end of the lesson, and seconds from pressing Train in the Compare lab (its default comparison) to the
runs visibly separating as the lesson says they do: one run covers at least 6 of the ring's 8 modes while
another covers at least 3 fewer (the mode counts in the panel titles).

    python bench/classroom.py [--repeats 2] [--timeout 120]

Prints each measurement and the median; record them in bench/BENCHMARKS.md ("Classroom").
"""
import argparse
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.support.server import CHROMIUM, CHROMIUM_ARGS, COUNTER_JS, streamlit_server  # noqa: E402

METRIC_JS = """(label) => {
  const m = Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
      .find(e => e.innerText.startsWith(label));
  if (!m) return null;
  const v = m.querySelector('[data-testid="stMetricValue"]').innerText.trim();
  return v === '∞' ? Infinity : parseFloat(v);
}"""
TITLES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(p => (((p.layout || {}).title || {}).text || '').replace(/<[^>]+>/g, ''))"""


def wait_until(page, check, timeout):
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        v = check()
        if v:
            return time.perf_counter() - t0, v
        time.sleep(0.1)
    return None, None


def figure1(page, base, timeout):
    page.goto(base + "/figure1", timeout=60000)
    page.wait_for_selector(".gantoy-live-chart", timeout=60000)
    page.wait_for_function(f"() => ({METRIC_JS})('JS(') !== null", timeout=60000)
    page.get_by_role("button", name="Train", exact=True).click()
    slide, _ = wait_until(page, lambda: (page.evaluate(f"({METRIC_JS})('JS(')") or 1) <= 0.05, timeout)
    it = page.evaluate(COUNTER_JS)
    end, _ = wait_until(page, lambda: "What you just saw" in page.inner_text("body"), timeout)
    return slide, it, end


def separated(titles):
    runs = {}
    for t in titles:
        m = re.match(r"(\S+): JS \S+, W1 ([\d.]+)(?:, modes (\d+))?", t)
        if m:
            runs[m.group(1)] = (float(m.group(2)), int(m.group(3) or 0))
    if len(runs) < 2:
        return None
    modes = [v[1] for v in runs.values()]
    return runs if max(modes) >= 6 and max(modes) - min(modes) >= 3 else None


def compare(page, base, timeout):
    page.goto(base + "/compare", timeout=60000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=60000)
    page.get_by_role("button", name="Train", exact=True).click()
    t0 = time.perf_counter()
    page.wait_for_function(f"() => ({COUNTER_JS})() > 0", timeout=60000)
    secs, runs = wait_until(page, lambda: separated(page.evaluate(TITLES_JS)), timeout - (time.perf_counter() - t0))
    return (None if secs is None else secs + 0.0), page.evaluate(COUNTER_JS), runs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    slides, ends, seps = [], [], []
    with streamlit_server() as base, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for r in range(a.repeats):
            page = b.new_page(viewport={"width": 1280, "height": 720})   # a new session each time
            slide, it, end = figure1(page, base, a.timeout)
            print(f"figure1 #{r}: slide (JS <= 0.05) {slide:.1f} s after Train, at iteration {it}; "
                  f"lesson over (debrief shown) {end:.1f} s later", flush=True)
            slides.append(slide)
            ends.append(slide + end)
            page.close()
            page = b.new_page(viewport={"width": 1280, "height": 720})
            secs, it, runs = compare(page, base, a.timeout)
            print(f"compare #{r}: runs separated {secs:.1f} s after Train, at iteration {it}: {runs}", flush=True)
            seps.append(secs)
            page.close()
    print(f"median: Figure 1 slide {statistics.median(slides):.1f} s, whole lesson {statistics.median(ends):.1f} s; "
          f"Compare separated {statistics.median(seps):.1f} s (goal: slide 5-15 s, compare <= 30 s)")


if __name__ == "__main__":
    main()

"""Live-loop speed in a real browser: redraws per second and iterations per second on the Figure 1 lab.

    python bench/live_loop.py [--seconds 15] [--page figure1]

Starts `streamlit run app.py` on a loopback port, opens the lab in headless chromium, presses Train,
and for --seconds counts, in the page itself, how often the shown iteration counter changes (one
change per visible redraw) and how far it advances. Goal (issue 6): >= 5 redraws/s while training
>= 100 iterations/s. Browser and server share this machine's 2 cores.

Baseline, measured in the same run: a trivial app whose fragment only increments a counter with the
same run_every. Its visible redraw rate is the ceiling of Streamlit's frontend on this machine (the
server reruns the fragment far more often than the browser shows the updates).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.support.server import CHROMIUM, CHROMIUM_ARGS, COUNTER_JS, streamlit_server  # noqa: E402

# The page the live benches train, with a constant learning rate: Figure 1's preset anneals it to 0 at
# iteration 2000 (~10 s at 200 it/s), after which every frame is the same figure, Streamlit sends a cache
# reference and the chart rightly is not re-plotted, so a longer measurement would count fewer re-plots
# than the live loop makes.
LIVE_PAGE = "figure1?train.schedule=constant"
# ... at the speed the live loop was measured at before lessons had a pace (the old ceiling of 50 a frame): the
# frame's CPU budget, not the lesson's slow motion, then bounds the iterations (gantoy.session.live)
SPEED = "50 iterations / frame"

# Watches with MutationObservers, no polling: an earlier version read the counter's innerText every 10 ms,
# which forces a style and layout pass each time, on the main thread the page needs for drawing (and
# bench/concurrency.py ran it in 8 pages at once). textContent needs no layout.
WATCH_JS = """(ms) => new Promise(resolve => {
  const read = () => {
    const el = document.querySelector('.st-key-run-counter');   // gantoy.ui.controls.COUNTER_KEY
    const m = el && el.textContent.match(/iteration (\\d+)/);
    return m ? parseInt(m[1]) : null;
  };
  const chart = document.querySelector('.gantoy-live-chart');
  let last = read(), changes = 0, ms_sum = 0; const first = last;
  const t0 = performance.now();
  const counter = new MutationObserver(() => { const v = read(); if (v !== null && v !== last) { changes++; last = v; } });
  counter.observe(document.body, {subtree: true, childList: true, characterData: true});
  let seen = 0;  // draws seen by the observer (for the mean draw time); the count comes from the chart itself
  const plots = new MutationObserver((recs) => { seen += recs.length; ms_sum += recs.length * Number(chart.dataset.drawMs); });
  if (chart) plots.observe(chart, {attributes: true, attributeFilter: ['data-frame']});
  const draws0 = chart ? Number(chart.dataset.draws || 0) : 0;
  const recv0 = chart ? Number(chart.dataset.received || 0) : 0;
  setTimeout(() => { counter.disconnect(); plots.disconnect();
                     const draws = chart ? Number(chart.dataset.draws) - draws0 : 0;  // the chart counts its draws
                     const received = chart ? Number(chart.dataset.received) - recv0 : 0;  // and the figures it got
                     resolve({changes, draws, received, drawMs: seen ? ms_sum / seen : null, first, last,
                              secs: (performance.now() - t0) / 1000}); }, ms);
})"""


def measure(page, base, lab, seconds):
    page.goto(f"{base}/{lab}", timeout=60000)
    page.wait_for_function(f"() => ({COUNTER_JS})() !== null", timeout=60000)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    # where the training chart is drawn: gantoy's in-place chart, or a plain st.plotly_chart (baseline)
    box = page.locator(".gantoy-live-chart, [data-testid='stPlotlyChart']").first.bounding_box()
    if lab:   # a fixed speed: the lesson pace plays Figure 1's first 80 iterations in slow motion (1 per 3 frames)
        page.get_by_role("combobox", name="Speed").click()
        page.get_by_role("option", name=SPEED, exact=True).click()
        page.wait_for_timeout(1000)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_timeout(3000)  # let the chunk size adapt
    r = page.evaluate(WATCH_JS, int(seconds * 1000))
    blank = blank_shots(page, box) if lab else None
    page.get_by_role("button", name="Pause", exact=True).click()
    return r["changes"] / r["secs"], (r["last"] - r["first"]) / r["secs"], blank, (r["draws"] / r["secs"], r["drawMs"], r["received"] / r["secs"])


def blank_shots(page, box, n=20, every_ms=250):
    """How often the training chart is blank: n screenshots of its box (found while it was drawn) while
    training; a box with < 1 % non-white pixels counts as blank (Streamlit
    remounts a plotly chart when its data change, streamlit#16052)."""
    import io

    import numpy as np
    from PIL import Image

    blank = 0
    for _ in range(n):
        png = page.screenshot(clip=box)
        blank += float((np.asarray(Image.open(io.BytesIO(png)).convert("L")) < 235).mean()) < 0.01
        page.wait_for_timeout(every_ms)
    return f"{blank} of {n}"


BASELINE_APP = """
import streamlit as st
st.session_state.setdefault("n", 0)
st.session_state.setdefault("run", False)
def toggle():
    st.session_state.run = not st.session_state.run
st.button("Pause" if st.session_state.run else "Train", on_click=toggle)
@st.fragment(run_every=%r if st.session_state.run else None)
def f():
    if st.session_state.run:
        st.session_state.n += 1
    with st.container(key=%r):  # where WATCH_JS reads the counter, as on the labs (controls.COUNTER_KEY)
        st.caption(f"iteration **{st.session_state.n}**")
    st.plotly_chart({"data": [{"type": "scatter", "y": [1, 2]}]}, key="c")
f()
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--page", default=LIVE_PAGE)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    import tempfile

    from gantoy.ui.controls import COUNTER_KEY, FRAME_INTERVAL

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        with streamlit_server() as base:
            redraws, its, blank, draws = measure(page, base, a.page, a.seconds)
        base_app = os.path.join(tmp, "baseline.py")
        with open(base_app, "w") as f:
            f.write(BASELINE_APP % (FRAME_INTERVAL, COUNTER_KEY))
        with streamlit_server(base_app) as base:
            ceiling, server_runs, _, _ = measure(page, base, "", a.seconds)
        b.close()
    print(f"{a.page}: {redraws:.1f} redraws/s, {its:.0f} iterations/s over {a.seconds:.0f} s "
          f"(goal: >= 5 redraws/s while >= 100 iterations/s); the chart itself re-plotted {draws[0]:.1f} times/s, "
          f"{draws[1]:.0f} ms per draw (call to drawn, Plotly.animate or .react), "
          f"{draws[2]:.1f} figures/s reached it; "
          f"chart blank in {blank} screenshots while training")
    print(f"trivial fragment (same run_every): {ceiling:.1f} visible redraws/s while the server ran it "
          f"{server_runs:.1f} times/s; gantoy / ceiling = {redraws / ceiling:.2f}")


if __name__ == "__main__":
    main()

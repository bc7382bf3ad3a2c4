"""What a teacher waits for in the Mode collapse lab, in the real app (streamlit server + chromium, 1280×720):
seconds from pressing Run on the default lesson ("Ring: collapse and a cure": nsgan, then nsgan + PacGAN, 8 seeds
each) to both studies in the table, and what the class then sees: each seed's modes covered (the gallery's panel
titles) for the last study, and both rows' numbers read from the lab's results (the same as the table).

    python bench/collapse_lab.py [--repeats 1] [--timeout 600]

Goal (issue #24): <= 120 s, and the baseline drops modes on some seeds while the remedy does not. Record the
result in bench/BENCHMARKS.md ("The Mode collapse lab's default study").
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.support.server import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

GALLERY_JS = """() => { const p = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .find(p => ((p.layout || {}).annotations || []).some(a => /^seed \\d+: \\d+ of \\d+/.test(a.text || '')));
  return p ? p.layout.annotations.map(a => a.text) : null; }"""


def once(page, base, timeout):
    page.goto(base + "/collapse", timeout=60000)
    run = page.get_by_role("button", name=re.compile(r"^Run 2 configurations × 8 seeds"))
    run.wait_for(timeout=60000)
    page.wait_for_timeout(1500)
    t0 = time.perf_counter()
    run.click()
    page.get_by_role("button", name="Pause", exact=True).wait_for(timeout=30000)
    page.get_by_text(re.compile(r"^Final samples per seed — pacgan")).wait_for(timeout=timeout * 1000)
    secs = time.perf_counter() - t0
    page.wait_for_function(GALLERY_JS, timeout=60000)
    return secs, page.evaluate(GALLERY_JS)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with streamlit_server() as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for r in range(a.repeats):
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            secs, titles = once(page, base, a.timeout)
            print(f"run {r + 1}: both studies in the table {secs:.1f} s after Run; pacgan per seed: {titles}",
                  flush=True)
            page.close()
        browser.close()
    # both rows of the table, computed the same way headless (seeded, one thread as in the app: the same numbers)
    import torch

    from gantoy import presets
    from gantoy.lessons import collapse

    torch.set_num_threads(1)
    base = presets.get("ring8")
    for objective, remedy in (("nsgan", "none"), ("nsgan", "pacgan")):
        t0 = time.perf_counter()
        res = collapse.run_study(base, objective, remedy, seeds=8,
                                 sets=collapse.recipe_sets(collapse.RING_RECIPE, objective, remedy))
        s = res.summary()
        print(f"{res.label}: modes {s['modes_mean']:.2f} / 8 (min {s['modes_min']}), all modes on "
              f"{100 * s['all_modes_frac']:.0f} % of seeds, high quality {s['hq_pct_mean']:.1f} %, per seed "
              f"{res.modes_at(len(res.iterations) - 1).tolist()} (headless {time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()

"""Where the browser's main thread goes: three views, in headless chromium on this machine.

    python bench/browser_profile.py training [--seconds 6]   # JS CPU profile of Figure 1 while training
    python bench/browser_profile.py click                    # trace of the first click Home -> Figure 1
    python bench/browser_profile.py draw                     # Plotly.react vs Plotly.animate, one frame

`training`: the share of the page's main thread taken by plotly, by Streamlit's React bundle, by the
browser's own work (style, layout, paint: "(program)"), garbage collection, and idle.
`click`: the long tasks (>= 15 ms) of the main thread after the click, with what dominates each.
`draw`: Figure 1 frames from a real run drawn into a bare page, by Plotly.react (what st.plotly_chart and
the first draw do) and by Plotly.animate without a redraw (what the live chart does for a frame of the same
shape): the synchronous main-thread time and the time until the promise resolves.
"""
import argparse
import collections
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.support.server import CHROMIUM, CHROMIUM_ARGS, COUNTER_JS, streamlit_server  # noqa: E402


def _open_figure1(page, base):
    page.goto(f"{base}/figure1", timeout=60000)
    page.wait_for_function(f"() => ({COUNTER_JS})() !== null", timeout=60000)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    page.wait_for_timeout(1500)


def training(browser, seconds):
    with streamlit_server() as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open_figure1(page, base)
        page.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_timeout(3000)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 500})
        cdp.send("Profiler.start")
        page.wait_for_timeout(seconds * 1000)
        prof = cdp.send("Profiler.stop")["profile"]
        page.get_by_role("button", name="Pause", exact=True).click()
    nodes = {n["id"]: n for n in prof["nodes"]}
    parent = {c: n["id"] for n in prof["nodes"] for c in n.get("children", [])}

    def bucket(i):
        fn = nodes[i]["callFrame"]["functionName"]
        if fn in ("(program)", "(idle)", "(garbage collector)"):
            return fn
        urls = []
        while i is not None:
            u = nodes[i]["callFrame"]["url"].split("/")[-1]
            urls.append(u) if u else None
            i = parent.get(i)
        if any("plotly" in u for u in urls):
            return "plotly.js"
        return f"streamlit ({urls[-1]})" if urls else "other"

    share = collections.Counter()
    for s, d in zip(prof["samples"], prof["timeDeltas"]):
        share[bucket(s)] += d
    total = sum(share.values())
    print(f"Figure 1 training, {seconds} s: share of the page's main thread")
    for k, v in share.most_common(8):
        print(f"  {v / total:6.1%}  {k}")


def click(browser):
    path = "/tmp/gantoy-click-trace.json"
    with streamlit_server() as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base + "/")
        page.wait_for_selector(".js-plotly-plot", timeout=60000)
        page.wait_for_timeout(3000)
        browser.start_tracing(page=page, path=path, categories=["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink.user_timing"])
        page.evaluate("() => performance.mark('click')")
        t = time.time()
        page.get_by_role("link", name="Figure 1 (1-D)").click()
        page.wait_for_function("() => !!(document.querySelector('.gantoy-live-chart') || {dataset: {}}).dataset.draws",
                               timeout=60000, polling=10)
        print(f"click -> Figure 1 chart drawn: {time.time() - t:.2f} s (tracing on)")
        page.wait_for_timeout(2000)
        browser.stop_tracing()
    ev = json.load(open(path))
    ev = ev["traceEvents"] if isinstance(ev, dict) else ev
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("name") == "thread_name"}
    main = next(k for k, v in names.items() if v == "CrRendererMain")
    t0 = next(e["ts"] for e in ev if e.get("name") == "click" and (e["pid"], e["tid"]) == main)
    es = sorted([e for e in ev if (e["pid"], e["tid"]) == main and e.get("ph") == "X" and "dur" in e],
                key=lambda e: (e["ts"], -e["dur"]))
    print("long tasks on the main thread after the click (ms from the click, duration, largest parts):")
    for task in es:
        if task["name"] != "RunTask" or task["dur"] < 15000 or task["ts"] < t0:
            continue
        parts = collections.Counter()
        for k in es:
            if k is not task and task["ts"] <= k["ts"] < task["ts"] + task["dur"]:
                d = k.get("args", {}).get("data", {})
                label = k["name"] + (":" + d["url"].split("/")[-1][:40] if d.get("url") else "")
                parts[label] = max(parts[label], k["dur"])
        top = ", ".join(f"{k} {v / 1000:.0f}" for k, v in parts.most_common(2))
        print(f"  {(task['ts'] - t0) / 1000:6.0f}  {task['dur'] / 1000:6.1f}  {top}")


DRAW_JS = """async ([figs, tmpl, mode]) => {
  const g = document.getElementById('g'); const sync = [], done = [];
  for (let i = 0; i < figs.length; i++) {
    const f = figs[i]; f.layout.template = tmpl; f.layout.height = 520;
    const t0 = performance.now(); let p;
    if (i === 0 || mode === 'react') p = Plotly.react(g, f.data, f.layout, {displaylogo: false});
    else {
      const ranges = {}; for (const k of Object.keys(f.layout)) if (/^[xy]axis\\d*$/.test(k)) ranges[k + '.range'] = f.layout[k].range;
      const data = f.data.map(t => ({x: t.x, y: t.y}));
      p = Plotly.animate(g, {data, traces: data.map((_, j) => j), layout: ranges},
                         {transition: {duration: 0}, frame: {duration: 0, redraw: false}, mode: 'immediate'});
    }
    const t1 = performance.now(); await p; const t2 = performance.now();
    if (i > 0) { sync.push(t1 - t0); done.push(t2 - t0); }
    await new Promise(r => setTimeout(r, 30));
  }
  const med = a => a.sort((x, y) => x - y)[a.length >> 1];
  return [med(sync), med(done)];
}"""


def draw(browser):
    import logging

    import torch

    logging.disable(logging.WARNING)  # Streamlit's bare-mode warnings (livechart imported without a server)

    import plotly.io as pio

    from gantoy import presets
    from gantoy.render import figures as viz
    from gantoy import Trainer
    from gantoy.ui.livechart import _asset_dir

    torch.set_num_threads(1)
    assets = _asset_dir()
    t = Trainer(presets.get("figure1"))
    figs = []
    for _ in range(30):
        t.step(10)
        figs.append(json.loads(pio.to_json(viz.figure1(t.snapshot(), noise="normal"), validate=False)))
    tmpl = json.load(open(os.path.join(assets, "template.json")))
    html = os.path.join(assets, "..", "draw-bench.html")
    with open(html, "w") as f:
        f.write(f"<html><body><div id=g style='width:1300px;height:520px'></div>"
                f"<script src='file://{assets}/plotly.min.js'></script></body></html>")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto("file://" + os.path.abspath(html))
    page.wait_for_function("() => window.Plotly")
    print("Figure 1 frame, median of 29 (ms): synchronous main-thread time / until the promise resolves")
    for _ in range(2):  # interleaved, twice
        for mode in ("react", "animate"):
            s, d = page.evaluate(DRAW_JS, [figs, tmpl, mode])
            print(f"  {mode:8s} {s:6.1f} / {d:6.1f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["training", "click", "draw"])
    ap.add_argument("--seconds", type=float, default=6)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + ["--allow-file-access-from-files"])
        {"training": lambda: training(b, a.seconds), "click": lambda: click(b), "draw": lambda: draw(b)}[a.what]()
        b.close()


if __name__ == "__main__":
    main()

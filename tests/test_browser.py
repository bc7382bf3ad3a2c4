"""End to end in real headless chromium (Debian's /usr/bin/chromium): open the Figure 1 lab, press
Train, and check the iteration counter advances and the plot shows p_data, p_g and D."""
import os
import re
import time

import pytest

from tests.support.server import CHROMIUM, CHROMIUM_ARGS, COUNTER_JS, ROOT, TRACE_NAMES_JS, streamlit_server

if not os.path.exists(CHROMIUM):
    if os.environ.get("GANTOY_REQUIRE_BROWSER"):
        raise RuntimeError("chromium is required here (apt-get install -y chromium)")
    pytest.skip("Debian chromium not installed (apt-get install -y chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
ARTIFACTS = os.path.join(ROOT, "tests", "artifacts")
LIVE = ".gantoy-live-chart"  # the charts redrawn while training (gantoy.ui.livechart, updated in place)
P_G_PATH_JS = f"""() => {{
  const tr = document.querySelector('{LIVE}').querySelectorAll('.scatterlayer .trace')[1];  // p_g
  const p = tr && tr.querySelector('path.js-line');
  return p ? p.getAttribute('d') : null;
}}"""

# For `ms` milliseconds: how often the iteration caption changes (one change per live frame shown) and how
# many figures the Figure 1 chart is handed (one per frame whose chart message arrived).
DELIVERY_JS = f"""(ms) => new Promise((done) => {{
  const cap = document.querySelector('.st-key-run-counter');   // the lab's counter line
  const chart = () => Number(document.querySelector('{LIVE}').dataset.received || 0);
  let frames = 0, last = cap.innerText;
  const obs = new MutationObserver(() => {{ if (cap.innerText !== last) {{ last = cap.innerText; frames++; }} }});
  obs.observe(cap, {{subtree: true, childList: true, characterData: true}});
  const c0 = chart();
  setTimeout(() => {{ obs.disconnect(); done({{frames, charts: chart() - c0}}); }}, ms);
}})"""


SERVER_LOG = os.path.join(ARTIFACTS, "browser-server.log")   # the app server's output during this module
EVENTS = []   # the page's websocket opens and closes and Streamlit's connection messages, with the time


def _note(what):
    EVENTS.append(f"{time.strftime('%H:%M:%S')} {what}")


def _watch(page):
    """Write down each websocket's open and close and the console lines about the connection, so a failure
    can say whether the page lost its server (Streamlit disables every widget while it reconnects)."""
    def on_ws(ws):
        _note(f"websocket opened {ws.url.split('/')[-1]}")
        ws.on("close", lambda w: _note("websocket closed"))
        ws.on("socketerror", lambda e: _note(f"websocket error {e}"))
    page.on("websocket", on_ws)
    def on_console(m):
        if re.search(r"onclose|[Cc]onnection|[Rr]econnect|timed out", m.text):
            _note(f"console {m.type}: {m.text[:300]}")
    page.on("console", on_console)


@pytest.fixture(scope="module")
def browser_page():
    os.makedirs(ARTIFACTS, exist_ok=True)
    with streamlit_server(log=SERVER_LOG) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        _watch(page)
        yield base, page
        browser.close()


# What the page showed when a test failed: Streamlit's status widget ("Connecting" while the websocket is down,
# "Running" while a script runs), the counter, the buttons and whether each is disabled, stale elements, and
# "retained" ones (Streamlit keeps a widget that a later run replaced in the page, hidden unless it has focus)
PAGE_STATE_JS = f"""() => ({{
  status: (document.querySelector('[data-testid="stStatusWidget"]') || {{}}).innerText || null,
  counter: ({COUNTER_JS})(),
  buttons: [...new Set(Array.from(document.querySelectorAll('button')).filter(b => b.innerText.trim())
      .map(b => b.innerText.trim() + (b.disabled ? ' (disabled)' : '')))].slice(0, 30),
  sliders: Array.from(document.querySelectorAll('[data-testid="stSlider"]')).map(e => e.innerText.split('\\n')[0]),
  stale: document.querySelectorAll('[data-stale="true"]').length,
  retained: Array.from(document.querySelectorAll('[data-retained]')).map(e => e.innerText.slice(0, 80)),
  dialogs: Array.from(document.querySelectorAll('[role="dialog"]')).map(e => e.innerText.slice(0, 200)),
}})"""


@pytest.fixture(autouse=True)
def _page_state_on_failure(request, browser_page):
    """When a test fails, say what the page showed (printed with the failure report) and keep a screenshot:
    a timeout alone does not tell a lost websocket from a page that drew something else."""
    _note(f"test {request.node.name}")
    yield
    rep = getattr(request.node, "rep_call", None)
    if rep is None or not rep.failed:
        return
    _, page = browser_page
    print("the page's connection events (the last 30):", *EVENTS[-30:], sep="\n  ")
    try:
        for _ in range(3):      # three looks, 2 s apart: is it stuck, or slowly coming back?
            print(f"page state at {time.strftime('%H:%M:%S')}: {page.evaluate(PAGE_STATE_JS)}")
            page.wait_for_timeout(2000)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)    # a parameter such as /figure1 is not a folder
        page.screenshot(path=os.path.join(ARTIFACTS, f"failed-{name}.png"), full_page=True)
    except Exception as e:   # the report must not hide the test's own failure
        print(f"page state not read: {e!r}")
    with open(SERVER_LOG) as f:
        print("the server's output (the last 40 lines):", *f.read().splitlines()[-40:], sep="\n  ")


def _ink(png: bytes) -> float:
    """Fraction of pixels in a screenshot that are not (near) white."""
    import io

    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.float64)
    return float((a < 235).mean())


def _wait_counter(page, timeout=60000):
    page.wait_for_function(f"() => ({COUNTER_JS})() !== null", timeout=timeout)
    return page.evaluate(COUNTER_JS)


def _pause(page):
    """Press Pause until the Train button is back (a click landing while the page re-renders can be lost)."""
    for attempt in range(3):
        if page.get_by_role("button", name="Pause", exact=True).count():
            page.get_by_role("button", name="Pause", exact=True).click()
        try:
            page.get_by_role("button", name="Train", exact=True).wait_for(timeout=10000)
            return
        except sync_api.TimeoutError:
            assert attempt < 2, "Pause did not stop training"


def _trained_figure1(page, base, iterations, path="/figure1"):
    """Open the Figure 1 lab (or the training lab at ``path``), train to at least ``iterations`` and pause (the
    page settled)."""
    page.goto(base + path, timeout=60000)
    _wait_counter(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({COUNTER_JS})() >= {iterations}", timeout=60000)
    _pause(page)
    page.wait_for_timeout(1000)


def test_figure1_trains_in_chromium(browser_page):
    base, page = browser_page
    page.goto(base + "/figure1", timeout=60000)
    start = _wait_counter(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    # one iteration every frame (the lesson's own pace starts in slow motion, where 2 of 3 frames are the same
    # picture and are not redrawn, which the delivery count below would read as lost frames)
    page.get_by_role("combobox", name="Speed").click()
    page.get_by_role("option", name="1 iteration / frame").click()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({COUNTER_JS})() > {start + 20}", timeout=60000)
    # every frame the server draws reaches the chart: Streamlit drops a fragment run's queued messages when
    # the next run starts, and with the chart drawn after the training chunk only ~1 frame in 4 arrived
    # (gantoy/ui/widgets.live_panel draws first). Counted in the page, so independent of speed; early in
    # the run, while every frame differs (once p_g has converged, frames repeat and are not redrawn).
    seen = page.evaluate(DELIVERY_JS, 2500)
    assert seen["frames"] >= 3 and seen["charts"] >= 0.7 * seen["frames"], seen
    assert page.get_by_role("button", name="Pause", exact=True).count() == 1
    main = page.wait_for_function(f"() => ({TRACE_NAMES_JS})().find(n => n.includes('p_data')) || null",
                                  timeout=15000).json_value()
    assert {"p_data", "p_g", "D(x)", "D*(x)"} <= set(main)
    # frames of the same shape are drawn by the fast path (Plotly.animate without a relayout), and it
    # really moves the curves: the p_g path on screen changes from one sample to the next
    assert page.evaluate(f"() => document.querySelector('{LIVE}').dataset.drawMode") == "animate"
    paths = [page.evaluate(P_G_PATH_JS)]
    for _ in range(6):
        page.wait_for_timeout(300)
        paths.append(page.evaluate(P_G_PATH_JS))
    assert len(set(paths)) >= 3, "the p_g curve on screen did not move while training"
    # the chart is updated in place, so it is drawn in every screenshot while training (st.plotly_chart
    # remounted it on each frame and was blank in 15 of 20, bench/live_loop.py)
    box = page.locator(LIVE).first.bounding_box()
    inks = []
    for _ in range(8):
        inks.append(_ink(page.screenshot(clip=box)))
        page.wait_for_timeout(250)
    assert min(inks) > 0.01, inks
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "figure1.png"), full_page=True)
    # a user's zoom, made while training, is kept: from then on frames are drawn by Plotly.react, which
    # keeps the view (uirevision)
    page.mouse.move(box["x"] + 0.35 * box["width"], box["y"] + 0.4 * box["height"])  # drag a zoom box in x
    page.mouse.down()
    page.mouse.move(box["x"] + 0.55 * box["width"], box["y"] + 0.41 * box["height"], steps=8)
    page.mouse.up()
    page.wait_for_timeout(1000)
    assert not page.locator("[data-testid='stException']").count()
    _pause(page)
    # the browser shows a fraction of the fragment's updates, so the counter may still catch up once;
    # after that, paused means paused
    a, settled = page.evaluate(COUNTER_JS), False
    for _ in range(20):
        page.wait_for_timeout(1000)
        b = page.evaluate(COUNTER_JS)
        if b == a:
            settled = True
            break
        a = b
    assert settled, "the iteration counter kept moving after Pause"
    page.wait_for_timeout(2000)
    assert page.evaluate(COUNTER_JS) == a
    # a new frame (Reset: new networks, iteration 0; frames of a converged run can repeat and are skipped)
    # is drawn with react and keeps the zoomed x range
    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_function(f"() => ({COUNTER_JS})() === 0", timeout=30000)
    page.wait_for_timeout(1000)
    mode, xr = page.evaluate(f"() => {{ const d = document.querySelector('{LIVE}'); "
                             "return [d.dataset.drawMode, d._fullLayout.xaxis.range]; }")
    assert mode == "react" and xr[1] - xr[0] < 2.5, (mode, xr)  # the full x range is about 5.2 wide
    # Undo reset (in Reset's place until the new run moves) brings the trained run back
    page.get_by_role("button", name="Undo reset", exact=True).click()
    page.wait_for_function(f"() => ({COUNTER_JS})() === {a}", timeout=30000)
    page.get_by_role("button", name="Reset", exact=True).wait_for(timeout=30000)


def test_playground_renders_in_chromium(browser_page):
    base, page = browser_page
    page.goto(base + "/playground", timeout=60000)
    _wait_counter(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(f"() => ({COUNTER_JS})() === 1", timeout=30000)
    page.screenshot(path=os.path.join(ARTIFACTS, "playground.png"), full_page=True)
    assert not page.locator("[data-testid='stException']").count()
    # while training, the chart keeps drawing its samples (a colour bar once blanked it every frame)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({COUNTER_JS})() > 30", timeout=60000)
    fractions = []
    for _ in range(6):  # what a student sees: the chart's box must not be blank while training
        page.wait_for_timeout(500)
        box = page.locator(LIVE).first.bounding_box()
        png = page.screenshot(clip=box)
        fractions.append(_ink(png))
    # a blank chart has no ink at all; a drawn one has axes, labels and ~600 points (~2% of the box),
    # plus whatever of the D heatmap is not near-white (white means D = 1/2, so it may be little)
    assert min(fractions) > 0.01, fractions


def test_compare_lab_shows_every_run_in_chromium(browser_page):
    base, page = browser_page
    page.goto(base + "/compare", timeout=60000)
    _wait_counter(page)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=60000)
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_function(f"() => ({COUNTER_JS})() === 1", timeout=30000)
    # two small multiples (nsgan, wgan-gp), each drawn, and the shared metrics chart
    titles_js = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .map(p => ((p.layout || {}).title || {}).text || '')"""
    # read the titles in the same evaluation that sees exactly three (a later read may catch another rerun)
    titles = page.wait_for_function(
        f"() => {{ const t = ({titles_js})(); return t.filter(s => /^(nsgan|wgan-gp):/.test("
        "s.replace(/<[^>]+>/g, ''))).length === 2 ? t : null; }", timeout=30000).json_value()
    titles = [re.sub(r"<[^>]+>", "", t) for t in titles]
    assert sum(t.startswith(("nsgan:", "wgan-gp:")) for t in titles) == 2, titles
    boxes = page.locator(LIVE)
    assert all(_ink(page.screenshot(clip=boxes.nth(i).bounding_box())) > 0.01 for i in range(2))
    page.screenshot(path=os.path.join(ARTIFACTS, "compare.png"), full_page=True)
    assert not page.locator("[data-testid='stException']").count()


def test_collapse_lab_counts_modes_in_chromium(browser_page):
    base, page = browser_page
    # 2 seeds of 20 iterations: a study records its samples every steps // 50 iterations (every iteration below 100),
    # so the lesson's 8 seeds of 60 iterations trained one iteration a frame and took 1-2.5 min on a slow machine
    page.goto(base + "/collapse?mc:seeds=2", timeout=60000)
    page.get_by_role("spinbutton", name="Iterations per run").wait_for(timeout=60000)
    page.get_by_role("spinbutton", name="Iterations per run").fill("20")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1000)
    # the default lesson trains a baseline and a cure: "Run 2 configurations × 2 seeds"
    run = page.get_by_role("button", name=re.compile(r"^Run \d+ (seeds|configurations)"))
    done = page.get_by_text("Modes covered per configuration")
    run.click()
    try:  # (the study takes ~5 s here)
        done.wait_for(timeout=30000)
    except sync_api.TimeoutError:
        # seen twice under load: a click that lands while the page still reruns after the iterations edit
        # never reaches the script (Streamlit, fast reruns off); a user would press again, and so do we
        if run.count():
            run.click()
        done.wait_for(timeout=120000)
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=30000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=60000)
    page.screenshot(path=os.path.join(ARTIFACTS, "collapse.png"), full_page=True)
    assert not page.locator("[data-testid='stException']").count()


def test_load_config_json_and_share_link_in_chromium(browser_page, tmp_path):
    from gantoy import presets

    base, page = browser_page
    p = tmp_path / "lesson.json"
    p.write_text(presets.get("bimodal1d").with_set("train.seed", 9).to_json())
    page.goto(base + "/figure1", timeout=60000)
    _wait_counter(page)
    page.get_by_text("Load a configuration (JSON)").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(p))
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Load config", exact=True).click()
    page.get_by_text("Loaded the configuration").wait_for(timeout=30000)
    page.get_by_text("Share this lesson").click()
    # the rest of the page finishes its rerun after the sidebar's message: wait for the new link
    find = """() => (Array.from(document.querySelectorAll("[data-testid='stExpander'] a"))
        .find(a => a.href.includes('lesson=bimodal1d')) || {}).href || null"""
    link = page.wait_for_function(find, timeout=60000).json_value()
    assert "train.seed=9" in link
    # the link opens the same lesson in a fresh session
    page.goto(link.strip(), timeout=60000)
    _wait_counter(page)
    page.wait_for_timeout(2000)
    assert page.get_by_role("radio", name="Two modes (bimodal1d)").is_checked()
    assert not page.locator("[data-testid='stException']").count()


def test_theory_labs_render_in_chromium(browser_page):
    """The divergences explorer, the OT lab and the conditional lab each show their numbers and charts on the
    first visit; the conditional lab trains live."""
    base, page = browser_page
    page.goto(base + "/divergences", timeout=60000)
    page.get_by_text("W1(P, Q)").first.wait_for(timeout=60000)
    # (a chart's traces arrive after its frame: wait for the densities' Q, as for p_data in the Figure 1 test)
    page.wait_for_function(f"() => ({TRACE_NAMES_JS})().flat().includes('Q')", timeout=60000)
    names = [n for fig in page.evaluate(TRACE_NAMES_JS) for n in fig]
    assert {"P", "Q", "JS(P‖Q)"} <= set(names), names
    page.screenshot(path=os.path.join(ARTIFACTS, "divergences.png"), full_page=True)
    assert not page.locator("[data-testid='stException']").count()

    page.goto(base + "/transport", timeout=60000)
    page.get_by_text("Strong duality").wait_for(timeout=60000)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    assert "1.800000" in page.inner_text("body")  # primal = dual = POT = KR = CDF area for the 1-D lesson
    page.screenshot(path=os.path.join(ARTIFACTS, "transport.png"), full_page=True)
    assert not page.locator("[data-testid='stException']").count()

    page.goto(base + "/conditional", timeout=60000)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(f"() => ({COUNTER_JS})() >= 100", timeout=60000)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_timeout(1500)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=30000)
    assert _ink(page.screenshot(clip=page.locator(LIVE).first.bounding_box())) > 0.01
    page.screenshot(path=os.path.join(ARTIFACTS, "conditional.png"), full_page=True)
    assert not page.locator("[data-testid='stException']").count()


def test_dynamics_lab_in_chromium(browser_page):
    """The Dynamics lab draws its phase portrait with both runs' trajectories and the eigenvalues on the first
    visit, says what the eigenvalues mean, and a lesson from the sidebar changes the verdict."""
    base, page = browser_page
    page.goto(base + "/dynamics", timeout=60000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60000)
    names = [n for fig in page.evaluate(TRACE_NAMES_JS) for n in fig]
    assert {"A: simultaneous", "B: alternating", "equilibrium", "|μ| = 1"} <= set(names), names
    assert "spiral out" in page.inner_text("body")
    page.screenshot(path=os.path.join(ARTIFACTS, "dynamics.png"), full_page=True)
    # a click on the portrait starts both runs there: grid point 5·41 + 10 of the faint grid is (−1.0, −1.5)
    portrait = page.locator("[data-testid='stPlotlyChart']").first
    point = portrait.locator(".scatterlayer .trace").first.locator("path.point").nth(5 * 41 + 10)
    point.scroll_into_view_if_needed()
    bb = point.bounding_box()
    page.mouse.click(bb["x"] + bb["width"] / 2, bb["y"] + bb["height"] / 2)
    page.wait_for_function("() => document.querySelector('input[aria-label=\"start θ\"]').value === '-1.00'",
                           timeout=30000)
    assert page.locator("input[aria-label='start ψ']").input_value() == "-1.50"
    page.get_by_role("combobox", name="Lesson").click()
    page.get_by_role("option", name="R1 makes it converge").click()
    page.wait_for_function("() => /spiral in/.test(document.body.innerText)", timeout=30000)
    assert "spiral out" not in page.inner_text("body")
    assert not page.locator("[data-testid='stException']").count()


PICKER_JS = """() => { const p = Array.from(document.querySelectorAll('.js-plotly-plot'))
  .find(g => g._fullData && g._fullData[0] && g._fullData[0].name === 'candidates');
  return p ? p._fullData[1]._length : null; }"""


def test_points_are_picked_on_the_chart_in_chromium(browser_page):
    """Custom data in the playground: a box dragged over the picker's grid selects grid points, and the
    button adds them to the data (the picker then draws them)."""
    base, page = browser_page
    page.goto(base + "/playground", timeout=60000)
    page.get_by_text("Your points (pick on a chart, table or CSV)").click()
    page.wait_for_function(f"() => ({PICKER_JS})() === 4", timeout=60000)  # the table's four starting points
    grid = page.locator("[data-testid='stPlotlyChart']").filter(has=page.locator("text=candidates")).first
    point = grid.locator(".scatterlayer .trace").first.locator("path.point").nth(600)
    point.scroll_into_view_if_needed()
    bb = point.bounding_box()
    cx, cy = bb["x"] + bb["width"] / 2, bb["y"] + bb["height"] / 2
    page.mouse.move(cx - 5, cy - 5)  # a box from just above-left of one grid point over its neighbours
    page.mouse.down()
    page.mouse.move(cx + 12, cy + 12, steps=8)
    page.mouse.up()
    add = page.get_by_role("button", name=re.compile(r"Add the [1-9]\d* picked points? to the data"))
    add.wait_for(timeout=30000)
    n = int(re.search(r"Add the (\d+)", add.inner_text()).group(1))
    add.click()
    page.wait_for_function(f"() => ({PICKER_JS})() === {4 + n}", timeout=30000)
    page.screenshot(path=os.path.join(ARTIFACTS, "picker.png"), full_page=True)
    assert not page.locator("[data-testid='stException']").count()


@pytest.mark.skipif(not os.environ.get("GANTOY_BROWSER_SOAK"),
                    reason="60-s browser soak: set GANTOY_BROWSER_SOAK=1 (.ci/run does)")
def test_figure1_stays_responsive_after_a_minute_of_training(browser_page):
    """Browser soak (issue #11): the Figure 1 lab trains for 60 s; the counter keeps moving all along, the
    page shows no exception, and Pause still answers within a few seconds."""
    base, page = browser_page
    page.goto(base + "/figure1", timeout=60000)
    start = _wait_counter(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    page.get_by_role("button", name="Train", exact=True).click()
    seen, went_on = [start], False
    # six rounds of 10 s; on a slow or busy machine (the lesson's 2000 iterations took 1500 in 60 s once) up to six
    # more, until the run has gone on past the lesson's end
    for i in range(12):
        page.wait_for_timeout(10_000)
        go_on = page.get_by_role("button", name="Continue past the lesson")
        if go_on.count():            # the lesson stops at its length (2000 iterations): a teacher goes on
            go_on.click()
            went_on = True
            page.wait_for_timeout(3000)
        seen.append(page.evaluate(COUNTER_JS))
        if i >= 5 and went_on and seen[-1] > 2000:
            break
    assert all(b > a for a, b in zip(seen, seen[1:])), f"the counter stalled: {seen}"
    assert went_on and seen[-1] > 2000, seen
    assert not page.locator("[data-testid='stException']").count()
    _pause(page)


PROJECTOR = {"width": 1280, "height": 720}


def _collapse_sidebar(page):
    page.hover("[data-testid='stSidebar']")
    page.get_by_label("Collapse sidebar").click(force=True)
    page.wait_for_function("() => { const s = document.querySelector('[data-testid=\"stSidebar\"]');"
                           " return !s || s.getBoundingClientRect().right <= 5 || s.getAttribute('aria-expanded') === 'false'; }",
                           timeout=10000)


def _within(page, box, what):
    assert box is not None, f"{what}: not on the page"
    assert box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"] + 1, (what, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= PROJECTOR["width"] + 1, (what, box)


@pytest.mark.parametrize("path, metrics", [("/figure1", 7), ("/playground", 6), ("/compare", 0)])
def test_training_labs_fit_a_projector(browser_page, path, metrics):
    """At 1280×720 with the sidebar collapsed, a training lab shows its controls, its main chart and its key
    numbers without scrolling, while it trains; the screenshot is kept (tests/artifacts/projector-*.png).
    With large text on (the back row), the controls and the chart still fit."""
    base, _ = browser_page
    page = browser_page[1].context.browser.new_page(viewport=PROJECTOR)
    try:
        page.goto(base + path, timeout=60000)
        page.wait_for_selector(LIVE, timeout=60000)
        # with the sidebar open, every metric's label whole ("JS(p_data‖p_g)" was cut to "JS(p_da…"): wrapped
        page.wait_for_timeout(1000)
        cut = page.evaluate("() => Array.from(document.querySelectorAll(\"[data-testid='stMetricLabel'] *\"))"
                            ".filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)"
                            ".map(e => e.textContent)")
        assert cut == [], cut
        _collapse_sidebar(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_role("button", name="Pause", exact=True).wait_for(timeout=30000)
        page.wait_for_timeout(2500)
        _within(page, page.get_by_role("button", name="Pause", exact=True).bounding_box(), "Pause")
        charts = page.locator(LIVE)
        _within(page, charts.first.bounding_box(), "main chart")
        boxes = page.locator("[data-testid='stMetric']")
        assert boxes.count() >= metrics
        for i in range(boxes.count()):
            _within(page, boxes.nth(i).bounding_box(), f"metric {i}")
        if path == "/compare":
            for i in range(2):
                _within(page, charts.nth(i).bounding_box(), f"run {i}")
        page.screenshot(path=os.path.join(ARTIFACTS, f"projector{path.replace('/', '-')}.png"))
        _pause(page)
        assert not page.locator("[data-testid='stException']").count()
    finally:
        page.close()


def test_large_text_switch_enlarges_page_and_chart_text(browser_page):
    base, _ = browser_page
    page = browser_page[1].context.browser.new_page(viewport=PROJECTOR)
    try:
        page.goto(base + "/figure1", timeout=60000)
        page.wait_for_selector(LIVE, timeout=60000)
        size = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
        before = page.evaluate(size)
        page.get_by_text("Large text (for the back row)").click()
        page.wait_for_function(f"() => ({size})() > {before}", timeout=20000)
        page.wait_for_function("() => { const p = document.querySelector('.gantoy-live-chart');"
                               " return p && p.layout && p.layout.font && p.layout.font.size >= 17; }", timeout=20000)
        _collapse_sidebar(page)
        _within(page, page.get_by_role("button", name="Train", exact=True).bounding_box(), "Train")
        page.screenshot(path=os.path.join(ARTIFACTS, "projector-figure1-large.png"))
    finally:
        page.close()


def test_save_and_load_the_trained_state_in_chromium(browser_page, tmp_path):
    """Save the trained state (a real download), Reset, load the file back: the same iteration and the same
    numbers; a bad file is refused with the reason and the run is kept."""
    base, page = browser_page
    _trained_figure1(page, base, 100)
    it = page.evaluate(COUNTER_JS)
    values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    panel = page.locator("[data-testid='stExpander']").filter(has_text="Save or load the trained state")
    panel.get_by_text("Save or load the trained state").click()
    with page.expect_download(timeout=60000) as dl:
        panel.get_by_role("button", name="Save the trained state").click()
    path = tmp_path / "state.pt"
    dl.value.save_as(path)
    assert path.stat().st_size > 1000
    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_function(f"() => ({COUNTER_JS})() === 0", timeout=30000)

    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a state file")
    _load_file(page, panel, bad)
    page.get_by_text("Not loaded: not a gantoy state file").wait_for(timeout=30000)
    assert page.evaluate(COUNTER_JS) == 0

    _load_file(page, panel, path)
    page.get_by_text(f"Loaded the trained state: iteration {it}").wait_for(timeout=30000)
    page.wait_for_function(f"() => ({COUNTER_JS})() === {it}", timeout=30000)
    page.wait_for_timeout(1000)
    assert page.locator("[data-testid='stMetricValue']").all_inner_texts() == values
    assert not page.locator("[data-testid='stException']").count()


def _load_file(page, panel, path):
    """Upload ``path`` in the state panel and press Load. (Seen in loaded full runs: the rerun after Reset or
    after an upload can close the expander or swallow a click; a user opens it again and presses again.)"""
    load = panel.get_by_role("button", name="Load the state")
    for attempt in range(3):
        try:
            load.wait_for(state="visible", timeout=5000)
        except sync_api.TimeoutError:
            panel.get_by_text("Save or load the trained state").click()
            load.wait_for(state="visible", timeout=15000)
        panel.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
        try:   # the uploader shows the file's name once the upload's rerun is done
            panel.locator("[data-testid='stFileChipName']", has_text=path.name).wait_for(timeout=15000)
            page.wait_for_timeout(500)
            load.click(timeout=15000)
            return
        except sync_api.TimeoutError:
            if attempt == 2:
                raise


def test_conditional_lab_saves_and_loads_its_state_in_chromium(browser_page, tmp_path):
    """The conditional lab's state file: a real download after two Step ×100, Reset, a bad file refused with
    the reason and the run kept, the good file loaded back at iteration 200."""
    base, page = browser_page
    page.goto(base + "/conditional", timeout=60000)
    for _ in range(2):
        page.get_by_role("button", name="Step ×100").click()
        page.wait_for_timeout(1200)
    page.get_by_text("iteration 200 (pauses itself").wait_for(timeout=30000)
    panel = page.locator("[data-testid='stExpander']").filter(has_text="Save or load the trained state")
    panel.get_by_text("Save or load the trained state").click()
    with page.expect_download(timeout=60000) as dl:
        panel.get_by_role("button", name="Save the trained state").click()
    path = tmp_path / "cond.pt"
    dl.value.save_as(path)
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text("iteration 0 (pauses itself").wait_for(timeout=30000)
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a state file")
    _load_file(page, panel, bad)
    page.get_by_text("Not loaded: not a gantoy state file").wait_for(timeout=30000)
    assert page.get_by_text("iteration 0 (pauses itself").count()
    _load_file(page, panel, path)
    page.get_by_text("Loaded the trained state: gcds on the fork toy at iteration 200").wait_for(timeout=30000)
    page.get_by_text("iteration 200 (pauses itself").wait_for(timeout=30000)
    assert not page.locator("[data-testid='stException']").count()


RETAINED_TIMELINE_JS = """() => Array.from(document.querySelectorAll('[data-retained] [data-testid="stSlider"]'))
    .some(e => /Timeline/.test(e.innerText))"""


def _timeline_slider(page):
    """The Timeline slider of a paused lab. In CI (4 of 11 full runs) the page sometimes ended the pause with the
    slider only as a hidden "retained" element: the full run's deltas of the live fragment were dropped by the
    fragment's next run and its successor wrote over the Timeline (ui/controls.live_fragment, which now calls each
    fragment in a container of its own). A failure says whether that is back."""
    handle = page.locator("[data-testid='stSlider']").filter(has_text="Timeline").get_by_role("slider")
    try:
        handle.wait_for(timeout=15000)
    except sync_api.TimeoutError:
        state = page.evaluate(PAGE_STATE_JS)
        retained = page.evaluate(RETAINED_TIMELINE_JS)
        raise AssertionError(f"no visible Timeline slider after Pause (a hidden retained one: {retained}): {state}")
    return handle


@pytest.mark.parametrize("path, iterations", [("/figure1", 100), ("/compare", 40)])
def test_timeline_rewinds_in_chromium(browser_page, path, iterations):
    """Train, pause, move the timeline back with the keyboard: the counter and the notice show the earlier
    moment, in the same live charts (not new ones: a zoom would be lost); Back to now returns."""
    base, page = browser_page
    _trained_figure1(page, base, iterations, path)
    handle = _timeline_slider(page)
    now = page.evaluate(COUNTER_JS)
    page.evaluate(f"() => document.querySelectorAll('{LIVE}').forEach((e, i) => e.dataset.mark = 'm' + i)")
    marks = f"() => Array.from(document.querySelectorAll('{LIVE}')).map(e => e.dataset.mark || null)"
    drawn = page.evaluate(marks)
    assert drawn and None not in drawn
    handle.focus()
    for _ in range(10):
        handle.press("ArrowLeft")
    page.get_by_text("as it was recorded").wait_for(timeout=30000)
    page.wait_for_function(f"() => ({COUNTER_JS})() < {now}", timeout=30000)
    assert page.get_by_text(f"the run is at iteration {now}").count()
    assert page.evaluate(marks) == drawn
    page.get_by_role("button", name="Back to now").click()
    page.wait_for_function(f"() => ({COUNTER_JS})() === {now}", timeout=30000)
    # and the slider with it (it stayed at the rewound iteration, over the pictures of now)
    page.wait_for_function("""(now) => { const s = Array.from(document.querySelectorAll("[data-testid='stSlider']"))
        .find(e => /Timeline/.test(e.innerText)); const h = s && s.querySelector('[aria-valuetext]');
        return !!h && h.getAttribute('aria-valuetext') === String(now); }""", arg=now, timeout=30000)
    assert not page.locator("[data-testid='stException']").count()


def test_lesson_mode_and_a_question_in_chromium(browser_page):
    """A lesson link that shows Train and Speed only, with a title and a question at iteration 20: the page
    has only those controls and no page list; training stops at 20 and asks; the answer lets it go on."""
    from urllib.parse import urlencode

    base, page = browser_page
    q = {"lesson": "figure1", "show": "train,speed", "title": "Predict, then run",
         "text": "Watch **p_g** (green).", "ask": "20|Will p_g have reached p_data by the end?|yes|no"}
    page.goto(base + "/figure1?" + urlencode(q), timeout=60000)
    page.get_by_text("Predict, then run").first.wait_for(timeout=60000)
    _wait_counter(page)
    assert not page.get_by_role("button", name="Step", exact=True).count()
    assert not page.get_by_text("Hyperparameters").count()
    assert not page.get_by_text("Compare objectives").count()       # no page list in lesson mode
    page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="5 iterations / frame").click()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Will p_g have reached p_data by the end?").wait_for(timeout=60000)
    # the question can be drawn a moment before the counter above the chart shows 20 (CI: 15, then 20): wait for
    # it, then check that training stays stopped there
    page.wait_for_function(f"() => ({COUNTER_JS})() === 20", timeout=10000)
    page.wait_for_timeout(1500)
    assert page.evaluate(COUNTER_JS) == 20
    assert page.get_by_role("button", name="Train", exact=True).is_disabled()
    page.screenshot(path=os.path.join(ARTIFACTS, "lesson-question.png"))
    page.get_by_text("yes", exact=True).click()
    page.get_by_role("button", name="Answer and continue").click()
    page.wait_for_function(f"() => ({COUNTER_JS})() > 25", timeout=60000)
    assert not page.locator("[data-testid='stException']").count()


def test_a_comparison_exported_as_html_plays_every_run_in_chromium(browser_page, tmp_path):
    """The compare lab's interactive HTML export, opened in chromium: one chart per run, and the one slider and
    Play button move every chart (the export showed the first run only)."""
    from gantoy.render import export
    from tests.support.ensemble import comparison

    lab = comparison("figure1", moments=3, every=20)
    labels = lab.labels
    path = tmp_path / "compare.html"
    path.write_bytes(export.make("html", frames=lab.frames.rows, labels=labels))
    _, page = browser_page
    page.goto(path.as_uri(), timeout=60000)
    page.wait_for_function("() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                           ".filter(d => d.querySelector('.scatterlayer .trace path.js-line')).length === 2", timeout=30000)
    p_g = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(d =>
        d.querySelectorAll('.scatterlayer .trace')[1].querySelector('path.js-line').getAttribute('d'))"""
    first = page.evaluate(p_g)
    assert page.inner_text("#gantoy-iteration") == "iteration 0"      # (one seed: both G start alike)
    page.fill("#gantoy-slider", "3")                                # the last moment: every chart moves to it
    page.wait_for_function("() => document.getElementById('gantoy-iteration').innerText === 'iteration 60'")
    page.wait_for_function(f"(first) => ({p_g})().every((d, k) => d !== first[k])", arg=first, timeout=10000)
    last = page.evaluate(p_g)
    page.fill("#gantoy-slider", "0")
    page.wait_for_function(f"(first) => ({p_g})().every((d, k) => d === first[k])", arg=first, timeout=10000)
    page.click("#gantoy-play")                                      # Play runs to the end and stops there
    page.wait_for_function(f"(last) => ({p_g})().every((d, k) => d === last[k])", arg=last, timeout=10000)
    assert page.inner_text("#gantoy-iteration") == "iteration 60"
    assert [t.inner_text() for t in page.locator(".run h3").all()] == labels

"""How long the first "Train D to optimum" press of a server takes, in headless chromium.

    python bench/first_solve.py [--repeat 3]

Each repeat starts a fresh `streamlit run app.py`, opens /figure1, waits for the page to settle, presses
"Train D to optimum" and times until the verdict shows; then trains 30 iterations and times a second press on the
same server (warm: nothing left to import). torch.optim's first optimizer of a process imports torch._dynamo
(~1 s); the Figure 1 page builds a throwaway L-BFGS after it has drawn (measure/optimum.py: warm), so the first
press should cost about what the second does. Prints both and their ratio, measured in the same run.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.support.server import CHROMIUM, CHROMIUM_ARGS, COUNTER_JS, streamlit_server  # noqa: E402

VERDICT_JS = "() => /D reached D\\*|D stops short of D\\*|D is already at D\\*/.test(document.body.innerText)"


def press(page) -> float:
    page.wait_for_function(VERDICT_JS.replace("() => ", "() => !"), timeout=60000)   # no verdict on the page yet
    t = time.time()
    page.get_by_role("button", name="Train D to optimum").click()
    page.wait_for_function(VERDICT_JS, timeout=60000)
    return time.time() - t


def main():
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    for _ in range(args.repeat):
        with streamlit_server() as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(base + "/figure1", timeout=60000)
            page.wait_for_selector(".js-plotly-plot", timeout=90000)
            page.wait_for_timeout(4000)
            first = press(page)
            page.get_by_role("button", name="Train", exact=True).click()
            page.wait_for_function(f"() => ({COUNTER_JS})() >= 30", timeout=60000)
            page.get_by_role("button", name="Pause", exact=True).click()
            page.wait_for_timeout(2000)
            second = press(page)
            print(f"first press {first:.2f} s, second press {second:.2f} s, ratio {first / second:.2f}", flush=True)
            browser.close()


if __name__ == "__main__":
    main()

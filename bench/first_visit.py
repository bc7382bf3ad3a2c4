"""How long a new user waits: seconds until the first chart shows, in headless chromium.

    python bench/first_visit.py

Three moments on a fresh `streamlit run app.py`: the very first visit (cold server process and cold
browser: imports, plotly's first figure, the browser loading Streamlit's plotly bundle), a click from
Home to the Figure 1 lab in that browser, and a second user's deep link to /figure1 (warm server,
cold browser). Issue 6 asks that the first click on Figure 1 shows the lesson within a second.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gantoy.serve import CHROMIUM, CHROMIUM_ARGS, COUNTER_JS, streamlit_server  # noqa: E402


def seconds_to_chart(browser, url):
    """Open url in a new page of ``browser``; seconds until its first chart shows."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    t = time.time()
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    return page, time.time() - t


def main():
    from playwright.sync_api import sync_playwright

    with streamlit_server() as base, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page, secs = seconds_to_chart(b, base + "/")
        print(f"first visit, Home's chart (cold server and browser): {secs:5.2f} s")
        t = time.time()
        page.get_by_role("link", name="Figure 1 (1-D)").click()
        page.wait_for_function(f"() => ({COUNTER_JS})() !== null", timeout=60000)
        page.wait_for_selector(".gantoy-live-chart.js-plotly-plot", timeout=60000)  # Figure 1's chart
        print(f"click Home -> Figure 1 chart:                      {time.time() - t:5.2f} s (goal <= 1 s)")
        b2 = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _, secs = seconds_to_chart(b2, base + "/figure1")
        print(f"second user, deep link to /figure1 (warm server):   {secs:5.2f} s")
        b.close()
        b2.close()


if __name__ == "__main__":
    main()

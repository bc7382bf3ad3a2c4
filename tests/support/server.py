"""Start `streamlit run app.py` on a free loopback port (tests, benchmarks, screenshots): test support, not
part of the package."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time

from gantoy.serve import free_port, healthy   # the ones `gantoy serve` uses (tests and benches import them here)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # the repository
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def streamlit_server(app: str = "app.py", timeout: float = 60.0, log: str | None = None):
    """Yields the base URL of a running app on 127.0.0.1; stops it afterwards. ``log``: a file that gets the
    server's output (its warnings and tracebacks), else it is dropped."""
    port = free_port()
    with open(log, "w") if log else contextlib.nullcontext(subprocess.DEVNULL) as out:   # closed however we leave
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", app, "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT if log else subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            t0 = time.time()
            while not healthy(port):
                if proc.poll() is not None or time.time() - t0 > timeout:
                    raise RuntimeError("streamlit did not start")
                time.sleep(0.3)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


# the run's iteration, from the element a lab keys as its counter (gantoy.ui.controls.COUNTER_KEY): not from the first
# caption that says "iteration N" (a sidebar caption with "iteration 0" once read as a counter stuck at 0)
COUNTER_JS = """() => {
  const el = document.querySelector('[data-testid="stMain"] .st-key-run-counter');
  if (!el) return null;
  const m = el.innerText.match(/iteration (\\d+)/);
  return m ? parseInt(m[1]) : null;
}"""

TRACE_NAMES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(p => (p.data || []).map(t => t.name))"""

"""Reproductions of published GAN toy results, one module each (``python -m gantoy repro NAME``).

Each module has TITLE, DOC (the paper's setup, ours, the differences) and
``run(out, quick) -> Result``; ``main`` writes the figures and tables under ``out`` plus ``summary.md``
(the measured section of docs/REPRODUCTIONS.md) and ``result.json``, prints the summary, and fails
(status 1) when a checked claim does not hold. ``build_docs`` assembles docs/REPRODUCTIONS.md from
the summaries the scripts wrote, so every number there is one a script printed.
"""
from __future__ import annotations

import importlib
import json
import os
import time
from dataclasses import dataclass, field

NAMES = ["figure1", "theorem1", "mode-collapse", "fgan-fit", "wgan-example1", "dirac-gan"]
DOCS_DIR = os.path.join("docs", "repro")


@dataclass
class Result:
    summary: str                                  # markdown: the measured numbers and the figures
    checks: dict = field(default_factory=dict)    # claim -> (holds: bool, measured value as text)


def module(name: str):
    if name not in NAMES:
        raise ValueError(f"unknown reproduction {name!r}; choose from {', '.join(NAMES)}")
    return importlib.import_module(f"gantoy.repro.{name.replace('-', '_')}")


def savefig(fig, out: str, name: str) -> str:
    fig.savefig(os.path.join(out, name), dpi=110, bbox_inches="tight")
    return name


def md_table(rows: list, cols: list) -> str:
    head = "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols) + "\n"
    return head + "".join("| " + " | ".join(str(r[c]) for c in cols) + " |\n" for r in rows)


def platform_id() -> dict:
    """What the numbers depend on beyond the code: torch's version and CPU kernels (AVX512, AVX2 or the
    default ones round differently, and 3000 Adam steps carry that into the printed digits) and the machine."""
    import platform

    import torch

    return {"torch": torch.__version__, "cpu": torch.backends.cpu.get_cpu_capability(), "machine": platform.machine()}


def run(name: str, out: str | None = None, quick: bool = False):
    """Run one reproduction; returns (Result, seconds, the summary text with its checked claims)."""
    mod = module(name)
    out = out or os.path.join(DOCS_DIR, name)
    os.makedirs(out, exist_ok=True)
    t0 = time.perf_counter()
    res = mod.run(out, quick)
    secs = time.perf_counter() - t0
    checks = "".join(f"- {'✓' if ok else '✗'} {claim}: {val}\n" for claim, (ok, val) in res.checks.items())
    text = res.summary.rstrip() + "\n\nChecked claims:\n\n" + checks
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(text)
    with open(os.path.join(out, "result.json"), "w") as f:
        json.dump({"name": name, "quick": quick, "seconds": round(secs, 1), "platform": platform_id(),
                   "checks": {k: {"holds": bool(ok), "value": v} for k, (ok, v) in res.checks.items()}}, f, indent=2)
    return res, secs, text


def build_docs(path: str = os.path.join("docs", "REPRODUCTIONS.md")) -> str:
    """docs/REPRODUCTIONS.md from each module's DOC and the summary its last full run wrote."""
    parts = [HEADER]
    for name in NAMES:
        mod = module(name)
        d = os.path.join(DOCS_DIR, name)
        meta_path, summ_path = os.path.join(d, "result.json"), os.path.join(d, "summary.md")
        parts.append(f"## {mod.TITLE}\n\n{mod.DOC.strip()}\n\n```bash\npython -m gantoy repro {name}\n```\n")
        if os.path.exists(meta_path) and os.path.exists(summ_path):
            meta = json.load(open(meta_path))
            if meta.get("quick"):
                parts.append("*Only a --quick run has been recorded; run the command above for the full result.*\n")
            summary = open(summ_path).read().replace("](", f"](repro/{name}/")
            parts.append(f"**Our result** ({meta['seconds']:.0f} s on the 2-core machine):\n\n{summary}\n")
        else:
            parts.append("*Not run yet.*\n")
    text = "\n".join(parts)
    with open(path, "w") as f:
        f.write(text)
    return text


HEADER = """# Reproductions

Each section: what the paper shows and how, what we run (differences said plainly), the command, and
our result as the script printed it (this page is assembled by `python -m gantoy repro docs` from the
`summary.md` each script writes next to its figures under `docs/repro/NAME/`). Every script is seeded,
runs headless with a progress bar, and has a `--quick` mode that the test suite runs
(`tests/test_repro.py`) to check its key claim at small scale.
"""

"""What a lesson showed, said when it has run its length: from the measured numbers of that run (its first
metric row and its last snapshot), never hard-coded, so a run that did not show the claim says so."""
from __future__ import annotations

import numpy as np

from gantoy.measure import metrics


def _share_at(snap, data, mode: int) -> float:
    """The share of the shown generated samples nearest ``mode`` and within 3σ of it."""
    st = metrics.mode_stats(snap.fake, data.centers, data.stds)
    return float(st["counts"][mode]) / max(len(snap.fake), 1)


def debrief(lesson: str, first: dict, snap, data) -> str:
    """A few sentences on what run ``snap`` of ``lesson`` showed (``first``: its metric row at iteration 0)."""
    m = snap.metrics
    js0, js = first.get("js", float("nan")), m["js"]
    if lesson == "figure1":
        flat = m.get("d_flat", float("nan"))
        if js <= 0.01 and flat <= 0.05:
            return (f"p_g slid onto p_data — JS fell from {js0:.2f} to {js:.4f} nats — and D flattened to ½ (mean "
                    f"|D − ½| under p_data {flat:.3f}): panel (d), the equilibrium of Theorem 1, where D cannot tell "
                    "data from samples.")
        return (f"p_g moved towards p_data (JS {js0:.2f} → {js:.4f} nats) but this run has not reached panel (d): "
                f"D is still {flat:.3f} from ½ on average. Try Continue past the lesson, or Reset.")
    k = len(data.centers) if getattr(data, "centers", None) is not None else 0
    modes = f"{m['modes']} of {k} modes covered, {100 * m['hq']:.0f} % of its samples near a mode" if k else ""
    if lesson in ("bimodal1d", "trimodal1d"):
        bridge = 1 - m["hq"]
        return (f"p_g learned the modes: {modes} (JS {js0:.2f} → {js:.4f} nats). The other {100 * bridge:.0f} % is "
                "the bridge a continuous G must stretch across each gap — the arrows z → x cross it.")
    if lesson == "imbalanced1d":
        minor = _share_at(snap, data, int(np.argmin(data.weights)))
        return (f"p_g puts {100 * minor:.1f} % of its samples at the minority mode, where p_data has "
                f"{100 * float(np.min(data.weights)):.0f} %: {modes} (each mode counted against its own share). "
                f"JS {js:.4f} nats: a missing minority barely moves it.")
    floor = snap.floors.get("w1", 0.0)
    if k:
        return f"{modes}; W1 {first.get('w1', float('nan')):.3f} → {m['w1']:.3f} (noise floor {floor:.3f})."
    return f"W1 {first.get('w1', float('nan')):.3f} → {m['w1']:.3f} (noise floor {floor:.3f}); JS {js:.4f} nats."

"""What a lesson showed, said when it has run its length: from the measured numbers of that run (its first
metric row and its last snapshot), never hard-coded, so a run that did not show the claim says so."""
from __future__ import annotations

import numpy as np

from gantoy.measure import metrics


def _share_at(snap, data, mode: int) -> float:
    """The share of the shown generated samples nearest ``mode`` and within 3σ of it."""
    st = metrics.mode_stats(snap.fake, data.centers, data.stds)
    return float(st["counts"][mode]) / max(len(snap.fake), 1)


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3f}"


def _spikes(snap) -> str:
    """What the piecewise-linear generator's p_g looks like, measured: its largest jump between neighbouring grid
    points and its highest peak, each against p_data's peak."""
    top = float(np.max(snap.p_data))
    jump, peak = float(np.max(np.abs(np.diff(snap.p_g)))) / top, float(np.max(snap.p_g)) / top
    return (f"Its p_g is not a smooth curve: it jumps by up to {100 * jump:.0f} % of p_data's peak from one grid "
            f"point to the next and peaks at {peak:.2f}× p_data's top. p_g = p_z/|G′|: where a ReLU kink changes "
            "G's slope p_g jumps, and where G is nearly flat it spikes.")


def debrief(lesson: str, first: dict, snap, data) -> str:
    """A few sentences on what run ``snap`` of ``lesson`` showed (``first``: its metric row at iteration 0)."""
    m = snap.metrics
    js0, js = first.get("js", float("nan")), m["js"]
    w10, w1 = first.get("w1", float("nan")), m["w1"]
    if np.isfinite([js0, js, w10, w1]).all():
        # a diverged run said "p_g moved towards p_data" with W1 at 61 425; W1 first: a spread-out p_g can overlap
        # the data (JS falls) while it moves away
        if w1 > 1.5 * w10:
            return (f"p_g moved away from p_data (W1 {w10:.3f} → {_num(w1)}; JS {js0:.2f} → {js:.4f} nats): the "
                    "steps were too large for these networks. Lower the learning rates (or raise the batch), Apply "
                    "and Reset.")
        if not (js < js0 - 0.01 or w1 < 0.9 * w10):
            return (f"p_g has not got closer to p_data (JS {js0:.2f} → {js:.4f} nats, W1 {w10:.3f} → {w1:.3f}). "
                    "Try other learning rates, or Reset with another seed.")
    if lesson in ("figure1", "spikes1d"):
        flat = m.get("d_flat", float("nan"))
        known = np.isfinite(js0)     # (no first row, e.g. a loaded state: no comparison made)
        if js <= 0.01 and flat <= 0.05:
            fell = f"JS fell from {js0:.2f} to {js:.4f} nats" if known else f"JS is {js:.4f} nats"
            said = (f"p_g slid onto p_data — {fell} — and D flattened to ½ (mean |D − ½| under p_data {flat:.3f}): "
                    "panel (d), the equilibrium of Theorem 1, where D cannot tell data from samples.")
        else:
            went = f"p_g moved towards p_data (JS {js0:.2f} → {js:.4f} nats)" if known else f"JS is {js:.4f} nats"
            said = (f"{went} but this run has not reached panel (d): D is still {flat:.3f} from ½ on average. Try "
                    "Continue past the lesson, or Reset.")
        return said + (" " + _spikes(snap) if lesson == "spikes1d" else "")
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

"""What every number means, where it is shown: a short label and a tooltip for each metric of a snapshot,
with the estimator's own numbers in it (grid, samples, noise floor, the mode-counting rule). The UI puts
these next to the numbers; nothing here knows streamlit."""
from __future__ import annotations

import math

from gantoy.measure import estimate2d, metrics

LABELS = {
    "js": "JS(p_data‖p_g)", "kl_data_g": "KL(p_data‖p_g)", "kl_g_data": "KL(p_g‖p_data)", "w1": "W1",
    "tv": "TV", "hellinger2": "H²", "value": "V(D, G)", "d_star_err": "|D − D*|", "d_flat": "|D − ½|",
    "modes": "modes covered", "hq": "near a mode", "mode_kl": "mode KL",
}


def _estimator(snap) -> str:
    if snap.dim == 1:
        return ("Exact: p_g is the push-forward of the noise through G on a 1000-cell grid (no sampling), so its "
                "noise floor is 0.")
    return (f"Estimated from {estimate2d.N_LIVE} generated samples (a histogram on a {estimate2d.GRID_2D}² grid); "
            "noise floor {floor}: the value for fresh samples of p_data itself, what 'zero' looks like.")


def _fmt(v) -> str:
    return "∞" if isinstance(v, float) and math.isinf(v) else f"{v:.3g}"


def fmt(v) -> str:
    """A metric's value as the page shows it (the metric column, a quiz's numbers): 4 decimals, or 2 significant
    digits below 1e-3 with a short exponent ("-3.6e-5": as narrow as "-0.2639", so the metric column does not cut it
    off at 1280×720, where "-3.57e-05" showed as "-3.57e…"); ∞, and — for an undefined value."""
    if isinstance(v, float):
        if math.isinf(v):
            return "∞"
        if math.isnan(v):
            return "—"
        if abs(v) >= 1e-3 or v == 0:
            return f"{v:.4f}"
        mant, exp = f"{v:.1e}".split("e")
        return f"{mant}e{int(exp)}"
    return str(v)


def explain(key: str, snap, data=None, obj=None) -> str:
    """The tooltip of metric ``key`` of ``snap`` (``data``: the distribution, for the mode rule; ``obj``: the
    objective, for the value)."""
    floor = _fmt(snap.floors.get(key, 0.0)) if key in snap.floors else "0"
    est = _estimator(snap).replace("{floor}", floor)
    m = snap.metrics
    if key == "js":
        return f"Jensen–Shannon divergence in nats, from 0 (p_g = p_data) to log 2 = 0.693 (disjoint). {est}"
    if key == "kl_data_g":
        return ("KL(p_data‖p_g) in nats: ∞ when p_g misses part of p_data (it then has no mass where the data has "
                f"some) — a generator on bounded noise always does. {est}")
    if key == "kl_g_data":
        why = ("∞ here because p_g has mass in cells where p_data has none: p_data's modes are narrow, so any "
               "generated sample between them lands in such a cell. JS and W1 stay finite and are the ones to watch. "
               if math.isinf(m.get(key, 0.0)) else "")
        return f"KL(p_g‖p_data) in nats: ∞ when p_g puts mass where p_data has none. {why}{est}"
    if key == "w1":
        how = ("from the two quantile functions, ∫|F_P⁻¹ − F_Q⁻¹|" if snap.dim == 1 else
               f"exact optimal transport from {estimate2d.N_W1} generated samples to {estimate2d.W1_ATOMS} atoms "
               "summarising p_data")
        return f"Wasserstein-1 (earth mover's) distance in data units, {how}. {est}"
    if key == "d_star_err":
        return ("Mean |D − D*| under (p_data + p_g)/2, where D* is the best discriminator for this G "
                "(Goodfellow et al. 2014, Proposition 1: D* = p_data/(p_data + p_g) for the GAN). 0: D is optimal.")
    if key == "d_flat":
        return ("Mean |D − ½| under p_data: 0 means D says ½ everywhere — it cannot tell data from samples "
                "(panel (d) of Figure 1).")
    if key == "value":
        what = "" if obj is None else f" At D = D* it equals {obj.optimum_label}."
        return f"The objective's value V(D, G) for the current D and G (exact quadrature in 1-D).{what}"
    if key in ("modes", "hq", "mode_kl") and data is not None and getattr(data, "centers", None) is not None:
        k, n = len(data.centers), metrics.N_EVAL
        need = metrics.min_count_for(data.weights, n)
        if key == "modes":
            rule = (f"at least {need[0]} of {n} generated samples lie within 3σ of it (10 % of the {n // k} a "
                    "perfect generator puts there)" if len(set(need.tolist())) == 1 else
                    f"it holds 10 % of its expected share of {n} generated samples within 3σ "
                    f"({', '.join(map(str, need))} for modes of weights "
                    f"{', '.join(f'{w:.2g}' for w in data.weights)})")
            pub = snap.metrics.get("modes_pub")
            return (f"A mode counts as covered when {rule}. The published rule (PacGAN, VEEGAN) needs only one such "
                    f"sample{f': {pub} of {k} by that rule' if pub is not None else ''}. Covered modes are "
                    "circled on the chart, missed ones crossed.")
        if key == "hq":
            return ("Share of generated samples within 3σ of some mode (\"high quality\"); exact samples of "
                    "p_data score 98.9 %.")
        return ("KL between how the near-mode samples spread over the modes and the modes' weights: 0 when "
                "every mode gets its share.")
    if key == "v_star" and obj is not None:
        return explain_v_star(obj)
    return LABELS.get(key, key)


def shown(snap, obj, data=None) -> list:
    """The metrics worth showing for this objective and data set, in order: no C(G) for a critic (its value
    estimates W1, shown already), no |D − ½| unless D is a probability, no KL(p_g‖p_data) in 2-D (∞ for any
    imperfect generator on narrow modes), the mode counts where the data have modes."""
    keys = ["js", "w1"]
    has_modes = data is not None and getattr(data, "centers", None) is not None
    if snap.dim == 1:
        keys.append("kl_data_g")
    if has_modes and (snap.dim == 2 or len(data.centers) > 1):
        keys += ["modes", "hq"]
    if snap.dim == 2 and not has_modes:
        keys += ["tv"]
    if obj.d_star is not None and snap.dim == 1:
        keys.append("d_star_err")
    if obj.probability:
        keys.append("d_flat")
    keys.append("value")
    if obj.optimum is not None:
        keys.append("v_star")
    return keys


def label(key: str, obj) -> str:
    if key == "v_star":
        return obj.optimum_label.split(" = ")[0] if " = " in obj.optimum_label else "max_D V"
    return LABELS.get(key, key)


def explain_v_star(obj) -> str:
    return (f"{obj.optimum_label}: the value V(D*, G) of the best discriminator for this G, computed from the "
            "densities. V(D, G) reaches it when D = D* (Theorem 1 for the GAN).")

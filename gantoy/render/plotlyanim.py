"""Self-contained interactive HTML animations of plotly figures (plotly.js inlined: they work offline): one chart
with a play button and a slider (``animation``), or one chart per run side by side moved by one slider
(``side_by_side``, the compare lab's). Each moment is a plotly frame; an axis whose traces carry their data (lines,
points) keeps one range over the whole animation (plotly does not redo its autorange frame by frame); a histogram's
axis needs its range set by its figure."""
from __future__ import annotations

import json
from html import escape

import numpy as np

from gantoy.core.config import ConfigError


def _names(labels) -> list:
    """Frame names: the labels, made unique (two moments of one iteration, e.g. after Step D, would share a name
    and plotly would keep only the last)."""
    seen, out = {}, []
    for lab in labels:
        seen[lab] = seen.get(lab, 0) + 1
        out.append(lab if seen[lab] == 1 else f"{lab} ({seen[lab]})")
    return out


def animation(figs, labels, height=560, duration=100) -> str:
    """A self-contained HTML page (plotly.js inlined) animating plotly figures of one shape (the same traces in
    the same order; each frame also takes its figure's annotations and title): a play button and a slider
    labelled ``labels`` (e.g. iterations)."""
    if not figs:
        raise ConfigError("export: there are no frames to export yet (train first)")
    names = _names(labels)
    fig = _animated(figs, names)
    steps = [dict(method="animate", label=lab, args=[[n], dict(mode="immediate", frame=dict(duration=0, redraw=True))])
             for n, lab in zip(names, labels)]
    fig.update_layout(
        height=(fig.layout.height or height) + 80,
        updatemenus=[dict(type="buttons", showactive=False, x=0, y=-0.08, xanchor="left", yanchor="top",
                          buttons=[dict(label="Play", method="animate",
                                        args=[None, dict(frame=dict(duration=duration, redraw=True), fromcurrent=True)]),
                                   dict(label="Pause", method="animate",
                                        args=[[None], dict(mode="immediate", frame=dict(duration=0))])])],
        sliders=[dict(active=0, x=0.12, len=0.88, y=-0.08, currentvalue=dict(prefix="iteration "), steps=steps)])
    return fig.to_html(include_plotlyjs=True, full_html=True, auto_play=False)


def _span(fig, axis: str):
    """[lo, hi] of one of ``fig``'s axes ("xaxis", "yaxis2", ...): its own range, or its traces' finite data
    (plotly's autorange, which an animation does not redo frame by frame), or None."""
    ax = fig.layout[axis]
    if ax.range is not None:
        return [float(v) for v in ax.range]
    ref, key = axis[0] + axis[5:], axis[0]          # "yaxis2" -> trace.yaxis == "y2"
    vals = [np.asarray(t[key], dtype=np.float64).ravel() for t in fig.data
            if (getattr(t, key + "axis", None) or key) == ref and t[key] is not None]
    v = np.concatenate(vals) if vals else np.zeros(0)
    v = v[np.isfinite(v)]
    if not v.size:
        return None
    pad = 0.05 * (v.max() - v.min()) or 0.5
    return [float(v.min() - pad), float(v.max() + pad)]


def _fix_axes(figs):
    """One range per axis over the whole animation (the union of every moment's), set on the first figure: the
    first moment's ranges left a later critic or p_g off the chart."""
    base = figs[0]
    for axis in [k for k in base.layout.to_plotly_json() if k[:5] in ("xaxis", "yaxis")]:
        if base.layout[axis].type == "log":
            continue
        spans = [s for s in (_span(f, axis) for f in figs) if s is not None]
        if spans:
            base.layout[axis].range = [min(s[0] for s in spans), max(s[1] for s in spans)]
            base.layout[axis].autorange = False
    return base


def _animated(figs, names):
    """The first figure, its axes fixed over every moment, with one plotly frame per figure (its traces,
    annotations and title) named by ``names``."""
    import plotly.graph_objects as go

    base = _fix_axes(figs)
    return go.Figure(data=base.data, layout=base.layout, frames=[
        go.Frame(data=f.data, name=n, layout=dict(annotations=f.layout.annotations, title=f.layout.title))
        for f, n in zip(figs, names)])


_SIDE_BY_SIDE_JS = """
const names = %s, charts = %s.map(id => document.getElementById(id));
const slider = document.getElementById('gantoy-slider'), shown = document.getElementById('gantoy-iteration');
let at = 0, timer = null;
function show(k) {  // every run's chart to moment k
  at = k; slider.value = k; shown.textContent = 'iteration ' + %s[k];
  charts.forEach(c => Plotly.animate(c, [names[k]], {mode: 'immediate', frame: {duration: 0, redraw: true},
                                                      transition: {duration: 0}}));
}
function pause() { clearInterval(timer); timer = null; }
document.getElementById('gantoy-play').onclick = () => {
  if (timer) return;
  if (at >= names.length - 1) show(0);
  timer = setInterval(() => { if (at >= names.length - 1) pause(); else show(at + 1); }, %d);
};
document.getElementById('gantoy-pause').onclick = pause;
slider.oninput = () => { pause(); show(Number(slider.value)); };
"""


def side_by_side(runs, labels, titles, duration=150) -> str:
    """A self-contained HTML page (plotly.js inlined once) with one animated chart per run (``runs``: a list of
    figures for each run, one per moment, as ``animation`` takes them), side by side as the page's width
    allows, each headed by its title; one Play / Pause and one slider labelled ``labels`` move them together."""
    names = _names(labels)
    ids = [f"gantoy-run-{k}" for k in range(len(runs))]
    cells = []
    for k, (figs, title) in enumerate(zip(runs, titles)):
        chart = _animated(figs, names).to_html(full_html=False, include_plotlyjs=k == 0, div_id=ids[k],
                                               config={"responsive": True}, auto_play=False)
        cells.append(f'<div class="run"><h3>{escape(title)}</h3>{chart}</div>')
    js = _SIDE_BY_SIDE_JS % (json.dumps(names), json.dumps(ids), json.dumps(labels), duration)
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>gantoy comparison</title><style>"
            "body{font-family:sans-serif;margin:12px} .runs{display:grid;gap:8px;"
            "grid-template-columns:repeat(auto-fill,minmax(480px,1fr))} .run h3{margin:4px 0;font-weight:600}"
            "#gantoy-controls{display:flex;gap:8px;align-items:center;margin:8px 0} #gantoy-slider{flex:1}"
            "</style></head><body>"
            f'<div id="gantoy-controls"><button id="gantoy-play">Play</button><button id="gantoy-pause">Pause</button>'
            f'<input id="gantoy-slider" type="range" min="0" max="{len(names) - 1}" value="0">'
            f'<span id="gantoy-iteration">iteration {escape(labels[0])}</span></div>'
            f'<div class="runs">{"".join(cells)}</div><script>{js}</script></body></html>\n')

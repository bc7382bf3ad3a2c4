"""The mode-collapse lab's recorded moments as an animation: every seed's samples at each evaluation of a
study, a panel per seed with its modes circled (covered) or crossed (missed). GIF / MP4: drawn with matplotlib
(Agg) into one figure whose fixed parts are drawn once (blitting), encoded by render/animation's encoders;
HTML: the lab's own gallery chart (plane.gallery), one plotly frame per moment."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from gantoy.core.config import ConfigError
from gantoy.render import plane
from gantoy.render.animation import _mpl
from gantoy.render.plotlyanim import animation as plotly_animation
from gantoy.render.palette import GREEN, RED


def _study_grid(n: int, size) -> tuple:
    """(rows, cols) for n roughly square panels in a w x h picture, below a title line."""
    w, h = size
    cols = max(1, min(n, math.ceil(math.sqrt(n * w / max(h - 40, 1)))))
    return math.ceil(n / cols), cols


GIF_BINS = 60    # a 1-D panel's bars in the GIF / MP4 (the HTML gallery has its own, plane.HIST_BINS)


def _study_panel(ax, centers, dim, top, edges=None):
    """One seed's panel, fixed for the whole animation: its samples (green points; in 1-D a histogram over
    ``edges``, whose height ``top`` is its tallest bar over the moments) and the modes as circles (covered) or
    crosses."""
    lo, hi = plane.gallery_view(centers)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlim(lo[0], hi[0])
    empty = np.empty((0, 2))
    if dim == 2:
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal", adjustable="box")   # a ring looks round
        body = ax.scatter(empty[:, 0], empty[:, 1], s=1.5, c=GREEN, linewidths=0)
        y_mark = centers[:, 1]
    else:
        body = ax.stairs(np.zeros(len(edges) - 1), edges, fill=True, color=GREEN, alpha=0.8)
        ax.set_ylim(-0.14 * top, 1.05 * top)
        y_mark = np.full(len(centers), -0.07 * top)
    marks = np.stack([centers[:, 0], y_mark], 1)
    cov = ax.scatter(empty[:, 0], empty[:, 1], s=50, facecolors="none", edgecolors=GREEN, linewidths=1.3)
    miss = ax.scatter(empty[:, 0], empty[:, 1], s=36, marker="x", c=RED, linewidths=1.3)
    title = ax.set_title("", fontsize=8, pad=2)
    return SimpleNamespace(body=body, cov=cov, miss=miss, title=title, marks=marks, dim=dim,
                           edges=None if dim == 2 else edges, artists=[body, cov, miss, title])


def _study_hist(xs, edges):
    x = np.asarray(xs, dtype=np.float64)[:, 0]
    return np.histogram(x[np.isfinite(x)], bins=edges)[0]


def _draw_study_panel(p, xs, covered, label):
    if p.dim == 2:
        p.body.set_offsets(xs[np.isfinite(xs).all(1)])
    else:
        p.body.set_data(_study_hist(xs, p.edges))
    p.cov.set_offsets(p.marks[covered])
    p.miss.set_offsets(p.marks[~covered])
    p.title.set_text(f"{label}: {int(covered.sum())} of {len(covered)}")


def iter_study_frames(samples, counts, centers, min_count, iterations, labels, heading: str = "",
                      size=(800, 480), progress=None):
    """RGB arrays [h, w, 3], one per recorded moment of a mode-collapse study (lessons/collapse.py): a panel
    per seed with its samples and its modes circled green when covered, crossed red when missed (the rule of
    StudyResult.covered), titled with the seed's modes covered then; the figure's title gives the iteration.
    samples [T, seeds, P, dim] (dim 1 or 2); counts [T, seeds, modes]; min_count: a number or one per mode;
    labels: one per seed ("seed 3"). Drawn one at a time into one figure (the panels' frames once)."""
    samples, counts = np.asarray(samples), np.asarray(counts)
    if samples.ndim != 4 or len(samples) == 0:
        raise ConfigError("export: there are no recorded moments to draw (train a study first)")
    T, n, _, dim = samples.shape
    c = np.asarray(centers, dtype=np.float64).reshape(len(centers), -1)
    covered = counts >= np.asarray(min_count)
    Figure = _mpl()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    w, h = size
    fig = Figure(figsize=(w / 100, h / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    rows, cols = _study_grid(n, size)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=1 - 36 / h, wspace=0.06, hspace=0.3)
    tops, edges = [1.0] * n, None
    if dim == 1:   # each panel's height fixed over the animation: its tallest bar
        edges = plane.gallery_edges(c, GIF_BINS)
        tops = [max(1, max(_study_hist(samples[t, i], edges).max() for t in range(T))) for i in range(n)]
    panels = [_study_panel(fig.add_subplot(rows, cols, i + 1), c, dim, tops[i], edges) for i in range(n)]
    title = fig.suptitle("", fontsize=11)
    moving = [title] + [a for p in panels for a in p.artists]
    for a in moving:
        a.set_animated(True)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    for t in range(T):
        for i, p in enumerate(panels):
            _draw_study_panel(p, samples[t, i], covered[t, i], labels[i])
        every = int(covered[t].all(1).sum())
        title.set_text(f"{heading}iteration {iterations[t]} · seeds covering all {c.shape[0]} modes: {every} of {n}")
        canvas.restore_region(background)
        for a in moving:
            fig.draw_artist(a)
        yield np.asarray(canvas.buffer_rgba())[..., :3].copy()
        if progress is not None:
            progress(t + 1, T)


def study_html(samples, counts, centers, min_count, iterations, labels, heading: str = "") -> str:
    """The same moments as iter_study_frames as a self-contained interactive HTML page: the lab's gallery (each
    seed's samples, its modes covered or missed) with a play button and an iteration slider."""
    samples, counts = np.asarray(samples), np.asarray(counts)
    if samples.ndim != 4 or len(samples) == 0:
        raise ConfigError("export: there are no recorded moments to draw (train a study first)")
    c = np.asarray(centers, dtype=np.float64).reshape(len(centers), -1)
    covered = counts >= np.asarray(min_count)
    figs = []
    if c.shape[1] == 1:   # each seed's histogram axis as tall as its tallest bar over the moments (not the first's)
        edges = plane.gallery_edges(c)
        tops = [max(1, max(_study_hist(samples[t, i], edges).max() for t in range(len(samples))))
                for i in range(samples.shape[1])]
    for t in range(len(samples)):
        titles = [f"{lab}: {int(cv.sum())} of {len(c)}" for lab, cv in zip(labels, covered[t])]
        fig = plane.gallery(samples[t], c, titles, counts=counts[t], min_count=min_count, fixed_traces=True)
        if c.shape[1] == 1:
            for i, top in enumerate(tops):
                fig.layout["yaxis" + (str(i + 1) if i else "")].range = [0, 1.05 * top]
        every = int(covered[t].all(1).sum())
        fig.update_layout(title=dict(text=f"{heading}iteration {iterations[t]} · seeds covering all {len(c)} modes: "
                                          f"{every} of {len(labels)}", font=dict(size=14)), margin=dict(t=60))
        figs.append(fig)
    return plotly_animation(figs, [str(i) for i in iterations])

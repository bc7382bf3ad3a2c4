"""The conditional lab's recorded moments as an animation: at each moment the data (grey) and the generator's
samples (green) of the joint (x, y) — fork — or of y coloured by class — classes —, axes fixed over the whole
animation so nothing jumps. GIF / MP4: drawn with matplotlib (Agg), encoded by render/animation's encoders;
HTML: the lab's own chart (theory.cond_joint), one plotly frame per moment."""
from __future__ import annotations

import numpy as np

from gantoy.core.config import ConfigError
from gantoy.render import animation, plotlyanim
from gantoy.render.animation import _mpl
from gantoy.render.palette import GREEN, GREY
from gantoy.render.theory import PALETTE, cond_joint   # the live chart and its classes' colours

FORMATS = ("GIF", "MP4", "HTML")
FPS = 4


def images(moments, truth, title: str, size=(720, 432), progress=None):
    """RGB arrays [h, w, 3], one per moment, drawn as they are asked for. ``moments``: (iteration, conditions,
    generated y) in order; ``truth``: (conditions, y) drawn from the toy; ``progress(k)`` after the k-th."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    Figure = _mpl()
    w, h = size
    fig = Figure(figsize=(w / 100, h / 100), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    ct, yt = truth
    fork = np.asarray(yt).shape[1] == 1
    (x_of, y_of) = ((lambda c, y: c[:, 0]), (lambda c, y: y[:, 0])) if fork else \
        ((lambda c, y: y[:, 0]), (lambda c, y: y[:, 1]))
    lo_x, hi_x = np.percentile(x_of(ct, yt), [0.5, 99.5])
    lo_y, hi_y = np.percentile(y_of(ct, yt), [0.5, 99.5])
    pad_x, pad_y = 0.25 * (hi_x - lo_x), 0.25 * (hi_y - lo_y)
    for k, (it, c, y) in enumerate(moments, 1):
        ax.clear()
        ax.scatter(x_of(ct, yt), y_of(ct, yt), s=3, c=GREY, alpha=0.35, linewidths=0, label="data")
        colours = GREEN if fork else [PALETTE[k % len(PALETTE)] for k in np.asarray(c).argmax(1)]
        ax.scatter(x_of(c, y), y_of(c, y), s=4, c=colours, alpha=0.6, linewidths=0, label="generated")
        ax.set_xlim(lo_x - pad_x, hi_x + pad_x)
        ax.set_ylim(lo_y - pad_y, hi_y + pad_y)
        ax.set_xlabel("condition x" if fork else "y₁")
        ax.set_ylabel("y" if fork else "y₂")
        ax.set_title(f"{title} — iteration {it}", fontsize=11)
        ax.legend(loc="upper left", fontsize=8, markerscale=3)
        fig.canvas.draw()
        yield np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
        if progress is not None:
            progress(k)


def html(moments, truth, title: str) -> str:
    """The moments as a self-contained interactive HTML page: the lab's chart with a play button and an
    iteration slider (axes fixed as in ``images``)."""
    ct, yt = truth
    figs, labels = [], []
    for it, c, y in moments:
        fig = cond_joint(ct, yt, c, y)
        if np.asarray(yt).shape[1] == 1:   # the fork's axes fixed over the animation (the classes' are fixed)
            pad = [(lo - 0.25 * (hi - lo), hi + 0.25 * (hi - lo))
                   for lo, hi in (np.percentile(v, [0.5, 99.5]) for v in (ct[:, 0], yt[:, 0]))]
            fig.update_xaxes(range=list(pad[0]))
            fig.update_yaxes(range=list(pad[1]))
        fig.update_layout(title=dict(text=f"{title} — iteration {it}", font=dict(size=14)))
        figs.append(fig)
        labels.append(str(it))
    return plotlyanim.animation(figs, labels)


def export(moments, truth, title: str, fmt: str, count: int, progress=None) -> bytes:
    """The moments (``count`` of them) as a file of format ``fmt`` (one of FORMATS); ``progress(fraction, text)``."""
    if fmt not in FORMATS:
        raise ConfigError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    tick = None if progress is None else (lambda k: progress(k / max(count, 1), f"moment {k} of {count}"))
    if fmt == "HTML":
        return html(moments, truth, title).encode()
    frames = images(moments, truth, title, progress=tick)
    return animation.encode_gif(frames, FPS) if fmt == "GIF" else animation.encode_mp4(frames, FPS)

"""The conditional lab's recorded moments as an animation (GIF / MP4): at each moment the data (grey) and the
generator's samples (green) of the joint (x, y) — fork — or of y coloured by class — classes —, axes fixed over
the whole animation so nothing jumps. Drawn with matplotlib (Agg), encoded by render/animation's encoders."""
from __future__ import annotations

import numpy as np

from gantoy.render.animation import _mpl
from gantoy.render.palette import GREEN, GREY
from gantoy.render.theory import PALETTE   # the classes' colours of the live chart


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

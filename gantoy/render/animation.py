"""Animations of recorded frames: GIF / MP4 (matplotlib Agg frames written with imageio and imageio-ffmpeg)
and a self-contained interactive HTML animation (plotly frames with a play button and a slider; render/plotlyanim.py;
an ensemble's runs side by side, moved by one slider).

Frames are ``measure.snapshot.frame`` dicts (a lab's frame History, or ``measure.record.record`` for a
headless run). The 1-D picture is drawn as Figure 1 of Goodfellow et al. (2014): p_data black dotted, p_g
green, D blue dashed, D* thin grey, the noise line below with arrows x = G(z); the 2-D picture as the
playground: D as a heatmap (red = fake, blue = real) with data (black) and generated samples (green).
Axes are fixed over the whole animation so nothing jumps. ``panels``: "main" (the picture) and/or
"metrics" (JS and W1 up to the frame's iteration). The mode-collapse lab's moments: render/studyanim.py; the
conditional lab's: render/condanim.py.
"""
from __future__ import annotations

import io
import math
from types import SimpleNamespace

import numpy as np

from gantoy.core.config import ConfigError
from gantoy.render import figures, plane, plotlyanim
from gantoy.render.palette import BLACK, BLUE, GREEN, GREY


def _mpl():
    import imageio_ffmpeg
    import matplotlib

    matplotlib.use("Agg", force=False)
    # matplotlib's own ffmpeg writers use the binary that imageio-ffmpeg ships (no system ffmpeg needed)
    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    from matplotlib.figure import Figure

    return Figure


# ---- matplotlib renderer ---------------------------------------------------------------------------
class _Renderer:
    """Draws frames into one reusable Agg figure (artists updated in place: much faster than a new
    figure per frame) and returns RGB arrays of exactly ``size`` pixels."""

    def __init__(self, frames, size, panels, noise, label=None):
        Figure = _mpl()
        self.size, self.frames, self.noise, self.label = size, frames, noise, label
        w, h = size
        self.fig = Figure(figsize=(w / 100, h / 100), dpi=100)
        self.panels = panels
        self.dim = frames[0]["dim"]
        main = "main" in panels
        met = "metrics" in panels
        if main and met:
            gs = self.fig.add_gridspec(1, 2, width_ratios=[2, 1], wspace=0.28)
            self.ax, self.axm = self.fig.add_subplot(gs[0]), self.fig.add_subplot(gs[1])
        elif main:
            self.ax, self.axm = self.fig.add_subplot(111), None
        else:
            self.ax, self.axm = None, self.fig.add_subplot(111)
        self.fig.subplots_adjust(left=0.08, right=0.97, top=0.9, bottom=0.12)
        if self.ax is not None:
            (self._init_1d if self.dim == 1 else self._init_2d)()
        if self.axm is not None:
            self._init_metrics()
        self.title = self.fig.suptitle("", fontsize=10 if size[0] >= 600 else 8 if size[0] >= 350 else 6)
        self._bg = None

    def _animated(self):
        """The artists that change from frame to frame (everything else is drawn once and blitted)."""
        out = [self.title]
        if self.ax is not None:
            if self.dim == 1:
                out += [self.l_pd, self.l_pg, self.l_d, self.arrows, self.t_out] + (
                    [self.l_ds] if self.l_ds is not None else [])
            else:
                out += [self.img, self.s_real, self.s_fake]
        if self.axm is not None:
            out += [line for line, _ in self.m_lines.values()]
        # legends last, so the changing artists never cover them
        out += [ax.get_legend() for ax in (self.ax, self.axm) if ax is not None and ax.get_legend() is not None]
        return out

    # 1-D: Figure 1 of Goodfellow et al.
    def _init_1d(self):
        f0, ax = self.frames[0], self.ax
        x = f0["x"]
        ymax = max(float(np.nanmax(f["p_data"])) for f in self.frames)
        ymax = max(ymax, min(3 * ymax, max(float(np.nanmax(f["p_g"])) for f in self.frames)))
        self.lo, self.hi = float(x[0]), float(x[-1])
        prob = f0["d_prob"]
        dvals = np.concatenate([np.ravel(f["d"]) for f in self.frames])
        dlo, dhi = (0.0, 1.0) if prob else (float(np.nanmin(dvals)), float(np.nanmax(dvals)))
        # D shares the density axis as in the paper: map D's range onto [0, ymax]
        self.dmap = (lambda d: (np.asarray(d) - dlo) / max(dhi - dlo, 1e-12) * ymax)
        self.top = 1.55 * ymax  # room below for the z -> x arrows
        self.l_pd, = ax.plot(x, f0["p_data"], color=BLACK, ls=":", lw=2, label="p_data")
        self.l_pg, = ax.plot(x, f0["p_g"], color=GREEN, lw=2, label="p_g")
        self.l_d, = ax.plot(x, self.dmap(f0["d"]), color=BLUE, ls="--", lw=2, label="D(x)" if prob else f0["d_label"])
        self.l_ds = None
        if f0["d_star"] is not None:
            self.l_ds, = ax.plot(x, self.dmap(f0["d_star"]), color=GREY, lw=1, label="D*(x)")
        self.y_x, self.y_z = -0.15 * ymax, -0.5 * ymax
        ax.hlines([self.y_x, self.y_z], self.lo, self.hi, color=BLACK, lw=1)
        self.arrows = ax.quiver(np.zeros(len(f0["z"])), np.zeros(len(f0["z"])), np.zeros(len(f0["z"])),
                                np.zeros(len(f0["z"])), angles="xy", scale_units="xy", scale=1, width=0.002,
                                color=BLACK)
        ax.set_xlim(self.lo, self.hi)
        ax.set_ylim(self.y_z - 0.1 * ymax, self.top)
        ax.set_yticks([])
        ax.text(self.lo, self.y_x + 0.03 * ymax, "x", fontsize=9)
        ax.text(self.lo, self.y_z + 0.03 * ymax, "z", fontsize=9)
        # p_g beyond the x range, said as the live chart says it (figures.off_chart_note): in the band between the
        # figure's title and the axes, where neither the legend (inside the axes) nor a tall p_g reaches
        pos = ax.get_position()
        self.t_out = self.fig.text(0.5 * (pos.x0 + pos.x1), pos.y1 + 0.005, "", color=GREEN, ha="center",
                                   va="bottom", fontsize=9 if self.size[0] >= 600 else 7 if self.size[0] >= 350 else 5)
        narrow = self.size[0] < 600       # one run's panel of a comparison: the legend in two columns
        ax.legend(loc="upper right", fontsize=7 if narrow else 8, frameon=False, ncol=2 if narrow else 4)
        for s in ("top", "right", "left"):
            ax.spines[s].set_visible(False)

    def _draw_1d(self, f):
        self.l_pd.set_ydata(f["p_data"])
        self.l_pg.set_ydata(f["p_g"])
        self.l_d.set_ydata(self.dmap(f["d"]))
        if self.l_ds is not None and f["d_star"] is not None:
            self.l_ds.set_ydata(self.dmap(f["d_star"]))
        from scipy import special

        u = np.asarray(f["z"], dtype=np.float64) if self.noise == "uniform" else special.ndtr(f["z"])
        zpos = self.lo + (self.hi - self.lo) * (0.1 + 0.8 * u)
        gz = np.clip(np.asarray(f["gz"], dtype=np.float64), self.lo, self.hi)
        self.arrows.set_offsets(np.stack([zpos, np.full_like(zpos, self.y_z)], 1))
        self.arrows.set_UVC(gz - zpos, np.full_like(zpos, self.y_x - self.y_z))
        self.t_out.set_text(figures.off_chart_note((f.get("metrics") or {}).get("mass_outside", 0.0), f["gz"],
                                                   self.lo, self.hi))

    # 2-D: the playground
    def _init_2d(self):
        f0, ax = self.frames[0], self.ax
        cx, cy = f0["x"]
        prob = f0["d_prob"]
        ext = [float(cx[0]), float(cx[-1]), float(cy[0]), float(cy[-1])]
        dv = np.concatenate([np.ravel(f["d"]) for f in self.frames])
        lim = (0, 1) if prob else (float(np.nanmin(dv)), float(np.nanmax(dv)))
        self.img = ax.imshow(f0["d"].T, origin="lower", extent=ext, cmap="RdBu", vmin=lim[0], vmax=lim[1],
                             alpha=0.55, aspect="equal", interpolation="nearest")
        self.s_real = ax.scatter(f0["real"][:, 0], f0["real"][:, 1], s=2, c=BLACK, label="data")
        self.s_fake = ax.scatter(f0["fake"][:, 0], f0["fake"][:, 1], s=2, c=GREEN, label="generated")
        ax.set_xlim(ext[0], ext[1])
        ax.set_ylim(ext[2], ext[3])
        narrow = self.size[0] < 350      # a panel of a comparison of four or more runs: a smaller legend
        ax.legend(loc="upper right", fontsize=6 if narrow else 8, markerscale=2 if narrow else 3,
                  framealpha=0.6 if narrow else None)

    def _draw_2d(self, f):
        self.img.set_data(f["d"].T)
        self.s_real.set_offsets(f["real"])
        self.s_fake.set_offsets(f["fake"])

    # metrics
    def _init_metrics(self):
        ax = self.axm
        its = np.array([f["iteration"] for f in self.frames], dtype=float)
        self.m_lines = {}
        for key, color, name in (("js", BLACK, "JS"), ("w1", BLUE, "W1")):
            vals = np.array([f["metrics"].get(key, np.nan) for f in self.frames], dtype=float)
            vals[~np.isfinite(vals) | (vals <= 0)] = np.nan
            self.m_lines[key] = (ax.plot([], [], color=color, lw=1.5, label=name)[0], vals)
        allv = np.concatenate([v for _, v in self.m_lines.values()])
        if np.isfinite(allv).any():
            ax.set_yscale("log")
            ax.set_ylim(np.nanmin(allv) / 2, np.nanmax(allv) * 2)
        ax.set_xlim(its[0], max(its[-1], its[0] + 1))
        ax.set_xlabel("iteration", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=8, frameon=False)
        self.its = its

    def _draw_metrics(self, i):
        for line, vals in self.m_lines.values():
            line.set_data(self.its[: i + 1], vals[: i + 1])

    def render(self, i) -> np.ndarray:
        f = self.frames[i]
        if self.ax is not None:
            (self._draw_1d if self.dim == 1 else self._draw_2d)(f)
        if self.axm is not None:
            self._draw_metrics(i)
        m = f["metrics"]
        parts = ([self.label] if self.label else []) + [f"iteration {f['iteration']}"]
        parts += [f["objective"]] if f["objective"] != self.label else []
        if math.isfinite(m.get("js", math.nan)):
            parts.append(f"JS {m['js']:.4f}")
        if "modes" in m:
            parts.append(f"modes {m['modes']}")
        self.title.set_text(" · ".join(parts))
        canvas = self.fig.canvas
        if self._bg is None:
            # draw the static parts (axes, ticks, legends, the x and z lines) once; axes limits are fixed
            # over the animation, so each frame only restores them and draws the changing artists
            arts = self._animated()
            for a in arts:
                a.set_animated(True)
            canvas.draw()
            self._bg = canvas.copy_from_bbox(self.fig.bbox)
        canvas.restore_region(self._bg)
        for a in self._animated():
            self.fig.draw_artist(a)
        return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def grid(k: int) -> tuple:
    """(rows, columns) of k runs' panels: side by side up to 3, then two rows."""
    cols = k if k <= 3 else math.ceil(k / 2)
    return math.ceil(k / cols), cols


def _runs(frames) -> list:
    """Each run's frames: an ensemble's (measure.snapshot.ensemble_frame: run 0's frame, the others under "runs")
    split into one list per run; a single run's as they are."""
    return [frames] + [[f["runs"][r] for f in frames] for r in range(len(frames[0].get("runs", [])))]


def iter_frames(frames, size=(800, 480), panels=("main",), noise="normal", progress=None, labels=None):
    """RGB arrays [h, w, 3], one per frame, drawn as they are requested (so an encoder in another
    process can work while the next frame is drawn). An ensemble's frames (measure.snapshot.ensemble_frame,
    the compare lab's) draw every run, each in its own panel of the picture, titled by ``labels``."""
    if not frames:
        raise ConfigError("export: there are no frames to export yet (train first)")
    if not isinstance(frames[0], dict):
        raise TypeError("frames: expected frame dicts (measure.snapshot.frame)")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    runs = _runs(frames)
    rows, cols = grid(len(runs))
    w, h = size
    cw, ch = w // cols, h // rows
    rs = [_Renderer(fr, (cw, ch), panels, noise,   # (one run: grid(1) is one cell, the whole size)
                    labels[k] if labels and k < len(labels) and len(runs) > 1 else None) for k, fr in enumerate(runs)]
    for r in rs:
        FigureCanvasAgg(r.fig)
    for i in range(len(frames)):
        if len(rs) == 1:
            yield rs[0].render(i)
        else:
            img = np.full((h, w, 3), 255, dtype=np.uint8)    # a side that does not divide evenly: white margin
            for k, r in enumerate(rs):
                y, x = divmod(k, cols)
                img[y * ch:(y + 1) * ch, x * cw:(x + 1) * cw] = r.render(i)
            yield img
        if progress is not None:
            progress(i + 1, len(frames))


def render_frames(frames, size=(800, 480), panels=("main",), noise="normal", progress=None, labels=None):
    """RGB arrays [h, w, 3] for every frame."""
    return list(iter_frames(frames, size, panels, noise, progress, labels))


def encode_gif(imgs, fps) -> bytes:
    """RGB arrays [h, w, 3] as a looping GIF (every frame kept: no optimisation that merges frames)."""
    import imageio.v3 as iio

    buf = io.BytesIO()
    iio.imwrite(buf, np.stack(list(imgs)), extension=".gif", duration=int(round(1000 / fps)), loop=0, optimize=False)
    return buf.getvalue()


def encode_mp4(imgs, fps) -> bytes:
    """RGB arrays [h, w, 3] (sides multiples of 16, the codec's block) as H.264 MP4 through imageio-ffmpeg; the
    arrays may come from a generator, so ffmpeg encodes while the next one is drawn."""
    import os
    import tempfile

    import imageio.v2 as iio2

    fd, path = tempfile.mkstemp(suffix=".mp4")
    os.close(fd)
    try:
        with iio2.get_writer(path, format="FFMPEG", mode="I", fps=fps, codec="libx264", quality=7,
                             pixelformat="yuv420p", macro_block_size=16, ffmpeg_log_level="error") as wr:
            for im in imgs:
                wr.append_data(im)
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


def to_gif(frames, fps=10, size=(800, 480), panels=("main",), noise="normal", progress=None, labels=None) -> bytes:
    return encode_gif(render_frames(frames, size, panels, noise, progress, labels), fps)


def to_mp4(frames, fps=10, size=(800, 480), panels=("main",), noise="normal", progress=None, labels=None) -> bytes:
    """H.264 MP4. Sides are rounded down to multiples of 16 (the codec's block)."""
    w, h = (max(64, int(s) // 16 * 16) for s in size)
    return encode_mp4(iter_frames(frames, (w, h), panels, noise, progress, labels), fps)


def to_html(frames, noise="normal", height=560, labels=None) -> str:
    """A self-contained HTML page (plotly.js inlined): the lab's figure with one plotly frame per
    recorded moment, a play button and an iteration slider. An ensemble's frames (the compare lab's) show every
    run, each in its own chart headed by its label in ``labels``, all moved by one play button and slider."""
    if not frames:
        raise ConfigError("export: there are no frames to export yet (train first)")

    def fig_of(f, h):
        snap = SimpleNamespace(**{**f, "d_star": f["d_star"], "floors": {}})
        if f["dim"] == 1:
            return figures.figure1(snap, noise=noise, height=h)
        return plane.playground(snap, view="samples", height=h, n_points=len(f["fake"]))

    runs = _runs(frames)
    its = [str(f["iteration"]) for f in frames]
    if len(runs) == 1:
        return plotlyanim.animation([fig_of(f, height) for f in frames], its, height)
    titles = [labels[k] if labels and k < len(labels) else f"run {k + 1}" for k in range(len(runs))]
    return plotlyanim.side_by_side([[fig_of(f, height * 3 // 4) for f in run] for run in runs], its, titles)

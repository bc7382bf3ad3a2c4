"""The Export section every training lab has: pick a format, Prepare (made on demand, with a progress bar,
through the same dispatch as ``gantoy export``: render/export.make), then download."""
from __future__ import annotations

import weakref

import streamlit as st

from gantoy.core.config import ConfigError
from gantoy.core.history import moment
from gantoy.measure.record import MAX_FRAMES
from gantoy.render import export

LABELS = {"gif": "GIF animation", "mp4": "MP4 video", "html": "Interactive HTML (plotly)",
          "csv": "Metrics (CSV)", "json": "Run configuration (JSON)"}


def export_panel(lab, rows=None, cfg_json=None, formats=export.FORMATS, name=None, labels=None):
    """Animations use the lab's recorded frames (lab.frames); ``rows`` (default: the lab's metric history)
    feed the CSV; ``cfg_json`` (default: the lab's config) the JSON."""
    name = name or lab.name
    with st.expander("Export", expanded=False):
        fmt = st.selectbox("Format", list(formats), format_func=LABELS.get, key=f"exp:{name}:fmt")
        anim = fmt in ("gif", "mp4")
        c = st.columns(4)
        n = c[0].number_input("Frames (at most)", 1, MAX_FRAMES, 100, key=f"exp:{name}:frames",
                              disabled=fmt not in export.ANIMATIONS)
        fps = c[1].number_input("fps", 1, 60, 10, key=f"exp:{name}:fps", disabled=not anim)
        w = c[2].number_input("width (px)", 160, 1600, 800, step=16, key=f"exp:{name}:w", disabled=not anim)
        h = c[3].number_input("height (px)", 160, 1200, 480, step=16, key=f"exp:{name}:h", disabled=not anim)
        panels = st.multiselect("Panels", list(export.PANELS), default=["main"], key=f"exp:{name}:panels",
                                disabled=not anim)
        its = [f["iteration"] for f in lab.frames.rows] or [0]
        st.caption(f"{len(lab.frames)} frames recorded so far (iterations {its[0]}–{its[-1]}); older frames are "
                   "thinned so a long run keeps its whole span.")
        lo, hi = its[0], its[-1]
        if len(set(its)) > 1:   # "Export this range": the animation and the CSV of [from, to] only
            lo, hi = st.select_slider("Range (iterations)", options=sorted(set(its)), value=(its[0], its[-1]),
                                      key=f"exp:{name}:range:{its[0]}:{its[-1]}:{len(its)}",
                                      help="export only the moments from … to …", disabled=fmt == "json")
        frames = [f for f in lab.frames.rows if lo <= f["iteration"] <= hi]
        table = [r for r in (rows if rows is not None else lab.history.rows) if lo <= r["iteration"] <= hi]
        out_key = f"exp:{name}:data"
        # what a file is made of: a file made of other choices, or of a run since reset, is not offered (after a
        # switch to GIF, "Download MP4" stayed and gave the MP4). Only the options that shape this format's file
        # count; the record's last moment tells a run continued from a rewound moment from the one it replaced
        shape = ((int(n), fps, w, h, tuple(sorted(panels))) if anim else (int(n),) if fmt == "html" else ())
        last = moment(lab.frames.rows[-1]) if lab.frames.rows else None
        picked = (fmt, shape, lo, hi, last)
        if st.button("Prepare", key=f"exp:{name}:go"):
            bar = st.progress(0.0, text="drawing frames")
            try:
                data = export.make(fmt, frames=export.pick(frames, int(n)), rows=table,
                                   cfg_json=cfg_json if cfg_json is not None else lab.cfg.to_json(),
                                   fps=fps, size=(w, h), panels=tuple(panels), noise=lab.cfg.model.noise,
                                   progress=lambda i, k: bar.progress(i / k, text=f"frame {i} of {k}"),
                                   labels=labels)
                st.session_state[out_key] = (fmt, data)
                st.session_state[out_key + ":of"] = (weakref.ref(lab.frames), picked)
                bar.progress(1.0, text=f"ready: {len(data) / 1e6:.2f} MB")
            except ConfigError as e:
                bar.empty()
                st.error(f"Not exported: {e}")
        ready, of = st.session_state.get(out_key), st.session_state.get(out_key + ":of")
        if ready is not None and of is not None and of[0]() is lab.frames and of[1] == picked:
            f, data = ready
            st.download_button(f"Download {f.upper()}", data, file_name=f"gantoy-{name}.{f}", mime=export.MIME[f],
                               key=f"exp:{name}:dl")
        elif ready is not None:
            st.caption(f"The {ready[0].upper()} prepared before was made with other choices or of an earlier run: "
                       "Prepare makes the file of these.")

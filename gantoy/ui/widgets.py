"""Shared Streamlit widgets: the hyperparameter sidebar, the training controls, the metrics panel,
and validated data editors (mixture table, point table, CSV upload)."""
from __future__ import annotations

import io
import math

import numpy as np
import streamlit as st

from gantoy import objectives, presets
from gantoy.config import ACTIVATIONS, NOISES, OPTIMIZERS, ConfigError
from gantoy.ui.lab import FRAME_INTERVAL, HISTORY_INTERVAL, Lab, first_press

LRS = [1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1.0]
BATCHES = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]
WIDTHS = [1, 2, 4, 8, 16, 32, 64, 128, 256]
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_POINTS = 100_000


def _options_with(values, current):
    return sorted(set(values) | {current})


def _sync(lab: Lab, prefix: str, values: dict):
    """Write config values into widget state when the config changed programmatically (reset,
    preset, link), so the widgets show what the trainer runs."""
    vkey = f"{prefix}:version"
    if st.session_state.get(vkey) != lab.version:
        for k, v in values.items():
            st.session_state[f"{prefix}:{k}"] = v
        st.session_state[vkey] = lab.version


def lesson_picker(lab: Lab, page: str, key: str, options: dict, default: str) -> str:
    """The sidebar's data radio: each choice except "custom" loads the preset of that name; a lesson
    card on the home page (session_state["load_preset:<page>"]) preselects one. Returns the choice."""
    if (p := st.session_state.pop(f"load_preset:{page}", None)) is not None:
        lab.reset(presets.get(p))
        st.session_state[key] = p
    st.session_state.setdefault(key, default)
    choice = st.sidebar.radio("Data", list(options), format_func=options.get, key=key)
    loaded = f"{key}:loaded"
    if choice != "custom" and st.session_state.get(loaded) != choice:
        if st.session_state.get(loaded) is not None:
            lab.reset(presets.get(choice))
        st.session_state[loaded] = choice
    if choice == "custom":
        st.session_state[loaded] = "custom"
    return choice


def hyperparameter_sidebar(lab: Lab):
    """Objective and training hyperparameters in the sidebar -> lab.propose(new config). The widgets
    show the pending configuration when a structural change waits for its reset."""
    c = lab.pending or lab.cfg
    p = f"hp:{lab.name}"
    obj_ids = objectives.names()
    values = {
        "objective.id": c.objective.id, "train.k": c.train.k, "train.g_steps": c.train.g_steps,
        "train.optimizer": c.train.optimizer, "train.lr_d": c.train.lr_d, "train.lr_g": c.train.lr_g,
        "train.batch_size": c.train.batch_size, "model.hidden": c.model.hidden, "model.depth": c.model.depth,
        "model.activation": c.model.activation, "model.z_dim": c.model.z_dim, "model.noise": c.model.noise,
        "train.seed": c.train.seed,
    }
    _sync(lab, p, values)
    sb = st.sidebar
    sb.header("Hyperparameters")
    oid = sb.selectbox("Objective", obj_ids, key=f"{p}:objective.id",
                       format_func=lambda i: f"{i} — {objectives.get(i).name}")
    obj = objectives.get(oid)
    params = {}
    for name, default in obj.params.items():
        cur = c.objective.params.get(name, default) if c.objective.id == oid else default
        if isinstance(default, bool):
            params[name] = sb.checkbox(f"{name}", value=bool(cur), key=f"{p}:param:{oid}:{name}")
        else:
            params[name] = sb.number_input(f"{name}", value=float(cur), key=f"{p}:param:{oid}:{name}",
                                           format="%.4g")
    col1, col2 = sb.columns(2)
    k = col1.number_input("k (D steps)", 0, 20, key=f"{p}:train.k")
    g_steps = col2.number_input("G steps", 0, 20, key=f"{p}:train.g_steps")
    opt = sb.selectbox("Optimizer", OPTIMIZERS, key=f"{p}:train.optimizer")
    lr_d = sb.select_slider("lr D", _options_with(LRS, c.train.lr_d), key=f"{p}:train.lr_d",
                            format_func=lambda v: f"{v:g}")
    lr_g = sb.select_slider("lr G", _options_with(LRS, c.train.lr_g), key=f"{p}:train.lr_g",
                            format_func=lambda v: f"{v:g}")
    batch = sb.select_slider("Batch size", _options_with(BATCHES, c.train.batch_size), key=f"{p}:train.batch_size")
    sb.subheader("Networks")
    hidden = sb.select_slider("Width", _options_with(WIDTHS, c.model.hidden), key=f"{p}:model.hidden")
    depth = sb.slider("Depth (hidden layers)", 0, 4, key=f"{p}:model.depth")
    act = sb.selectbox("Activation", list(ACTIVATIONS), key=f"{p}:model.activation")
    zdim = sb.number_input("z dim", 1, 16, key=f"{p}:model.z_dim", disabled=c.dim == 1,
                           help="1-D data: z dim is 1 (p_g is the exact push-forward of 1-D noise)" if c.dim == 1 else None)
    noise = sb.selectbox("Noise p(z)", NOISES, key=f"{p}:model.noise")
    seed = sb.number_input("Seed", 0, 2**31 - 1, key=f"{p}:train.seed")
    sets = {"objective.id": oid, "train.k": int(k), "train.g_steps": int(g_steps), "train.optimizer": opt,
            "train.lr_d": float(lr_d), "train.lr_g": float(lr_g), "train.batch_size": int(batch),
            "model.hidden": int(hidden), "model.depth": int(depth), "model.activation": act,
            "model.z_dim": int(zdim), "model.noise": noise, "train.seed": int(seed)}
    if oid != c.objective.id:  # another game: start from its recommended settings, shown in the widgets
        try:
            lab.propose(presets.with_objective(c, oid))
        except ConfigError as e:
            sb.error(f"Not applied: {e}")
            return
        lab.version += 1
        st.rerun()
    try:
        new = c.copy()
        # the sidebar's parameters replace the spelled-out ones; optional ones it does not show (r1, set by
        # a link or a config file) are kept
        new.objective.params = {k: v for k, v in c.objective.params.items() if k in objectives.get(oid).options}
        new = new.with_sets(sets)
        if params:
            new = new.with_sets({f"objective.params.{n}": v for n, v in params.items()})
    except ConfigError as e:
        sb.error(f"Not applied: {e}")
        return
    lab.propose(new)
    sb.caption(objectives.get(oid).note)


def pending_notice(lab: Lab):
    """Structural changes wait for a reset: say so, with a button."""
    if lab.pending is None:
        return
    diff = _diff(lab.cfg, lab.pending)
    col1, col2 = st.columns([4, 1])
    col1.warning("Changed: " + ", ".join(diff) + ". These need new networks: apply them and reset the run.")
    if col2.button("Apply and reset", key=f"apply:{lab.name}", type="primary"):
        lab.reset(lab.pending)
        st.rerun()


def _diff(a, b):
    from gantoy.links import flat_keys

    da, db = flat_keys(a.to_dict()), flat_keys(b.to_dict())
    return [f"{k}: {da.get(k)} → {db.get(k)}" for k in sorted(set(da) | set(db)) if da.get(k) != db.get(k)][:6]


def controls(lab: Lab, extra=None):
    """Train/Pause, Step, Step D, Step G, Reset, speed; ``extra``: a second row of (label, callback, help).
    Callbacks (on_click) change the state before the page redraws, so labels are always current."""
    def toggle():
        if not first_press(f"run:{lab.name}"):
            return
        lab.running = not lab.running and not lab.trainer.paused
        lab.target = None

    cols = st.columns(5)
    cols[0].button("Pause" if lab.running else "Train", key=f"run:{lab.name}", type="primary", width="stretch",
                   on_click=toggle)
    cols[1].button("Step", key=f"step:{lab.name}", help="one iteration of Algorithm 1 (k D steps, then G)",
                   width="stretch", on_click=lambda: lab.trainer.step(1))
    cols[2].button("Step D", key=f"stepd:{lab.name}", help="one discriminator update, G fixed", width="stretch",
                   on_click=lambda: lab.trainer.step_d(1))
    cols[3].button("Step G", key=f"stepg:{lab.name}", help="one generator update, D fixed", width="stretch",
                   on_click=lambda: lab.trainer.step_g(1))
    cols[4].button("Reset", key=f"reset:{lab.name}", help="new networks from the seed", width="stretch",
                   on_click=lab.reset)
    if extra:
        cols = st.columns(len(extra))
        for i, (lbl, fn, hlp) in enumerate(extra):
            cols[i].button(lbl, key=f"x{i}:{lab.name}", help=hlp, width="stretch", on_click=fn)
    with st.expander("Speed", expanded=False):
        choices = [1, 2, 5, 10, 20, 50, 100, 200]
        lab.steps_per_frame = st.select_slider(
            "Iterations per frame, at most (1 = slow motion; fewer when the frame's time budget is spent)",
            choices, value=lab.steps_per_frame if lab.steps_per_frame in choices else 20, key=f"spf:{lab.name}")


def status_banner(lab: Lab):
    t = lab.trainer
    if t.paused:
        col1, col2 = st.columns([4, 1])
        col1.error(t.status["message"])
        if col2.button("Reset to last good", key=f"lastgood:{lab.name}"):
            t.reset_to_last_good()
            st.rerun()


def fmt(v):
    if isinstance(v, float):
        if math.isinf(v):
            return "∞"
        if math.isnan(v):
            return "—"
        return f"{v:.4f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2e}"
    return str(v)


def counters(lab: Lab, snap):
    st.caption(f"iteration **{snap.iteration}** · D updates {snap.d_updates} · G updates {snap.g_updates}"
               + (f" · {lab.redraw_rate():.1f} redraws/s" if lab.running else "")
               + schedule_note(lab))


def schedule_note(lab: Lab) -> str:
    """Said once a decaying schedule has brought the learning rates to 0: from there on the counter still
    climbs but the pictures cannot change (Figure 1's preset anneals to 0 over its 2000 iterations), and
    a student should not wait for something to happen."""
    t = lab.cfg.train
    if t.schedule == "constant" or lab.trainer.iteration < t.steps or lab.trainer.lr_scale() > 0:
        return ""
    return (f" · the {t.schedule} schedule brought the learning rates to 0 at iteration {t.steps}: "
            "the run no longer changes (Reset to replay it)")


def csv_points(uploaded, dim_expected=None):
    """Parse an uploaded CSV of points (columns x[,y]) as data only. Returns (points list, error)."""
    raw = uploaded.getvalue() if hasattr(uploaded, "getvalue") else bytes(uploaded)
    if len(raw) > MAX_UPLOAD_BYTES:
        return None, f"the file is {len(raw) / 1e6:.1f} MB; the limit is 10 MB"
    if raw[:2] in (b"PK", b"\x80\x04", b"\x80\x03", b"\x80\x02") or b"\x00" in raw[:1024]:
        return None, "this is not a text CSV file (it looks like a binary, zip or pickle file)"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "the file is not UTF-8 text"
    import pandas as pd  # imported where used: ~0.4 s that a lab's first visit need not pay

    try:
        df = pd.read_csv(io.StringIO(text))
    except Exception as e:  # pandas raises several parser errors
        return None, f"cannot read it as CSV ({str(e).splitlines()[0][:120]})"
    return points_from_frame(df, dim_expected)


def picked_points(event, curve: int = 0) -> list:
    """The [x, y] of the points selected on ``curve`` of a plotly chart (st.plotly_chart's on_select
    event, or its dict form), in selection order without repeats."""
    sel = (event or {}).get("selection") or {}
    out = []
    for p in sel.get("points") or []:
        if p.get("curve_number", 0) == curve and p.get("x") is not None and p.get("y") is not None:
            xy = [float(p["x"]), float(p["y"])]
            if xy not in out:
                out.append(xy)
    return out


def points_from_frame(df, dim_expected=None):
    """Validate a table of points with columns x[, y]. Returns (points, error)."""
    cols = [c.strip().lower() for c in map(str, df.columns)]
    df = df.copy()
    df.columns = cols
    if "x" not in cols:
        return None, f"a column named x is required (found: {', '.join(cols[:6]) or 'none'})"
    use = ["x", "y"] if "y" in cols else ["x"]
    if dim_expected is not None and len(use) != dim_expected:
        return None, f"this lab needs {'columns x and y' if dim_expected == 2 else 'a column x'}"
    if len(df) > MAX_POINTS:
        return None, f"{len(df)} rows; at most {MAX_POINTS} points"
    import pandas as pd

    try:
        arr = df[use].apply(pd.to_numeric, errors="raise").to_numpy(dtype=np.float64)
    except (ValueError, TypeError):
        return None, "every x, y value must be a number"
    if len(arr) < 2:
        return None, f"at least 2 points are needed, got {len(arr)}"
    if not np.all(np.isfinite(arr)):
        return None, "the table has empty, NaN or infinite values"
    if np.abs(arr).max() > 1000:
        return None, "coordinates must lie within [-1000, 1000]"
    if len(np.unique(arr, axis=0)) < 2:
        return None, "all points are identical; a density needs at least 2 distinct points"
    pts = arr.tolist() if len(use) == 2 else arr[:, 0].tolist()
    return pts, None


def live_panel(lab: Lab, draw):
    """The live-training fragment: each rerun takes a snapshot, calls ``draw(snap)`` and then, while
    running, trains one adaptive chunk; when the run stops itself (target reached, divergence) the
    whole page reruns so the Train/Pause button and the final state are current.

    Draw first, train last: Streamlit drops a fragment run's messages still queued when the next run of
    the same fragment starts (AppSession clears them at SCRIPT_STARTED), and the runs come back to back
    (run_every's timer fires during a frame). Drawn at the end, the chart and metrics were queued ~10 ms
    before the next run and reached the browser in ~1 frame in 4 (measured: 1.5 chart deltas/s of 7
    frames/s); drawn before the chunk, the server's event loop sends them while the chunk trains."""
    @st.fragment(run_every=FRAME_INTERVAL if lab.running else None)
    def live():
        snap = lab.snap
        counters(lab, snap)
        draw(snap)
        if lab.running:
            lab.advance()
            if not lab.running:
                st.rerun()

    live()


def history_panel(lab: Lab, draw):
    """Slower fragment for the metric-history charts (redrawn once a second while training)."""
    @st.fragment(run_every=HISTORY_INTERVAL if lab.running else None)
    def history():
        draw(lab.history.rows)

    history()


EXPORT_FORMATS = {"gif": "GIF animation", "mp4": "MP4 video", "html": "Interactive HTML (plotly)",
                  "csv": "Metrics (CSV)", "json": "Run configuration (JSON)"}
MIME = {"gif": "image/gif", "mp4": "video/mp4", "html": "text/html", "csv": "text/csv", "json": "application/json"}


def export_panel(lab: Lab, rows=None, cfg_json=None, formats=tuple(EXPORT_FORMATS), name=None):
    """An Export section: pick a format, press Prepare (data made on demand, with a progress bar),
    then download. Animations use the lab's recorded frames (lab.frames); ``rows`` (default: the
    lab's metric history) feed the CSV; ``cfg_json`` (default: the lab's config) the JSON."""
    from gantoy import export

    name = name or lab.name
    with st.expander("Export", expanded=False):
        fmt = st.selectbox("Format", list(formats), format_func=EXPORT_FORMATS.get, key=f"exp:{name}:fmt")
        anim = fmt in ("gif", "mp4")
        c = st.columns(4)
        n = c[0].number_input("Frames (at most)", 1, export.MAX_FRAMES, 100, key=f"exp:{name}:frames",
                              disabled=fmt in ("csv", "json"))
        fps = c[1].number_input("fps", 1, 60, 10, key=f"exp:{name}:fps", disabled=not anim)
        w = c[2].number_input("width (px)", 160, 1600, 800, step=16, key=f"exp:{name}:w", disabled=not anim)
        h = c[3].number_input("height (px)", 160, 1200, 480, step=16, key=f"exp:{name}:h", disabled=not anim)
        panels = st.multiselect("Panels", list(export.PANELS), default=["main"], key=f"exp:{name}:panels",
                                disabled=not anim)
        st.caption(f"{len(lab.frames)} frames recorded so far (iterations "
                   f"{lab.frames.rows[0]['iteration'] if len(lab.frames) else 0}–"
                   f"{lab.frames.rows[-1]['iteration'] if len(lab.frames) else 0}); older frames are thinned "
                   "so a long run keeps its whole span.")
        out_key = f"exp:{name}:data"
        if st.button("Prepare", key=f"exp:{name}:go"):
            bar = st.progress(0.0, text="drawing frames")
            try:
                export.check_options(fmt, fps, (w, h), tuple(panels), int(n))
                frames = export.pick(lab.frames.rows, int(n))
                prog = (lambda i, k: bar.progress(i / k, text=f"frame {i} of {k}"))
                if fmt == "gif":
                    data = export.to_gif(frames, fps, (w, h), tuple(panels), lab.cfg.model.noise, prog)
                elif fmt == "mp4":
                    data = export.to_mp4(frames, fps, (w, h), tuple(panels), lab.cfg.model.noise, prog)
                elif fmt == "html":
                    data = export.to_html(frames, noise=lab.cfg.model.noise).encode()
                elif fmt == "csv":
                    data = export.to_csv(rows if rows is not None else lab.history.rows).encode()
                else:
                    data = (cfg_json if cfg_json is not None else export.to_json(lab.cfg)).encode()
                st.session_state[out_key] = (fmt, data)
                bar.progress(1.0, text=f"ready: {len(data) / 1e6:.2f} MB")
            except ConfigError as e:
                bar.empty()
                st.error(f"Not exported: {e}")
        ready = st.session_state.get(out_key)
        if ready is not None:
            f, data = ready
            st.download_button(f"Download {f.upper()}", data, file_name=f"gantoy-{name}.{f}", mime=MIME[f],
                               key=f"exp:{name}:dl")


# ---- lesson links ---------------------------------------------------------------------------------
def apply_link(lab: Lab, page: str, radio_key: str, options: dict, default: str):
    """On this session's first visit to ``page``, restore the lesson from the URL's query parameters
    (links.decode: bad parameters are skipped with a visible warning, never an exception). Call it
    before ``lesson_picker``."""
    from gantoy import links

    flag = f"link:applied:{page}"
    if flag in st.session_state:
        return
    st.session_state[flag] = True
    qp = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    if not qp:
        return
    lesson, cfg, it, warns = links.decode(qp, default, allowed_lessons=[k for k in options if k != "custom"])
    lab.reset(cfg)
    custom = "custom" in options and cfg.data != presets.get(lesson).data
    choice = "custom" if custom else lesson
    st.session_state[radio_key] = choice
    st.session_state[f"{radio_key}:loaded"] = choice
    if it:
        lab.target, lab.running = it, True   # the link's iteration: train there (seeded, so reproducible)
    if warns:
        st.session_state[f"link:warnings:{page}"] = warns


def share_link(lab: Lab, page: str, radio_key: str, default: str):
    """Keep the URL's query parameters equal to the lab's lesson, show link warnings once, and offer
    the link (with the current iteration) to copy."""
    from gantoy import links

    link_warnings(page)
    loaded = st.session_state.get(f"{radio_key}:loaded") or default
    lesson = default if loaded == "custom" else loaded
    try:
        q = links.encode(lab.cfg, lesson)
    except ConfigError:
        return
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != q:
        # (seen in chromium with Streamlit 1.67: the address bar shows this one interaction later;
        # the "Share this lesson" link below is always current)
        st.query_params.from_dict(q)
    it = lab.trainer.iteration
    share_bound({**q, **({"it": str(it)} if it else {})},
                "The link holds the data, objective, hyperparameters and seed (and the iteration: opening it "
                "trains there).")


def link_warnings(page: str):
    """The link parameters this page could not use (set when the link was opened), shown until dismissed:
    a rerun right after opening the link must not hide them."""
    key = f"link:warnings:{page}"
    warns = st.session_state.get(key)
    if warns:
        col1, col2 = st.columns([5, 1])
        col1.warning("Some parts of this link could not be used and were ignored (the lab's defaults apply):"
                     "\n\n" + "\n".join(f"- {w}" for w in warns))
        col2.button("Dismiss", key=f"link:dismiss:{page}", on_click=lambda: st.session_state.pop(key, None))


def link_params(page: str):
    """(the URL's query parameters when this session first opened ``page``, whether this is that first
    run). Call it before widgets bound to the URL, which may drop parameters they refuse."""
    key = f"link:url0:{page}"
    first = key not in st.session_state
    if first:
        st.session_state[key] = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    return st.session_state[key], first


def check_bound_link(page: str, url0: dict, first: bool, shown: dict):
    """For labs whose widgets are bound to the URL: on the first run, the link parameters the widgets did
    not take (unknown keys, values they refused) become link warnings; then show them (link_warnings).
    ``shown``: {query key: the widget's value as a list of strings}."""
    if first:
        bad = [k for k in url0 if k not in shown] + [
            k for k in shown if k in url0 and sorted(map(str, url0[k])) != sorted(shown[k])]
        if bad:
            st.session_state[f"link:warnings:{page}"] = [
                f"{k} = {', '.join(url0[k])[:30]!r}: ignored" for k in bad]
    link_warnings(page)


MAX_CONFIG_BYTES = 1_000_000


def config_from_upload(raw: bytes, dim: int):
    """(RunConfig, None) from an uploaded config file, or (None, reason). JSON only: never unpickled."""
    from gantoy.config import RunConfig

    try:
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(f"the file is {len(raw) / 1e6:.1f} MB; a gantoy config is a small JSON file")
        cfg = RunConfig.from_json(raw)
        if cfg.dim != dim:
            raise ConfigError(f"this is a {cfg.dim}-D configuration; this lab is {dim}-D")
    except ConfigError as e:
        return None, str(e)
    return cfg, None


def load_config_json(lab: Lab, page: str, radio_key: str, dim: int):
    """'Load config JSON': restore a run configuration from an uploaded file — parsed as JSON and
    validated (RunConfig.from_json), never unpickled or executed. Bad files show why; nothing changes."""
    fkey, msg_key = f"cfgjson:{page}:file", f"cfgjson:{page}:msg"

    def load():  # a callback: runs before the page, so it may set the data radio
        up = st.session_state.get(fkey)
        if up is None:
            st.session_state[msg_key] = ("error", "Not loaded: choose a JSON file first.")
            return
        cfg, err = config_from_upload(up.getvalue(), dim)
        if err:
            st.session_state[msg_key] = ("error", f"Not loaded: {err}. The current run is kept.")
            return
        lab.reset(cfg)
        st.session_state[radio_key] = st.session_state[f"{radio_key}:loaded"] = _lesson_of(cfg)
        st.session_state[msg_key] = ("success", "Loaded the configuration; the run starts from its seed.")

    with st.sidebar.expander("Load a configuration (JSON)", expanded=False):
        st.file_uploader("Config JSON (from Export)", type=["json"], key=fkey)
        st.button("Load config", key=f"cfgjson:{page}:go", on_click=load)
        if (m := st.session_state.pop(msg_key, None)) is not None:
            (st.error if m[0] == "error" else st.success)(m[1])


def _lesson_of(cfg):
    """The data radio's choice for a loaded config: the preset whose data it uses, else custom."""
    for name in presets.names():
        if presets.get(name).data == cfg.data:
            return name
    return "custom"


def share_bound(params: dict, note: str = ""):
    """A 'Share this lesson' expander: this page's link with ``params`` (str or list of str values)."""
    from urllib.parse import urlencode

    url = (st.context.url or "").split("?")[0] + "?" + urlencode(params, doseq=True)
    with st.expander("Share this lesson", expanded=False):
        # a link, not st.code: st.code's syntax highlighter is a module that takes ~0.7 s of the browser's
        # main thread to load on every page load (measured in chromium), and every lab shows this link
        st.markdown(f"[`{url}`]({url})")
        st.caption("Right-click the link and copy its address (or open it: a new session starts there). " + note)

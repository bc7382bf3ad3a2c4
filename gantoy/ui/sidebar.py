"""The training labs' sidebar: the lesson (data) picker, the hyperparameters, a pending change waiting for a
reset, and loading a config file."""
from __future__ import annotations

import streamlit as st

from gantoy.core import objectives
from gantoy.core.config import ACTIVATIONS, NOISES, OPTIMIZERS, ConfigError
from gantoy.lessons import changes, inputs, presets
from gantoy.session.lab import Lab
from gantoy.ui.state import try_config

LRS = [1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1.0]
BATCHES = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]
WIDTHS = [1, 2, 4, 8, 16, 32, 64, 128, 256]
# the config keys the hyperparameter sidebar edits (each has one widget below, keyed "hp:<lab>:<key>")
SIDEBAR_KEYS = ("objective.id", "train.k", "train.g_steps", "train.optimizer", "train.lr_d", "train.lr_g",
                "train.batch_size", "model.hidden", "model.depth", "model.activation", "model.z_dim",
                "model.noise", "train.seed")


def _options_with(values, current):
    return sorted(set(values) | {current})


def _sync(lab: Lab, prefix: str, cfg):
    """Write config values into widget state when the config changed programmatically (reset,
    preset, link), so the widgets show what the trainer runs."""
    vkey = f"{prefix}:version"
    if st.session_state.get(vkey) != lab.version:
        for k in SIDEBAR_KEYS:
            st.session_state[f"{prefix}:{k}"] = cfg.get(k)
        obj = objectives.get(cfg.objective.id)
        for name, default in obj.params.items():   # the objective's parameters as they will be applied
            v = cfg.objective.params.get(name, default)
            st.session_state[f"{prefix}:param:{obj.id}:{name}"] = v if isinstance(default, bool) else float(v)
        st.session_state[vkey] = lab.version


def lesson_picker(lab: Lab, page: str, key: str, options: dict, default: str, visible: bool = True) -> str:
    """The sidebar's data radio: each choice except "custom" loads the preset of that name; a lesson
    card on the home page (session_state["load_preset:<page>"]) preselects one. Returns the choice."""
    if (p := st.session_state.pop(f"load_preset:{page}", None)) is not None:
        lab.reset(presets.get(p))
        lab.lesson = p
        st.session_state[key] = p
    st.session_state.setdefault(key, default)
    # hidden in a lesson mode: the choice the link made stands
    choice = st.sidebar.radio("Data", list(options), format_func=options.get, key=key) if visible else \
        st.session_state[key]
    loaded = f"{key}:loaded"
    if choice != "custom" and st.session_state.get(loaded) != choice:
        if st.session_state.get(loaded) is not None:
            lab.reset(presets.get(choice))
        st.session_state[loaded] = choice
    if choice != "custom":
        lab.lesson = choice
    elif not _on_lesson_data(lab, options):
        st.session_state[loaded] = "custom"
        lab.lesson = None
    # (else the run, its lesson's text and its link stay the lesson's until custom data is applied, and choosing the
    # lesson again does not reset it: custom_waiting says so)
    return choice


def _on_lesson_data(lab: Lab, options: dict) -> bool:
    """The run still trains on its lesson's data (figure1's is a mixture too: compared, not told by the name)."""
    return lab.lesson in options and lab.lesson != "custom" and presets.get(lab.lesson).data == lab.cfg.data


def custom_waiting(lab: Lab, options: dict):
    """Under the custom-data controls: once custom data is applied the run is no lesson's; until then say that the
    run and its text are still the lesson's (choosing "custom" alone changes nothing)."""
    if not _on_lesson_data(lab, options):
        lab.lesson = None
        return
    st.sidebar.caption(f"Until you apply your own data, the run and its text stay with “{options[lab.lesson]}”.")


def networks_note(m) -> str | None:
    """A line under "Networks" where the lesson gives G and D different units or widths (figure1: a smooth G beside
    a wider leaky-ReLU D; the multimodal lessons: an increasing G), saying what Width and Activation then change."""
    if not (m.d_hidden or m.g_activation or m.g_monotone or m.d_pieces > 1 or m.g_batch_norm):
        return None
    g = (f"G {m.hidden} {m.g_activation or m.activation} units" + (", increasing in z (|W|)" if m.g_monotone else "")
         + (", batch-normalised (a sample depends on its batch)" if m.g_batch_norm else ""))
    d = f"D {m.d_hidden or m.hidden} " + (f"maxout units of {m.d_pieces} pieces" if m.d_pieces > 1
                                          else f"{m.activation} units")
    sets = ["Width sets G's width" if m.d_hidden else "Width sets both widths",
            ("Activation changes neither (D's units are maxout)" if m.g_activation else "Activation sets G's units")
            if m.d_pieces > 1 else "Activation sets D's units" if m.g_activation else "Activation sets both"]
    return f"This lesson's networks differ: {g}; {d} (per layer). {sets[0]}, {sets[1]}."


def hyperparameter_sidebar(lab: Lab, show=lambda control: True):
    """Objective and training hyperparameters in the sidebar -> lab.propose(new config). The widgets
    show the pending configuration when a structural change waits for its reset. ``show(control)``: lesson
    mode's choice ("objective", "steps", "optimizer", "lr", "batch", "networks", "seed"); a hidden control
    keeps the configuration's value."""
    c = lab.pending or lab.cfg
    p = f"hp:{lab.name}"
    _sync(lab, p, c)
    sb = st.sidebar
    groups = ("objective", "steps", "optimizer", "lr", "batch", "networks", "seed")
    if not any(show(g) for g in groups):
        return
    sb.header("Hyperparameters")
    w = {k: c.get(k) for k in SIDEBAR_KEYS}   # SIDEBAR_KEYS -> the widget's value (the config's when hidden)
    params = {}
    if show("objective"):
        w["objective.id"] = sb.selectbox("Objective", objectives.names(), key=f"{p}:objective.id",
                                         help="; ".join(f"{i}: {objectives.get(i).name}" for i in objectives.names()))
    oid = w["objective.id"]
    obj = objectives.get(oid)
    for name, default in obj.params.items() if show("objective") else ():
        key = f"{p}:param:{oid}:{name}"
        if key not in st.session_state:   # first shown: the value the config applies
            cur = c.objective.params.get(name, default) if c.objective.id == oid else default
            st.session_state[key] = bool(cur) if isinstance(default, bool) else float(cur)
        label = f"{changes.word('objective.params.' + name)} ({name})"
        if isinstance(default, bool):
            params[name] = sb.checkbox(label, key=key)
        else:
            params[name] = sb.number_input(label, key=key, format="%.4g")
    if show("steps"):
        col1, col2 = sb.columns(2)
        w["train.k"] = col1.number_input("k (D steps)", 0, 20, key=f"{p}:train.k")
        w["train.g_steps"] = col2.number_input("G steps", 0, 20, key=f"{p}:train.g_steps")
    if show("optimizer"):
        w["train.optimizer"] = sb.selectbox("Optimizer", OPTIMIZERS, key=f"{p}:train.optimizer")
    for k, label in (("train.lr_d", "lr D"), ("train.lr_g", "lr G")) if show("lr") else ():
        w[k] = sb.select_slider(label, _options_with(LRS, c.get(k)), key=f"{p}:{k}", format_func=lambda v: f"{v:g}")
    if show("batch"):
        w["train.batch_size"] = sb.select_slider("Batch size", _options_with(BATCHES, c.train.batch_size),
                                                 key=f"{p}:train.batch_size")
    if show("networks"):
        sb.subheader("Networks")
        note = networks_note(c.model)
        if note:
            sb.caption(note)
        w["model.hidden"] = sb.select_slider("Width", _options_with(WIDTHS, c.model.hidden), key=f"{p}:model.hidden")
        w["model.depth"] = sb.slider("Depth (hidden layers)", 0, 4, key=f"{p}:model.depth")
        w["model.activation"] = sb.selectbox("Activation", list(ACTIVATIONS), key=f"{p}:model.activation")
        w["model.z_dim"] = sb.number_input("z dim", 1, 16, key=f"{p}:model.z_dim", disabled=c.dim == 1,
                                           help="1-D data: z dim is 1 (p_g is the exact push-forward of 1-D noise)"
                                           if c.dim == 1 else None)
        w["model.noise"] = sb.selectbox("Noise p(z)", NOISES, key=f"{p}:model.noise")
    if show("seed"):
        w["train.seed"] = sb.number_input("Seed", 0, 2**31 - 1, key=f"{p}:train.seed")
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
        if show("objective"):
            new.objective.params = {k: v for k, v in c.objective.params.items() if k in obj.options}
        new = new.with_sets(w)
        if params:
            new = new.with_sets({f"objective.params.{n}": v for n, v in params.items()})
    except ConfigError as e:
        sb.error(f"Not applied: {e}")
        return
    lab.propose(new)
    sb.caption(f"**{obj.name}.** {obj.note}")


def mixture_table(lab: Lab, prefix: str, options: dict):
    """The custom 1-D mixture, edited in a table: every column visible in the sidebar, and weights that do
    not sum to 1 normalised (and said so) rather than refused."""
    import pandas as pd  # here, not at the top: slow on a server's first visit, and only this table needs it

    d = lab.cfg.data
    if d.name == "mixture":
        rows = pd.DataFrame({"weight": d.weights, "mean": d.means, "std": d.stds})
    else:
        rows = pd.DataFrame({"weight": [0.3, 0.7], "mean": [-1.0, 2.0], "std": [0.4, 0.6]})
    # widths to fit each header and no form border: the row selector and all three columns fit the sidebar's
    # ~240 px ("small" is 75 px each, and with the border the std column was cut off)
    px = {"weight": 74, "mean": 62, "std": 54}
    col = {k: st.column_config.NumberColumn(k, width=px[k], format="%.3g", help=h) for k, h in
           (("weight", "relative weight (normalised to sum 1)"), ("mean", "component mean"),
            ("std", "component standard deviation (> 0)"))}
    with st.sidebar.form(f"{prefix}:mixture", border=False):
        table = st.data_editor(rows, num_rows="dynamic", key=f"{prefix}:table", hide_index=True, width="stretch",
                               column_config=col)
        if st.form_submit_button("Use this mixture"):
            mix, note = inputs.mixture_from_table(table)
            if mix is None:
                st.error(f"Not applied: {note}")
                # at 720 px the sidebar's message can sit below its fold: a toast shows on screen whatever the scroll
                st.toast(f"Mixture not applied: {note}", icon="⚠️")
            else:
                new = try_config(lab.cfg.with_sets, {"data.name": "mixture", **mix})
                if new is not None:
                    lab.reset(new)
                    if note:
                        st.info(note)
    custom_waiting(lab, options)


def pending_notice(lab: Lab):
    """Structural changes wait for a reset: say so, with a button."""
    if lab.pending is None:
        return
    col1, col2 = st.columns([4, 1])
    # (not "new networks": k, the batch or the objective start a new run too, with the same kind of networks)
    col1.warning("Waiting for a new run: " + "; ".join(changes.describe(lab.cfg, lab.pending)) +
                 ". Apply and reset starts one from the seed with these settings.")
    if col2.button("Apply and reset", key=f"apply:{lab.name}", type="primary"):
        lab.reset(lab.pending)
        st.rerun()


def load_config_json(lab: Lab, page: str, radio_key: str, dim: int):
    """'Load config JSON': restore a run configuration from an uploaded file — parsed as JSON and
    validated (RunConfig.from_json), never unpickled or executed. Bad files show why; nothing changes."""
    fkey, msg_key = f"cfgjson:{page}:file", f"cfgjson:{page}:msg"

    def load():  # a callback: runs before the page, so it may set the data radio
        up = st.session_state.get(fkey)
        if up is None:
            st.session_state[msg_key] = ("error", "Not loaded: choose a JSON file first.")
            return
        cfg, err = inputs.config_from_upload(up.getvalue(), dim)
        if err:
            st.session_state[msg_key] = ("error", f"Not loaded: {err}. The current run is kept.")
            return
        lab.reset(cfg)
        st.session_state[radio_key] = st.session_state[f"{radio_key}:loaded"] = presets.lesson_of(cfg)
        st.session_state[msg_key] = ("success", "Loaded the configuration; the run starts from its seed.")

    with st.sidebar.expander("Load a configuration (JSON)", expanded=False):
        st.file_uploader("Config JSON (from Export)", type=["json"], key=fkey)
        st.button("Load config", key=f"cfgjson:{page}:go", on_click=load)
        if (m := st.session_state.pop(msg_key, None)) is not None:
            (st.error if m[0] == "error" else st.success)(m[1])

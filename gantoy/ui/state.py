"""Where a browser session keeps its labs (``st.session_state``: one per page per session, never a module
global or ``st.cache_resource``, so two students never share a run), and press handling."""
from __future__ import annotations

import time

import streamlit as st

from gantoy.core.config import ConfigError
from gantoy.lessons import presets
from gantoy.session.condlab import CondLab
from gantoy.session.lab import EnsembleLab, Lab
from gantoy.session.studylab import StudyLab

PRESS_WINDOW = 0.3   # seconds: a second delivery of a Train/Pause press inside this is the same press


def _get(key: str, make):
    if key not in st.session_state:
        st.session_state[key] = make()
    return st.session_state[key]


def get_lab(name: str, lesson: str) -> Lab:
    """This browser session's Lab for page ``name`` (created on first visit with preset ``lesson``)."""
    return _get(f"lab:{name}", lambda: Lab(name, presets.get(lesson), lesson))


def get_ensemble_lab(name: str, default) -> EnsembleLab:
    """This browser session's EnsembleLab for page ``name``; ``default()`` -> (cfgs, labels)."""
    return _get(f"lab:{name}", lambda: EnsembleLab(name, *default(), lesson="ring8"))


def get_cond_lab(default_cfg) -> CondLab:
    return _get("cond:lab", lambda: CondLab(default_cfg()))


def get_study_lab() -> StudyLab:
    return _get("mc:lab", StudyLab)


def first_press(key: str) -> bool:
    """False when this press of button ``key`` is a repeat delivery of the last one (within PRESS_WINDOW).

    A Pause pressed while a live fragment reruns can reach its callback twice, tens of ms apart (a Streamlit
    race between the click's rerun and the fragment's auto-reruns; bench/BENCHMARKS.md, "Pause"), and the
    second toggle resumed training. A person cannot mean Train then Pause within 0.3 s, so a toggle ignores
    the repeat."""
    now, k = time.monotonic(), f"press:{key}"
    if now - st.session_state.get(k, -1e9) < PRESS_WINDOW:
        return False
    st.session_state[k] = now
    return True


def try_config(fn, *args):
    """Run a config-producing function; show st.error and return None on a ConfigError."""
    try:
        return fn(*args)
    except ConfigError as e:
        st.error(f"Not applied: {e}")
        return None


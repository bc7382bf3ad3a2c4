"""Lesson links in the app: restore a lab from the URL on a session's first visit (bad parameters become a
warning, never an exception), keep the URL equal to the lab's lesson, and offer the link to share."""
from __future__ import annotations

import math

import streamlit as st

from gantoy.core.config import ConfigError
from gantoy.lessons import lessonmode, links, presets
from gantoy.session.lab import Lab
from gantoy.ui import lessonmode as LM
from gantoy.ui import linkbox


def apply_link(lab: Lab, page: str, radio_key: str, options: dict, default: str):
    """On this session's first visit to ``page``, restore the lesson from the URL's query parameters
    (links.decode: bad parameters are skipped with a visible warning, never an exception). Call it
    before ``sidebar.lesson_picker``."""
    flag = f"link:applied:{page}"
    if flag in st.session_state:
        return
    st.session_state[flag] = True
    qp = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    lm = {k: qp.pop(k) for k in lessonmode.KEYS if k in qp}   # lesson mode: its own parameters
    if not qp and not lm:
        return
    lesson, cfg, it, warns = links.decode(qp, default, allowed_lessons=[k for k in options if k != "custom"])
    lab.reset(cfg)
    warns += LM.take(lab, {**qp, **lm})   # (all of them: a quiz checks the link sets its setup up)
    custom = "custom" in options and cfg.data != presets.get(lesson).data
    choice = "custom" if custom else lesson
    st.session_state[radio_key] = choice
    st.session_state[f"{radio_key}:loaded"] = choice
    if it:
        lab.target, lab.running = it, True   # the link's iteration: train there (seeded, so reproducible) ...
        lab.stop_for_questions()             # ... unless a question of the lesson comes first
    if warns:
        st.session_state[f"link:warnings:{page}"] = warns


def link_of(lab: Lab, radio_key: str, default: str) -> dict:
    """This lab's lesson link as query parameters (without lesson mode): the lesson, the config keys that
    differ from it. {} when the configuration cannot be encoded."""
    loaded = st.session_state.get(f"{radio_key}:loaded") or default
    lesson = default if loaded == "custom" else loaded
    try:
        return links.encode(lab.cfg, lesson)
    except ConfigError:
        return {}


def share_link(lab: Lab, page: str, radio_key: str, default: str, visible: bool = True):
    """Keep the URL's query parameters equal to the lab's lesson (and its lesson mode) and offer the link
    (with the current iteration) to copy, unless a lesson mode hides it. Call it where it is redrawn while
    training (a lab's history fragment), so its iteration is current."""
    q = link_of(lab, radio_key, default)
    if not q:
        return
    q.update(LM.link_params(lab))     # a lesson mode stays in the URL
    current = {k: st.query_params.get_all(k) if isinstance(q.get(k), list) else st.query_params.get(k)
               for k in st.query_params.keys()}
    if current != q:
        # (seen in chromium with Streamlit 1.67: the address bar shows this one interaction later;
        # the "Share this lesson" link below is always current)
        st.query_params.from_dict(q)
    if not visible:
        return
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


def check_bound_link(page: str, url0: dict, first: bool, shown: dict, settings: dict | None = None):
    """For labs whose widgets are bound to the URL: on the first run, the link parameters the widgets did
    not take (unknown keys, values they refused) become link warnings; then show them (link_warnings).
    ``shown``: {query key: the widget's value as a list of strings}; ``settings``: keys restore_settings
    read (not warned about here: it said what it refused). Lesson mode's keys are read by ui/lessonmode."""
    if first:
        bad = [k for k in url0 if k not in shown and k not in (settings or {}) and k not in lessonmode.KEYS] + [
            k for k in shown if k in url0 and sorted(map(str, url0[k])) != sorted(shown[k])]
        warns = [f"{k} = {', '.join(url0[k])[:30]!r}: ignored" for k in bad]
        warns += st.session_state.pop(f"link:settings:{page}", [])
        warns += st.session_state.pop(f"lm:warns:{page}", [])     # lesson mode's (ui/lessonmode.open_page)
        if warns:
            st.session_state[f"link:warnings:{page}"] = warns
    link_warnings(page)


def restore_settings(page: str, url0: dict, first: bool, settings: dict) -> dict:
    """On the first run, the link's values for ``settings`` {key: parse(str) -> value, raising ValueError with
    the reason} as {key: value}; the refused ones are shown by check_bound_link. Later runs: {}."""
    if not first:
        return {}
    got, warns = {}, []
    for k, parse in settings.items():
        if k in url0:
            try:
                got[k] = parse(url0[k][-1])
            except (ValueError, TypeError) as e:
                warns.append(f"{k} = {url0[k][-1][:30]!r}: ignored ({e})")
    st.session_state[f"link:settings:{page}"] = warns
    return got


def number_in(lo: float, hi: float, kind=float, step: float | None = None):
    """A parser for restore_settings: a finite number of ``kind`` in [lo, hi] (on ``step``'s grid from lo)."""
    def parse(text: str):
        v = float(text)
        if not math.isfinite(v):
            raise ValueError("not a finite number")
        if kind is int:
            if v != round(v):
                raise ValueError("not a whole number")
            v = int(v)
        if not (lo <= v <= hi):       # also refuses nan
            raise ValueError(f"not in [{lo:g}, {hi:g}]")
        if step and abs((v - lo) / step - round((v - lo) / step)) > 1e-9:
            raise ValueError(f"not a multiple of {step:g} from {lo:g}")
        return v
    return parse


def one_of(options):
    """A parser for restore_settings: one of ``options`` (strings, or numbers matched by value)."""
    def parse(text: str):
        for o in options:
            if str(o) == text or (not isinstance(o, str) and _same_number(o, text)):
                return o
        raise ValueError("not one of " + ", ".join(map(str, options))[:60])
    return parse


def _same_number(o, text: str) -> bool:
    try:
        return float(text) == o
    except ValueError:
        return False


def share_bound(params: dict, note: str = ""):
    """A 'Share this lesson' expander: this page's link with ``params`` (str or list of str values)."""
    with st.expander("Share this lesson", expanded=False):
        linkbox.show(params, "Right-click the link and copy its address (or open it: a new session starts there). "
                     + note)

"""Lesson mode in a lab: read it from the link (lessons/lessonmode.py), show the teacher's title and text,
hide the controls the lesson does not show, ask the questions (predict, then run) and show the predictions
next to what happened; and 'Make a lesson link' for the teacher."""
from __future__ import annotations

import streamlit as st

from gantoy.lessons import lessonmode, quiz
from gantoy.ui import controls as C
from gantoy.ui import linkbox


def _name(lab) -> str:
    """A training lab (a Lab) or the name of a lab without one (its lesson mode has no questions)."""
    return lab if isinstance(lab, str) else lab.name


def key(lab) -> str:
    return f"lm:{_name(lab)}"


def mode(lab) -> lessonmode.LessonMode:
    return st.session_state.get(key(lab)) or lessonmode.LessonMode()


def shown(lab, control: str) -> bool:
    return mode(lab).shown(control)


def take(lab, params: dict) -> list:
    """On a session's first visit: the lesson mode from the link's parameters {key: [values]} (the lesson-mode
    keys only); returns the warnings. The raw parameters are kept, so the page's own link keeps them."""
    lm_params = {k: v for k, v in params.items() if k in lessonmode.KEYS}
    m, warns = lessonmode.decode(lm_params, _name(lab), None if isinstance(lab, str) else lab.length)
    if m.quiz and (diff := quiz.setup_differences(quiz.QUIZZES[m.quiz], params)):
        warns.append(f"quiz: this link sets {', '.join(diff)} otherwise than the quiz {m.quiz!r} does; its questions "
                     "and answers were written for the quiz's own setup (open it again from Home, For teachers)")
    st.session_state[key(lab)] = m
    st.session_state[f"{key(lab)}:params"] = {k: v if k == "ask" else v[-1] for k, v in lm_params.items()
                                              if k in ("show", "title", "text") or m.questions}
    if not isinstance(lab, str):
        lab.set_questions(m.questions, quiz.QUIZZES[m.quiz].pace if m.quiz else None)
    return warns


def open_page(lab, page: str, url0: dict, first: bool):
    """For the labs whose settings are widgets bound to the URL: on the session's first visit, take the lesson
    mode from the link (its warnings join the link's, shown by links.check_bound_link). Returns ``shown``."""
    if first:
        st.session_state[f"lm:warns:{page}"] = take(lab, url0)
    return lambda control: shown(lab, control)


def locked(lab, control: str, **kw) -> dict:
    """A setting's widget arguments ``kw``; where the lesson does not show the setting, locked: visible (the class
    sees the lesson's value) but disabled — a bound widget keeps its value in the link only while it is drawn."""
    if shown(lab, control):
        return kw
    return {**kw, "disabled": True, "help": "fixed by this lesson" + (f" — {kw['help']}" if kw.get("help") else "")}


def link_params(lab) -> dict:
    """The lesson-mode part of this lab's link (for share_link: the URL keeps the lesson mode)."""
    return dict(st.session_state.get(f"{key(lab)}:params") or {})


def header(lab, default_title: str):
    """The page's title, or the lesson's, and the teacher's text (markdown without HTML)."""
    m = mode(lab)
    st.title(m.title or default_title)
    if m.text:
        st.markdown(m.text)


def questions(lab):
    """The question the lab stopped at (Train waits for the answer), then the predictions next to what
    happened, once the run has reached them. In one container, present or not, so the page below keeps its
    place (a moved live chart would be a new chart)."""
    with st.container():
        _questions(lab)


def _questions(lab):
    w = lab.waiting() if not lab.running else None
    if w is not None:
        i, q = w
        with st.container(border=True):
            st.markdown(f"**Predict** (iteration {q.at}) — {q.text}")
            pick = st.radio("Your prediction", list(range(len(q.options))), index=None,
                            format_func=lambda j: q.options[j], key=f"lm:{lab.name}:q{i}:{lab.version}",
                            label_visibility="collapsed", horizontal=True)
            seen = C.rewound_reason(lab)   # (answering goes on training from the present)
            st.button("Answer and continue" if lab.trainer.iteration else "Answer (then press Train)",
                      key=f"lm:{lab.name}:a{i}", type="primary", disabled=pick is None or bool(seen),
                      on_click=lambda: lab.answer(i, pick),
                      help=seen or (None if pick is not None else "pick an answer first"))
    shown_ = lab.revealed()
    if shown_:
        rows = []
        for q, ans, came, numbers in shown_:
            mine = q.options[ans] if ans is not None else "—"
            truth = q.options[came] if came is not None else "see the numbers"
            mark = "" if came is None or ans is None else (" ✓" if ans == came else " ✗")
            cells = [q.text, mine + mark, truth, numbers]
            rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")   # |D − ½| in a table
        st.markdown("**Your predictions and what happened** (read from this run's numbers)\n\n"
                    "| question | predicted | what happened | the numbers |\n|---|---|---|---|\n" + "\n".join(rows))


def make_link(lab, base_params: dict):
    """'Make a lesson link' (teachers; not shown in lesson mode): pick the controls students see, a title,
    text and questions; ``base_params``: this lab's link as it is now."""
    if mode(lab).active:
        return
    name = _name(lab)
    controls = lessonmode.LAB_CONTROLS[name]
    quizzes = [k for k, z in quiz.QUIZZES.items() if z.page == name]
    asking = name in lessonmode.QUESTION_LABS
    with st.expander("Make a lesson link", expanded=False):
        st.caption("A link that opens this lab tailored to one lesson: only the controls you leave ticked (all are "
                   "ticked at first: untick what students should not touch), your title and "
                   "text" + (", and questions the class answers before training goes on (predict, then run)."
                             if asking else ". Settings you do not tick stay visible but locked at the values in "
                             "the link (the lab's defaults for those it does not carry: see Share this lesson); "
                             "the other controls are hidden."))
        show = st.multiselect("Controls the students see", controls, default=controls,
                              format_func=lessonmode.CONTROLS.get, key=f"mk:{name}:show")
        title = st.text_input("Title", max_chars=lessonmode.MAX_TITLE, key=f"mk:{name}:title")
        text = st.text_area("Lesson text (markdown)", max_chars=lessonmode.MAX_TEXT, key=f"mk:{name}:text")
        qz = st.selectbox("Built-in questions", [""] + quizzes, key=f"mk:{name}:quiz",
                          format_func=lambda k: quiz.QUIZZES[k].title if k else "none",
                          help="a built-in quiz brings its own setup (data, objective) with it") if asking else ""
        asks = st.text_area("Your questions, one per line: iteration | question | option | option (2–4 options)",
                            key=f"mk:{name}:asks", height=80,
                            placeholder="200 | Where will the samples be at iteration 400? | on the data | still far from it",
                            help="Training pauses at that iteration with its picture on screen and asks; so ask "
                            "about what comes next (a prediction), not about what the picture already shows."
                            ) if asking else ""
        parsed, errors = [], []
        for n, line in enumerate([ln for ln in asks.splitlines() if ln.strip()][:quiz.MAX_QUESTIONS], 1):
            try:
                parsed.append(quiz.parse_ask(line, lab.length))
            except ValueError as e:
                errors.append(f"question {n}: {e}")
        for e in errors:
            st.error(f"Not in the link: {e}")
        params = dict(quiz.QUIZZES[qz].params) if qz else dict(base_params)
        params.update(lessonmode.encode(show if len(show) < len(controls) else None, title, text, qz, parsed))
        linkbox.show(params, "Right-click the link and copy its address; opening it starts a new session in "
                     "lesson mode.")

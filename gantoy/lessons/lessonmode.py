"""Lesson mode: a lab tailored to one lesson by its link — which controls the students see, a title, the
teacher's text, and questions to predict (lessons/quiz.py).

Link parameters (next to the lesson's own, lessons/links.py): ``show=train,speed,lr`` (the controls shown;
the others are hidden; ``CONTROLS`` lists them), ``title=...``, ``text=...`` (markdown, at most
``MAX_TEXT`` characters, shown without HTML), ``quiz=figure1`` (a built-in quiz) and up to three
``ask=AT|question|option|option`` (the teacher's own). Decoding never raises: each bad parameter becomes a
warning naming it, and the lab opens with the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gantoy.lessons import quiz

KEYS = ("show", "title", "text", "quiz", "ask")
MAX_TITLE = 120
MAX_TEXT = 1500

# every control a lesson can show or hide: id -> what the teacher ticks
CONTROLS = {
    "data": "Data / lesson picker", "objective": "Objective and its parameters", "steps": "k (D steps), G steps",
    "optimizer": "Optimizer", "lr": "Learning rates", "batch": "Batch size", "networks": "Networks (width, depth, …)",
    "seed": "Seed", "config": "Load a configuration file", "train": "Train / Pause", "speed": "Speed",
    "step": "Step, Step D, Step G", "reset": "Reset", "panels": "Figure 1's panel buttons (D to optimum, …)",
    "view": "View and arrows (2-D)", "compare": "What to compare", "timeline": "Timeline (rewind)",
    "export": "Export", "state": "Save / load the trained state", "share": "The share link",
    "extras": "The maths and the spectrum", "walk": "Step by step (Algorithm 1 in its parts)",
    # the other labs' own controls
    "lesson": "Ready-made lesson picker", "remedy": "Remedy (mode collapse)", "runs": "Number of seeds (runs)",
    "length": "Iterations per run", "results": "Result downloads (CSV, JSON)", "method": "Method (cGAN / GCDS)",
    "ema": "Weight averaging (EMA)", "condition": "The condition x0", "tables": "The editable tables",
    "shift": "Shift and widen Q", "curves": "Curves and integrand pickers", "example1": "WGAN Example 1 tab",
    "fit": "Fit one Gaussian tab", "points": "Points per side and their seed", "cost": "Cost (transport)",
    "normalise": "Normalise the masses", "duals": "The dual potentials", "penalties": "R1, clip, noise, ConOpt",
    "rules": "Update rules and momentum of runs A and B", "start": "Start point (click or type)",
    "gauss": "Gaussian-game tab", "nets": "Lessons' networks tab",
}
# the controls each lab has (in its page's order)
LAB_CONTROLS = {
    "figure1": ["data", "objective", "steps", "optimizer", "lr", "batch", "networks", "seed", "config", "train",
                "speed", "step", "reset", "panels", "walk", "timeline", "export", "state", "share", "extras"],
    "playground": ["data", "objective", "steps", "optimizer", "lr", "batch", "networks", "seed", "config", "view",
                   "train", "speed", "step", "reset", "walk", "timeline", "export", "state", "share"],
    "compare": ["compare", "train", "speed", "step", "reset", "timeline", "export", "state", "share"],
    "collapse": ["lesson", "data", "objective", "remedy", "runs", "length", "train", "reset", "results", "timeline",
                 "export", "share"],
    "conditional": ["data", "method", "lr", "ema", "seed", "train", "step", "reset", "condition", "results",
                    "timeline", "export", "state", "share"],
    "divergences": ["lesson", "tables", "shift", "curves", "results", "example1", "fit", "train", "share"],
    "transport": ["lesson", "points", "cost", "normalise", "tables", "duals", "results", "share"],
    "dynamics": ["lesson", "objective", "penalties", "lr", "steps", "rules", "start", "export", "extras", "gauss",
                 "nets", "share"],
}
# labs whose training a question can pause (predict, then run); the others take title, text and controls only
QUESTION_LABS = ("figure1", "playground", "compare")


@dataclass
class LessonMode:
    show: frozenset | None = None          # the controls shown (None: every control, no lesson mode)
    title: str = ""                        # replaces the page's title
    text: str = ""                         # the teacher's markdown
    quiz: str = ""                         # a built-in quiz id
    questions: list = field(default_factory=list)   # quiz.Question, the pauses in iteration order

    @property
    def active(self) -> bool:
        return self.show is not None or bool(self.title or self.text or self.questions)

    def shown(self, control: str) -> bool:
        return self.show is None or control in self.show


def decode(params: dict, lab: str, length: int | None) -> tuple:
    """(LessonMode, warnings) from the link's query parameters {key: [values]} for lab ``lab`` whose lesson
    runs ``length`` iterations (None: a lab without one run to pause, which takes no questions)."""
    warns, mode = [], LessonMode()
    get = (lambda k: params.get(k) or [])
    if get("show"):
        ids = [s.strip() for s in get("show")[-1].split(",") if s.strip()]
        bad = [s for s in ids if s not in LAB_CONTROLS[lab]]
        if bad:
            warns.append(f"show: {', '.join(b[:20] for b in bad)} — not a control of this lab (ignored); "
                         f"controls: {', '.join(LAB_CONTROLS[lab])}")
        mode.show = frozenset(s for s in ids if s in LAB_CONTROLS[lab])
    for key, cap in (("title", MAX_TITLE), ("text", MAX_TEXT)):
        if get(key):
            v = get(key)[-1]
            if len(v) > cap:
                warns.append(f"{key}: longer than {cap} characters — cut to {cap}")
            setattr(mode, key, "".join(ch for ch in v[:cap] if ch.isprintable() or ch in "\n\t"))
    if lab not in QUESTION_LABS or length is None:
        for k in ("quiz", "ask"):
            if get(k):
                warns.append(f"{k}: this lab asks no questions (predict, then run works in the "
                             f"{', '.join(QUESTION_LABS)} labs) — ignored")
        return mode, warns
    if get("quiz"):
        q = get("quiz")[-1]
        if q not in quiz.QUIZZES:
            warns.append(f"quiz: {q[:30]!r} is not a built-in quiz ({', '.join(quiz.QUIZZES)}) — ignored")
        elif quiz.QUIZZES[q].page != lab:
            warns.append(f"quiz: {q!r} runs in the {quiz.QUIZZES[q].page} lab — ignored here")
        else:
            mode.quiz = q
            mode.questions = [quiz.Question(**vars(x)) for x in quiz.QUIZZES[q].questions]
    for i, a in enumerate(get("ask")):
        if len(mode.questions) >= quiz.MAX_QUESTIONS:
            warns.append(f"ask: at most {quiz.MAX_QUESTIONS} questions — the rest ignored")
            break
        try:
            mode.questions.append(quiz.parse_ask(a, length))
        except ValueError as e:
            warns.append(f"ask {i + 1} ({a[:30]!r}): {e} — ignored")
    mode.questions.sort(key=lambda q: q.at)
    return mode, warns


def encode(show: list | None, title: str = "", text: str = "", quiz_id: str = "", asks: list = ()) -> dict:
    """The lesson-mode query parameters (to add to a lesson link)."""
    out = {}
    if show is not None:
        out["show"] = ",".join(show)
    if title:
        out["title"] = title[:MAX_TITLE]
    if text:
        out["text"] = text[:MAX_TEXT]
    if quiz_id:
        out["quiz"] = quiz_id
    if asks:
        out["ask"] = [quiz.encode_ask(q) for q in asks]
    return out

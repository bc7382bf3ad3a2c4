"""Predict, then run: questions a lesson asks at set iterations, and what actually happened, from the run's
measured numbers.

A question pauses training at iteration ``at`` and asks the class to predict something about iteration
``about`` (default: the end of the lesson). Once the run has passed ``about`` the page shows each
prediction next to what happened: a *check* (``CHECKS``) reads the recorded metric rows and says which
option came true, with the numbers; a question without a check (a teacher's own, from a lesson link) is
shown next to the numbers of that moment. Three built-in quizzes (``QUIZZES``): Figure 1, mode collapse on
ring8 (nsgan vs wgan-gp) and why Wasserstein.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from gantoy.measure.glossary import fmt

MAX_QUESTIONS = 3
MAX_TEXT = 200            # characters of a question or an option
MAX_OPTIONS = 4


@dataclass
class Question:
    at: int                         # the iteration where training pauses to ask
    text: str                       # the question
    options: list                   # 2-4 possible answers
    check: str = ""                 # CHECKS id ("" : show the numbers, no verdict)
    about: int | None = None        # the iteration the prediction is about (None: the end of the lesson)
    run: int = 0                    # which run of a comparison the check reads

    def __post_init__(self):
        self.options = list(self.options)


def _row_at(rows: list, it: int) -> dict:
    """The last recorded metric row at or before iteration ``it``."""
    before = [r for r in rows if r["iteration"] <= it]
    return before[-1] if before else rows[0]


def check_d_half(rows, it, total_modes):
    r = _row_at(rows, it)
    v = r.get("d_flat", math.nan)
    return (0 if v < 0.1 else 1), f"at iteration {r['iteration']}, mean |D − ½| over p_data was {fmt(v)}"


def check_js_below(rows, it, total_modes, below=0.01):
    r = _row_at(rows, it)
    return (0 if r["js"] < below else 1), f"at iteration {r['iteration']}, JS(p_data ‖ p_g) was {fmt(r['js'])}"


def check_modes(rows, it, total_modes):
    r = _row_at(rows, it)
    m = int(r.get("modes", 0))
    opt = 0 if m == total_modes else 1 if m >= 2 else 2
    said = f"at iteration {r['iteration']}, {m} of {total_modes} modes were covered"
    if "modes_pub" in r and "hq" in r:
        # what a covered mode is, in the picture's terms: samples spread along the ring pass the modes without
        # landing on them (a ring of samples through every mode counted 1 of 8, and read as a wrong answer key)
        said += (f" (a mode counts when 10 % of its share of the samples lie within 3σ of it; "
                 f"{int(r['modes_pub'])} had at least one, and {100 * r['hq']:.0f} % of all samples lay that close "
                 "to a mode — the rest farther than 3σ from every mode)")
    return opt, said


def check_which_moved(rows, it, total_modes):
    """Which of JS and W1 fell by more than a tenth of its starting value between the first record and ``it``."""
    a, b = rows[0], _row_at(rows, it)
    js = (a["js"] - b["js"]) / max(a["js"], 1e-12) > 0.1
    w1 = (a["w1"] - b["w1"]) / max(a["w1"], 1e-12) > 0.1
    opt = 2 if js and w1 else 0 if js else 1 if w1 else 3
    return opt, (f"from iteration {a['iteration']} to {b['iteration']}: JS {fmt(a['js'])} → {fmt(b['js'])}, "
                 f"W1 {fmt(a['w1'])} → {fmt(b['w1'])}")


# id -> check(rows of the question's run, iteration, modes of the data) -> (option that came true, numbers)
# ("js_below:0.05": the check with its threshold)
CHECKS = {"d_half": check_d_half, "js_below": check_js_below, "modes": check_modes, "which_moved": check_which_moved}


@dataclass
class Quiz:
    title: str
    page: str                       # the lab it runs in (url path)
    params: dict                    # the lesson link's settings (lesson=..., config keys, compare settings)
    intro: str                      # what the class looks at (markdown)
    questions: list = field(default_factory=list)
    observe: str = ""               # what the teacher should see happen (the teacher page)
    pace: tuple | None = None       # its own lesson pace (presets.pace_at), where the lesson's preset's would hurry


MODES3 = ["all 8", "some of them (2–7)", "one or none"]
QUIZZES = {
    "figure1": Quiz(
        "Figure 1: does D end up at ½?", "figure1", {"lesson": "figure1"},
        "p_g (green) starts to the left of p_data (black dotted). D (blue dashed) starts untrained; D* (grey), the "
        "best D for this G, tells them apart. Predict, then watch.",
        [Question(0, "When the lesson ends, what will D(x) look like?",
                  ["about ½ everywhere: D cannot tell data from samples", "near 1 on the data, near 0 elsewhere"],
                  "d_half"),
         # at 40 p_g is halfway onto p_data (JS 0.094 on the default seed); at 80, where it was asked before,
         # JS already read 0.0091 beside the question (measured 2026-12-02)
         Question(40, "p_g is sliding onto p_data. By the end, will JS(p_data ‖ p_g) be below 0.01?",
                  ["yes", "no"], "js_below:0.01")],
        "p_g slides onto p_data within ~100 iterations; D flattens to ½ (|D − ½| < 0.1), JS falls below 0.01."),
    "collapse": Quiz(
        "Mode collapse: nsgan vs wgan-gp on a ring of 8", "compare",
        {"cmp:data": "ring8", "cmp:mode": "objective", "cmp:objs": ["nsgan", "wgan-gp"], "cmp:recipe": "ring8-short"},
        "Two runs from the same seed with the Mode collapse lab's short ring recipe (a decaying learning rate, an "
        "average of G's weights): the non-saturating GAN (left) and WGAN-GP (right), whose critic keeps its 5 steps "
        "an iteration and its gradient penalty. Predict before training.",
        # the short recipe, not the ring preset's settings: with those, nsgan's samples spread along the ring without
        # settling on modes, and no run showed collapse against a cure (bench/quizzes.py, 2026-12-03)
        [Question(0, "When training ends, how many of the 8 modes will WGAN-GP (right) cover — its samples on the "
                     "mode, not passing by?", MODES3, "modes", run=1),
         Question(1000, "Halfway: compare the two panels. When training ends, how many modes will the non-saturating "
                        "GAN (left) cover?", MODES3, "modes", run=0)],
        "Measured on this seed (bench/quizzes.py, 2026-12-03): WGAN-GP covers 8 of 8 from iteration ~500 and ends "
        "with 72 % of its samples near a mode; the non-saturating GAN's ring opens at the top by ~1500 and ends "
        "covering 2 of 8 modes (7 with at least one sample; 51 % of its samples near a mode), the top mode empty. "
        "Over seeds 0–7 of this comparison the non-saturating GAN drops modes on 4 and WGAN-GP on none, so a class "
        "that changes the seed may see it keep all 8."),
    "wasserstein": Quiz(
        "Why Wasserstein: a distance that sees through disjoint supports", "figure1",
        {"lesson": "figure1", "objective.id": "wgan-gp", "data.means": "[6.0]"},
        "p_data sits at 6, p_g starts near 0: the two do not overlap. The critic (WGAN-GP) trains G. Watch JS and "
        "W1 in the history chart.",
        [Question(0, "During the first 200 iterations, which number will show that p_g gets closer?",
                  ["JS", "W1", "both", "neither"], "which_moved", about=200),
         Question(200, "W1 has fallen by more than half; p_g is still short of p_data. By the end of the lesson, "
                       "will JS have fallen below 0.05 too?",
                  ["yes", "no"], "js_below:0.05")],
        # slow motion through p_g's slide from 0 to 6 (~300 iterations): Figure 1's pace ran 80–200 in three frames
        pace=((320, 2), (None, 40)),
        observe="JS stays at log 2 = 0.693 while the supports do not overlap (it cannot tell near from far); W1 falls "
        "steadily from ~6 (2.5 at iteration 200); p_g reaches p_data near iteration 300, and then both fall (measured "
        "2026-12-03: JS 0.009, W1 0.05 at the end)."),
}


def setup_differences(q: Quiz, params: dict) -> list:
    """The keys of the quiz's own setup (``q.params``) that a link's parameters {key: [values]} set otherwise or not
    at all: its questions and teacher text were written for that setup (e.g. a link made before the setup changed)."""
    want = {k: sorted(map(str, v)) if isinstance(v, list) else [str(v)] for k, v in q.params.items()}
    return [k for k, v in want.items() if sorted(map(str, params.get(k) or [])) != v]


def parse_ask(text: str, length: int) -> Question:
    """A teacher's question from a link: ``AT|question|option|option[|option[|option]]`` (raises ValueError)."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < 4:
        raise ValueError("expected AT|question|option|option (2 to 4 options, separated by |)")
    try:
        at = int(parts[0])
    except ValueError:
        raise ValueError(f"{parts[0][:20]!r} is not an iteration") from None
    if not 0 <= at < length:
        raise ValueError(f"iteration {at} is not within the lesson (0 to {length - 1})")
    options = parts[2:]
    if len(options) > MAX_OPTIONS:
        raise ValueError(f"at most {MAX_OPTIONS} options")
    if any(not p or len(p) > MAX_TEXT for p in parts[1:]):
        raise ValueError(f"a question or an option is empty or longer than {MAX_TEXT} characters")
    return Question(at, parts[1], options)


def encode_ask(q: Question) -> str:
    return "|".join([str(q.at), q.text, *q.options])


def outcome(q: Question, rows: list, length: int, total_modes: int) -> tuple:
    """(the option that came true or None, the numbers) once the run has reached the question's moment."""
    it = length if q.about is None else q.about
    if not rows:
        return None, "not run yet"
    if q.check:
        name, _, arg = q.check.partition(":")
        return CHECKS[name](rows, it, total_modes, *([float(arg)] if arg else []))
    r = _row_at(rows, it)
    parts = [f"JS {fmt(r['js'])}", f"W1 {fmt(r['w1'])}"] + (
        [f"{int(r['modes'])} of {total_modes} modes"] if "modes" in r else [])
    return None, f"at iteration {r['iteration']}: " + ", ".join(parts)

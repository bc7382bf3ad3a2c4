"""The teacher's section on Home: the lessons in teaching order, what the class should see (as measured:
bench/lessons.py, bench/classroom.py, the quizzes' own runs), questions to ask, and the link that opens each
lesson (in lesson mode where a quiz exists: predict, then run, with only the controls the lesson needs)."""
from __future__ import annotations

from dataclasses import dataclass

from gantoy.lessons import lessonmode, quiz

QUIZ_SHOW = ["train", "speed", "timeline", "share"]   # what a quiz link lets students touch


@dataclass
class Step:
    title: str          # the lesson
    page: str           # url path of the lab
    params: dict        # its link (lesson and settings; lesson mode for quizzes)
    observe: str        # what the class should see (measured)
    ask: list           # questions for the class (the quiz's, or to discuss)


def _quiz(qid: str, title: str | None = None) -> Step:
    z = quiz.QUIZZES[qid]
    show = [c for c in QUIZ_SHOW if c in lessonmode.LAB_CONTROLS[z.page]]
    params = {**z.params, **lessonmode.encode(show, title or z.title, z.intro, qid)}
    return Step(title or z.title, z.page, params, z.observe, [q.text for q in z.questions])


COURSE = [
    _quiz("figure1"),
    Step("Why p_g has spikes", "figure1", {"lesson": "spikes1d"},
         "The same lesson with a piecewise-linear (leaky-ReLU) generator: p_g has sharp spikes where G folds "
         "(G′ near 0); the lesson's claims held on 10 of 10 seeds (bench/BENCHMARKS.md, lessons over seeds).",
         ["Where do the spikes of p_g sit, and what is G doing there?", "Why does the ELU generator of Figure 1 "
          "not have them?"]),
    Step("Two modes in 1-D", "figure1", {"lesson": "bimodal1d"},
         "A continuous G must split its noise between the modes and leaves a thin bridge of mass between them; "
         "97–98 % of samples end near a mode on each of 10 seeds (bench/BENCHMARKS.md, lessons over seeds).",
         ["Why can a continuous generator not put zero mass between the two modes?",
          "What would a discontinuous G need?"]),
    _quiz("wasserstein"),
    Step("Divergences side by side", "divergences", {"div:preset": "Disjoint strips (no overlap)"},
         "Slide two strips apart: once they stop overlapping JS and TV saturate (log 2, 1) and KL is infinite, "
         "while W1 keeps growing with the distance.",
         ["Which of these numbers could guide a generator whose samples miss the data entirely?"]),
    _quiz("collapse"),
    Step("Why GANs orbit", "dynamics", {},
         "The Dirac-GAN's simultaneous gradient steps spiral out from the equilibrium; alternating steps stay "
         "on a bounded orbit; R1 (γ > 0) converges.", ["What do the eigenvalues ±i·f′(0) say about the game?",
                                                       "Why does a penalty on D's gradient help?"]),
]

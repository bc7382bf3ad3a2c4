"""Predict, then run, in a lab: training stops at each question's iteration until the class answers; once
the run has passed what a question is about, ``revealed()`` gives each prediction next to what happened
(lessons/quiz.py reads the recorded metric rows)."""
from __future__ import annotations

from gantoy.core.history import moment
from gantoy.lessons import quiz


class Questions:
    """Mixin for Lab: ``questions`` (quiz.Question, by iteration) and ``answers`` {index: option index}."""

    questions: list = []
    answers: dict = {}
    quiz_pace: tuple | None = None     # a quiz's own lesson pace (quiz.Quiz.pace), or None: the lesson's

    def set_questions(self, questions: list, pace: tuple | None = None):
        self.questions = sorted(questions, key=lambda q: q.at)
        self.answers = {}
        self.quiz_pace = pace

    def pending_question(self):
        """(index, question) of the first question not yet answered, or None."""
        return next(((i, q) for i, q in enumerate(self.questions) if i not in self.answers), None)

    def waiting(self):
        """(index, question) the lab stands at and must ask before it trains on, or None."""
        p = self.pending_question()
        return p if p is not None and p[1].at <= self.trainer.iteration else None

    def stop_for_questions(self):
        """Called by start(): stop at the next question's iteration (or do not start when one is due now), and
        at each iteration a question is about (to record that moment exactly; training then goes on)."""
        if not self.questions or not self.running:
            return
        it, p = self.trainer.iteration, self.pending_question()
        if p is not None and p[1].at <= it:
            self.running, self.target = False, None
            return
        stops = [q.about for q in self.questions if q.about is not None and q.about > it]
        stops += [p[1].at] if p is not None else []
        if stops and (self.target is None or min(stops) < self.target):
            self.target = min(stops)

    def _about(self, q) -> int:
        """The iteration a question is about (None: the lesson's end)."""
        return self.length if q.about is None else q.about

    def after_stop(self):
        """Called when the live loop stopped at its target: at a moment a question is about (and no question
        is due), record it and go on."""
        it = self.trainer.iteration
        if it in {self._about(q) for q in self.questions}:
            self.snap
            for h in self.histories:   # the rows a reveal reads are thinned last (History.keep), however long it runs on
                if h.rows:
                    h.keep.add(moment(h.rows[-1]))
        # (a question about this iteration: recorded just above)
        if any(q.about == it for q in self.questions) and self.waiting() is None and not self.trainer.paused:
            self.start()

    def answer(self, index: int, option: int, go_on: bool = True):
        """Record the class's prediction; go on training when nothing else is due now."""
        self.answers[index] = option
        if go_on and self.waiting() is None and self.trainer.iteration > 0:
            self.start()

    def revealed(self) -> list:
        """[(question, the class's answer or None, the option that came true or None, the numbers)] for the
        questions whose moment the run has reached."""
        out = []
        self.snap                     # the present moment is recorded before it is read
        hist = self.histories
        data = self.trainer.data
        modes = len(data.centers) if getattr(data, "centers", None) is not None else 0
        for i, q in enumerate(self.questions):
            if self.trainer.iteration < self._about(q):
                continue
            rows = hist[min(q.run, len(hist) - 1)].rows
            came, numbers = quiz.outcome(q, rows, self.length, modes)
            out.append((q, self.answers.get(i), came, numbers))
        return out

"""The mode-collapse lab's state: the studies queued by one press of Run (each one configuration over N seeds, one
ensemble), the one being trained, the table of finished studies, and the live loop that trains them through the
gate like every other lab."""
from __future__ import annotations

from gantoy.session.live import LiveRun

FRAME_BUDGET = 0.3   # CPU seconds per frame: a study's frame draws only a progress bar and a count


class StudyLab(LiveRun):
    def __init__(self):
        super().__init__(FRAME_BUDGET, max_per_frame=10_000, first_chunk=2)
        self.study = None       # the collapse.Study being trained
        self.queue = []         # the studies still to train after it (one press of Run: a lesson's configurations)
        self.results = []       # StudyResults of the finished studies, in order
        self.error = None       # why the last study stopped early, or could not start
        self._finished = None   # the study whose result is in the table already

    @property
    def steppable(self):
        return self.study

    def start(self, studies):
        """Train ``studies`` (a collapse.Study or a list of them) one after another."""
        studies = list(studies) if isinstance(studies, (list, tuple)) else [studies]
        self.study, self.queue, self.error = studies[0], studies[1:], None
        self.running, self.target = True, None
        self.forget_speed()

    @property
    def done(self) -> bool:
        return self.study is None or (self.study.done and not self.queue)

    def advance(self) -> int:
        """One frame of the study; when it ends, its result joins the table and the next queued study starts
        (the loop stops after the last)."""
        done = super().advance()
        if self.study is not None and self.study.done and self._finished is not self.study:
            res = self.study.result()
            if res.status:
                self.error = f"{res.label} stopped early: {res.status}"
            self.results = self.results + [res]
            self._finished = self.study
            if self.queue and not res.status:
                self.study, self.queue = self.queue[0], self.queue[1:]
                self.running = True
                self.forget_speed()
            else:
                self.queue, self.running = [], False
        return done

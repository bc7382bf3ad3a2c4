"""The mode-collapse lab's state: the study being trained (one configuration over N seeds, one ensemble), the
table of finished studies, and the live loop that trains the study through the gate like every other lab."""
from __future__ import annotations

from gantoy.lessons import collapse
from gantoy.session.live import LiveRun

FRAME_BUDGET = 0.3   # CPU seconds per frame: a study's frame draws only a progress bar and a count


class StudyLab(LiveRun):
    def __init__(self):
        super().__init__(FRAME_BUDGET, max_per_frame=10_000, first_chunk=2)
        self.study = None       # the collapse.Study being trained
        self.results = []       # StudyResults of the finished studies, in order
        self.error = None       # why the last study stopped early, or could not start
        self._finished = None   # the study whose result is in the table already

    @property
    def steppable(self):
        return self.study

    def start(self, study: collapse.Study):
        self.study, self.error = study, None
        self.running, self.target = True, None
        self.forget_speed()

    def advance(self) -> int:
        """One frame of the study; when it ends, its result joins the table (and the loop stops)."""
        done = super().advance()
        if self.study is not None and self.study.done and self._finished is not self.study:
            res = self.study.result()
            if res.status:
                self.error = f"{res.label} stopped early: {res.status}"
            self.results = self.results + [res]
            self._finished = self.study
            self.running = False
        return done

"""The mode-collapse lab's state: the studies queued by one press of Run (each one configuration over N seeds, one
ensemble), the one being trained, the table of finished studies, and the live loop that trains them through the
gate like every other lab; and the export of a finished study's recorded moments as an animation."""
from __future__ import annotations

import dataclasses

import numpy as np

from gantoy.core import data as data_mod
from gantoy.core.config import ConfigError
from gantoy.render import animation, studyanim
from gantoy.session.live import LiveRun

FRAME_BUDGET = 0.3   # CPU seconds per frame: a study's frame draws a progress bar, a count and a cached figure
# the range export: at most 60 moments (evenly spaced, ends kept) of 800 x 480 pixels (sides multiples of 16,
# the MP4 codec's block), so one student's export draws in seconds and stays a few MB on a shared server
MAX_EXPORT_FRAMES = 60
EXPORT_SIZE = (800, 480)
EXPORT_FPS = 6
EXPORT_FORMATS = ("gif", "mp4", "html")
# the recorded samples the lab keeps for rewinding: every study of the last press of Run (a lesson's collapse and
# its cure), newest first, while they fit in this many bytes (51 records x seeds x FRAME_POINTS x 2 float32: 1.6 MB
# for 8 seeds, 6.5 MB for the slider's 32, so all five of "Ring: every remedy" at 32 seeds just miss; a class server
# holds one lab per student); an older one beyond it keeps only its end and its mode counts
FRAMES_BUDGET = 32_000_000


class StudyLab(LiveRun):
    def __init__(self):
        super().__init__(FRAME_BUDGET, max_per_frame=10_000, first_chunk=2)
        self.study = None       # the collapse.Study being trained
        self.queue = []         # the studies still to train after it (one press of Run: a lesson's configurations)
        self.results = []       # StudyResults of the finished studies, in order
        self.error = None       # why the last study stopped early, or could not start
        self._finished = None   # the study whose result is in the table already
        self._earlier = set()   # uids of the results from an earlier press of Run (their samples over time dropped)

    @property
    def steppable(self):
        return self.study

    def start(self, studies):
        """Train ``studies`` (a collapse.Study or a list of them) one after another."""
        studies = list(studies) if isinstance(studies, (list, tuple)) else [studies]
        self.study, self.queue, self.error = studies[0], studies[1:], None
        # an earlier Run's studies stay in the table, without their recorded samples
        self.results = [_without_frames(r) for r in self.results]
        self._earlier = {r.uid for r in self.results}
        self.running, self.target = True, None
        self.forget_speed()

    @property
    def done(self) -> bool:
        return self.study is None or (self.study.done and not self.queue)

    def why_not_rewindable(self, res) -> str:
        """Why ``res`` (a result in the table) kept no samples over time: "" if it kept them."""
        if res.frames is not None:
            return ""
        if res.uid in self._earlier:
            return ("This study is from an earlier press of Run: it kept its end and its mode counts, not its samples "
                    "over time, so it cannot be rewound. Press **Run** again to record it.")
        return (f"This study's samples over time did not fit in the lab's memory for them "
                f"({FRAMES_BUDGET / 1e6:.0f} MB, the newest studies first), so it cannot be rewound: it kept its end "
                "and its mode counts. Run it alone, or with fewer seeds, to rewind it.")

    def clear(self):
        """Empty the table; a finished study goes with it (its progress line, its last coverage), so the page is
        as before the first Run. A study still under way, paused or not, stays: Continue goes on with it."""
        self.results = []
        if self.done:
            self.study, self.queue, self.error, self._finished = None, [], None, None

    def advance(self) -> int:
        """One frame of the study; when it ends, its result joins the table and the next queued study starts
        (the loop stops after the last)."""
        done = super().advance()
        if self.study is not None and self.study.done and self._finished is not self.study:
            res = self.study.result()
            if res.status:
                self.error = f"{res.label} stopped early: {res.status}"
            self.results = _within_budget(self.results + [res])
            self._finished = self.study
            if self.queue and not res.status:
                self.study, self.queue = self.queue[0], self.queue[1:]
                self.running = True
                self.forget_speed()
            else:
                self.queue, self.running = [], False
        return done


def _without_frames(res):
    """``res`` without its recorded samples; the same uid, so the widgets that show it keep their state."""
    if res.frames is None:
        return res
    out = dataclasses.replace(res, frames=None)
    out.uid = res.uid
    return out


def _within_budget(results: list, budget: int | None = None) -> list:
    """``results`` with the recorded samples of the newest ones kept while their bytes fit in ``budget`` (default
    FRAMES_BUDGET; the newest always keeps its own), the older ones' dropped."""
    budget = FRAMES_BUDGET if budget is None else budget
    kept, used = [], 0
    for i, r in enumerate(reversed(results)):
        size = 0 if r.frames is None else r.frames.nbytes
        keep = i == 0 or used + size <= budget
        used += size if keep else 0
        kept.append(r if keep else _without_frames(r))
    return kept[::-1]


def moments_between(res, lo: int, hi: int, most: int = MAX_EXPORT_FRAMES) -> list:
    """Positions of ``res``'s records at iterations lo ... hi: at most ``most``, evenly spaced, ends kept."""
    idx = [t for t, it in enumerate(res.iterations) if lo <= it <= hi]
    if len(idx) <= most:
        return idx
    keep = np.unique(np.round(np.linspace(0, len(idx) - 1, most)).astype(int))
    return [idx[k] for k in keep]


def export_range(res, lo: int, hi: int, fmt: str, progress=None) -> bytes:
    """The study's recorded moments from iteration ``lo`` to ``hi`` as a GIF, MP4 or interactive HTML page (one
    frame per moment, at most MAX_EXPORT_FRAMES); ConfigError with the reason for a bad request."""
    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"format: {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
    if res.frames is None:
        raise ConfigError("export: this study kept no samples over time (an earlier Run's, or beyond the lab's memory "
                          "for them); run it again, alone or with fewer seeds")
    if lo > hi:
        raise ConfigError(f"export: the range starts after it ends ({lo} > {hi})")
    idx = moments_between(res, lo, hi)
    if not idx:
        raise ConfigError(f"export: no recorded moment between iterations {lo} and {hi}")
    centers = data_mod.make(res.cfg.data).centers
    args = (res.frames[idx], res.counts[idx], centers, res.min_count, [res.iterations[t] for t in idx],
            [f"seed {s}" for s in res.seeds])
    if fmt == "html":
        return studyanim.study_html(*args, heading=f"{res.label} · ").encode()
    imgs = studyanim.iter_study_frames(*args, heading=f"{res.label} · ", size=EXPORT_SIZE, progress=progress)
    if fmt == "gif":
        return animation.encode_gif(list(imgs), EXPORT_FPS)
    return animation.encode_mp4(imgs, EXPORT_FPS)

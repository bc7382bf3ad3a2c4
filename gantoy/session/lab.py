"""The state of a training lab, one per page per browser session: the Trainer, its metric History and frame
History, a pending configuration change, the lesson being played (its pace, its length, what it showed), an
exact D solve in progress, and (from LiveRun) the live-loop settings. No streamlit: the UI keeps one Lab per
session in ``st.session_state`` (gantoy/ui/state.py), never in a module global or ``st.cache_resource``, so
two students never share a run.

A lesson has a length (``train.steps``): Train runs to it and stops; ``debrief()`` then says what the run
showed and ``continue_past()`` trains on without a target. Speed is the lesson's pace (``Lesson.pace``: slow
through its main event, faster after) unless the user picks a fixed number of iterations per frame.
"""
from __future__ import annotations

import time

from gantoy.core.config import RunConfig
from gantoy.core.history import FRAME_CAPACITY, History
from gantoy.lessons import debrief, presets
from gantoy.measure.optimum import OptimalD
from gantoy.measure.snapshot import ensemble_frame, ensemble_frame_nbytes, frame, from_ensemble_frame, metric_row
from gantoy.measure.trainer import Trainer
from gantoy.session.gate import GATE
from gantoy.session.live import FRAME_BUDGET, LiveRun
from gantoy.session.questions import Questions
from gantoy.session.timeline import Timeline

AUTO = "auto"    # speed: the lesson's pace
SOLVER_STEPS = 3  # L-BFGS steps of the exact D solve per live frame: d_star_err visibly falls over a few seconds

ENSEMBLE_FRAME_BUDGET = 0.4  # the compare lab's frames snapshot and draw every run: more training per frame
# an ensemble's recorded moments hold every run's frame (2-D: ~74 KB for run 0, up to ~54 KB for each other run):
# at most this much memory per lab, not FRAME_CAPACITY x 6 runs (~90 MB a student). Two runs of ring8 keep all
# 200 moments (22 MB), six runs of grid25 96 moments (30 MB); a single-run lab's frames take up to 15 MB
ENSEMBLE_FRAME_BYTES = 30_000_000


class Lab(Questions, Timeline, LiveRun):
    def __init__(self, name: str, cfg: RunConfig, lesson: str | None = None):
        super().__init__(FRAME_BUDGET)
        self.name = name
        self.pending = None           # a structural config change waiting for "apply and reset"
        self.version = 0              # bumps when cfg changes programmatically (widgets resync)
        self.lesson = lesson          # the preset being played (None: the user's own data)
        self.speed = AUTO             # iterations per frame: AUTO (the lesson's pace) or a number
        self.solver = None            # an exact D solve in progress (measure/optimum.py), or None
        self.note = ""                # the last solve's verdict, or what continuing past the lesson changed
        self.note_at = None           # a verdict's moment (the trainer's key): shown only while the run is there
        self.reset(cfg)

    @property
    def steppable(self):
        return self.solver if self.solver is not None else self.trainer

    @property
    def steps_per_frame(self) -> float:
        if self.speed != AUTO:
            return self.speed if self.speed < 1 else int(self.speed)
        pace = self.quiz_pace or (presets.lesson(self.lesson).pace if self.lesson in presets.names()
                                  else presets.DEFAULT_PACE)
        return presets.pace_at(pace, self.trainer.iteration)

    @steps_per_frame.setter
    def steps_per_frame(self, value):   # LiveRun's default; a Lab's speed is ``speed``
        pass

    # ---- the lesson ----------------------------------------------------------------------------
    @property
    def length(self) -> int:
        return self.cfg.train.steps

    @property
    def lesson_over(self) -> bool:
        """The lesson has run its length (and the user has not chosen to go on)."""
        return self.trainer.iteration >= self.length and not self.past_lesson

    def start(self):
        """Train: to the lesson's length, or on without a target once past it."""
        if self.trainer.paused:
            return
        self.solver = None
        self.rewound = None
        self.running = True
        self.target = None if self.past_lesson else (self.length if self.trainer.iteration < self.length else None)
        if self.target is None and not self.past_lesson:
            self.running = False   # the lesson has run its length: continue_past() goes on
        self.stop_for_questions()

    def continue_past(self) -> str:
        """Go on past the lesson's length. A schedule that has decayed to 0 would make that a no-op: then the
        learning rates go back to constant (the lesson's own), and the note says so."""
        self.past_lesson = True
        self.note, self.note_at = "", None
        t = self.cfg.train
        if self.trainer.lr_scale() == 0.0:
            cfg = self.cfg.copy()
            cfg.train.schedule = "constant"
            self.cfg = cfg
            self.trainer.cfg.train.schedule = "constant"
            for c in self.trainer.configs:
                c.train.schedule = "constant"
            self.note = (f"The {t.schedule} schedule had brought the learning rates to 0 at iteration {t.steps}; "
                         f"going on at the lesson's constant rates (D {t.lr_d:g}, G {t.lr_g:g}).")
        self.start()
        return self.note

    @property
    def current_note(self) -> str:
        """The note to show now: a D solve's verdict only while the run is still at the moment it describes (after
        Train, Step or Step G it said "D reached D*" of a D that had moved on) and the page shows it; a
        continuation's note as long as it stands."""
        if self.note_at is not None and (self.note_at != self._key() or self.rewound is not None):
            return ""    # (rewound: the page shows a past moment, the verdict is about the present)
        return self.note

    def debrief(self) -> str:
        """What the lesson showed, from this run's numbers (lessons/debrief.py)."""
        first = self.history.rows[0] if self.history.rows else {}
        return debrief.debrief(self.lesson or "custom", first, self.snap, self.trainer.data)

    # ---- D to its optimum ----------------------------------------------------------------------
    def can_solve_d(self) -> str:
        """'' if D can be trained to its optimum exactly here, else why not (for the button's tooltip)."""
        obj, _ = self.trainer.objective(0)
        if self.trainer.dim != 1:
            return "the exact optimum is computed in 1-D; use Step D"
        if obj.d_star is None:
            return f"{obj.id} is a critic: it has no closed-form optimal D* to train to; use Step D"
        if self.trainer.pack > 1:
            return "a packed D (PacGAN) is trained to its optimum by the sampled inner loop only; use Step D"
        return ""

    def solve_d(self):
        """Start training D to its optimum (exactly, measure/optimum.py); the live loop runs it."""
        if self.can_solve_d() or self.trainer.paused:
            return
        self.solver = OptimalD(self.trainer)
        self.note, self.note_at = "", None
        self.running, self.target = True, None

    def advance(self) -> int:
        """One live frame: a few steps of the exact D solve when one runs (its own pace, not the training
        chunk's), else one training chunk."""
        if self.solver is None:
            done = super().advance()
            if not self.running and self.questions:
                self.after_stop()
            return done
        with GATE.chunk():
            done = self.solver.step(SOLVER_STEPS)
        self.frame_times.append(time.perf_counter())
        if self.solver.done:
            self.note = self.solver.verdict()
            self.note_at = self._key()
            self.solver = None
            self.running = False
        return done

    # ---- lifecycle -----------------------------------------------------------------------------
    def reset_run(self):
        """The Reset button: new networks from the seed, the run they replace kept for ``undo_reset`` until the new
        run moves (one click lost a trained run). reset() replaces the state's objects and never mutates them, so
        a shallow copy of the attributes is the whole old run."""
        # a second Reset before the new run moves (a double click) keeps the trained run, not the empty one
        kept = self._replaced if self.undoable() is not None else dict(self.__dict__)
        self.reset()
        self._replaced = kept

    def undoable(self) -> int | None:
        """The iteration of the run the last Reset replaced while it can still come back (the new run has not
        moved), else None — and the old run is let go."""
        kept, t = getattr(self, "_replaced", None), self.trainer
        if kept is not None and (self.running or (t.iteration, t.d_updates, t.g_updates) != (0, 0, 0)):
            self._replaced = kept = None
        return None if kept is None else kept["trainer"].iteration

    def undo_reset(self):
        """Bring back the run the last Reset replaced, paused, as it was."""
        if self.undoable() is not None:
            self.__dict__.update(self._replaced)
            self._replaced, self.running, self.target = None, False, None

    def reset(self, cfg: RunConfig | None = None):
        self._replaced = None          # any other reset (a lesson, a setting, a loaded file) is not undone
        if cfg is not None:
            self.cfg = cfg.copy()
            self.version += 1
        self._build()
        self.frames = History(FRAME_CAPACITY)   # what exports animate (bounded, thinned like the metrics)
        self.running = False
        self.target = None
        self.pending = None
        self.solver = None
        self.past_lesson = False      # the user chose to train past the lesson's length
        self.note = ""
        self.note_at = None
        self._snap = None
        self.answers = {}             # a new run: the questions are asked again
        self.clear_timeline()
        self.forget_speed()

    def _build(self):
        self.trainer = Trainer(self.cfg)
        self.history = History()
        self.histories = [self.history]   # one per run (an EnsembleLab has several)

    @property
    def snap(self):
        """The latest snapshot (computed on demand, recorded in the histories)."""
        if self._snap is None or self._snap_key != self._key():
            self._snap = self.trainer.snapshot()
            self._snap_key = self._key()
            self.history.add(metric_row(self._snap))
            self.frames.add(frame(self._snap))
            self.keep_checkpoint()
            self.rewound = None        # a new moment (trained, stepped): the timeline is back at now
        return self._snap

    def _key(self):
        t = self.trainer
        return (t.iteration, t.d_updates, t.g_updates, t.revision, id(t))

    # ---- config ------------------------------------------------------------------------------
    def propose(self, new_cfg: RunConfig):
        """A config from the widgets: learning rates apply live; anything else waits for a reset."""
        old = self.cfg
        live = old.copy()
        live.train.lr_d, live.train.lr_g = new_cfg.train.lr_d, new_cfg.train.lr_g
        if new_cfg == live:  # only learning rates (or nothing) changed
            if (old.train.lr_d, old.train.lr_g) != (new_cfg.train.lr_d, new_cfg.train.lr_g):
                self.trainer.set_lr(new_cfg.train.lr_d, new_cfg.train.lr_g)  # also updates trainer.cfg
                self.cfg = new_cfg.copy()
                if self.trainer.paused:  # a divergence pause ends when the user lowers the rate
                    self.trainer.resume()
            self.pending = None
        else:
            self.pending = new_cfg.copy()


class EnsembleLab(Lab):
    """Several runs side by side in one Trainer ensemble (the compare lab): one History per run,
    snapshots of every run per frame."""

    def __init__(self, name: str, cfgs: list, labels: list, lesson: str | None = None):
        self.cfgs, self.labels = [c.copy() for c in cfgs], list(labels)
        super().__init__(name, cfgs[0], lesson)
        self.frame_budget = ENSEMBLE_FRAME_BUDGET

    def debrief(self) -> str:
        """Each run's result side by side (the point of a comparison)."""
        parts = []
        for lbl, s in zip(self.labels, self.snaps):
            m = s.metrics
            k = len(self.trainer.data.centers) if getattr(self.trainer.data, "centers", None) is not None else 0
            parts.append(f"**{lbl}** " + (f"{m['modes']} of {k} modes, " if k else "") + f"W1 {m['w1']:.3f}")
        return "; ".join(parts) + "."

    def reset(self, cfg=None, cfgs: list | None = None, labels: list | None = None):
        if cfgs is not None:
            Trainer.from_configs(cfgs)  # validate before anything changes (raises ConfigError)
            self.cfgs, self.labels = [c.copy() for c in cfgs], list(labels)
        super().reset(self.cfgs[0] if cfgs is not None else cfg)

    def _build(self):
        self.trainer = Trainer.from_configs(self.cfgs)
        self.histories = [History() for _ in self.cfgs]
        self.history = self.histories[0]   # what reads one run's metric rows reads run 0's

    @property
    def snaps(self) -> list:
        """The latest snapshot of every run (recorded in each run's History, and as one moment of the timeline:
        every run's frame, the ensemble's trainer state)."""
        if self._snap is None or self._snap_key != self._key():
            self._snap = [self.trainer.snapshot(run=r) for r in range(self.trainer.R)]
            self._snap_key = self._key()
            for h, s in zip(self.histories, self._snap):
                h.add(metric_row(s))
            self._record(ensemble_frame(self._snap))
            self.keep_checkpoint()       # export_state holds every run
            self.rewound = None          # a new moment: the timeline is back at now
        return self._snap

    def _record(self, f: dict):
        if not self.frames.rows:   # as many moments as fit ENSEMBLE_FRAME_BYTES (one lab's frames share a size)
            self.frames.capacity = max(4, min(FRAME_CAPACITY, ENSEMBLE_FRAME_BYTES // max(1, ensemble_frame_nbytes(f))))
        self.frames.add(f)

    @property
    def shown_snaps(self) -> list:
        """What the page draws of every run: the rewound moment's snapshots as recorded, or the current ones."""
        if self.rewound is None or self.running:
            return self.snaps
        return from_ensemble_frame(self._frame_at(self.rewound))

    @property
    def snap(self):
        return self.snaps[0]

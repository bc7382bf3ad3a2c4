"""The state of a training lab, one per page per browser session: the Trainer, its metric History and frame
History, a pending configuration change, and (from LiveRun) the live-loop settings. No streamlit: the UI
keeps one Lab per session in ``st.session_state`` (gantoy/ui/state.py), never in a module global or
``st.cache_resource``, so two students never share a run.
"""
from __future__ import annotations

from gantoy.core.config import RunConfig
from gantoy.core.history import FRAME_CAPACITY, History
from gantoy.measure.snapshot import frame, metric_row
from gantoy.measure.trainer import Trainer
from gantoy.session.live import FRAME_BUDGET, LiveRun

ENSEMBLE_FRAME_BUDGET = 0.4  # the compare lab's frames snapshot and draw every run: more training per frame


class Lab(LiveRun):
    def __init__(self, name: str, cfg: RunConfig):
        super().__init__(FRAME_BUDGET)
        self.name = name
        self.pending = None           # a structural config change waiting for "apply and reset"
        self.version = 0              # bumps when cfg changes programmatically (widgets resync)
        self.reset(cfg)

    @property
    def steppable(self):
        return self.trainer

    # ---- lifecycle -----------------------------------------------------------------------------
    def reset(self, cfg: RunConfig | None = None):
        if cfg is not None:
            self.cfg = cfg.copy()
            self.version += 1
        self._build()
        self.frames = History(FRAME_CAPACITY)   # what exports animate (bounded, thinned like the metrics)
        self.running = False
        self.target = None
        self.pending = None
        self._snap = None
        self.forget_speed()

    def _build(self):
        self.trainer = Trainer(self.cfg)
        self.history = History()

    @property
    def snap(self):
        """The latest snapshot (computed on demand, recorded in the histories)."""
        if self._snap is None or self._snap_key != self._key():
            self._snap = self.trainer.snapshot()
            self._snap_key = self._key()
            self.history.add(metric_row(self._snap))
            self.frames.add(frame(self._snap))
        return self._snap

    def _key(self):
        t = self.trainer
        return (t.iteration, t.d_updates, t.g_updates, id(t))

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

    def __init__(self, name: str, cfgs: list, labels: list):
        self.cfgs, self.labels = [c.copy() for c in cfgs], list(labels)
        super().__init__(name, cfgs[0])
        self.frame_budget = ENSEMBLE_FRAME_BUDGET

    def reset(self, cfg=None, cfgs: list | None = None, labels: list | None = None):
        if cfgs is not None:
            Trainer.from_configs(cfgs)  # validate before anything changes (raises ConfigError)
            self.cfgs, self.labels = [c.copy() for c in cfgs], list(labels)
        super().reset(self.cfgs[0] if cfgs is not None else cfg)

    def _build(self):
        self.trainer = Trainer.from_configs(self.cfgs)
        self.histories = [History() for _ in self.cfgs]
        self.history = self.histories[0]   # frames (exports) follow run 0

    @property
    def snaps(self) -> list:
        """The latest snapshot of every run (recorded in each run's History)."""
        if self._snap is None or self._snap_key != self._key():
            self._snap = [self.trainer.snapshot(run=r) for r in range(self.trainer.R)]
            self._snap_key = self._key()
            for h, s in zip(self.histories, self._snap):
                h.add(metric_row(s))
            self.frames.add(frame(self._snap[0]))
        return self._snap

    @property
    def snap(self):
        return self.snaps[0]

"""Per-browser-session lab state: the Trainer, its History, and the live-loop settings.

Everything lives in ``st.session_state`` (one Lab per page per browser session), never in a module
global or ``st.cache_resource``, so two students never share a run.
"""
from __future__ import annotations

import time
from collections import deque

import streamlit as st

from gantoy.config import ConfigError, RunConfig
from gantoy.history import FrameHistory, History, row_from_snapshot
from gantoy.train import Trainer
from gantoy.ui.gate import GATE

FRAME_INTERVAL = 0.05      # seconds between the end of one live redraw and the next request (period = this + work + render)
HISTORY_INTERVAL = 1.0     # seconds between redraws of the metric-history charts
FRAME_BUDGET = 0.12        # CPU seconds of training per frame; the chunk adapts to it (fair on a shared server)
ENSEMBLE_FRAME_BUDGET = 0.4  # the compare lab's frames draw several runs; more training per frame
PRESS_WINDOW = 0.3         # seconds: a second delivery of a Train/Pause press inside this is the same press


class Lab:
    def __init__(self, name: str, cfg: RunConfig):
        self.name = name
        self.steps_per_frame = 50     # upper bound on iterations per frame ("speed")
        self.frame_budget = FRAME_BUDGET  # seconds of training per frame
        self.running = False
        self.target = None            # stop when the iteration counter reaches this ("run to equilibrium")
        self.pending = None           # a structural config change waiting for "apply and reset"
        self.version = 0              # bumps when cfg changes programmatically (widgets resync)
        self._sec_per_it = None
        self.frame_times = deque(maxlen=30)
        self.reset(cfg)

    # ---- lifecycle -----------------------------------------------------------------------------
    def reset(self, cfg: RunConfig | None = None):
        if cfg is not None:
            self.cfg = cfg.copy()
            self.version += 1
        self._build()
        self.frames = FrameHistory()   # what exports animate (bounded, thinned like the History)
        self.running = False
        self.target = None
        self.pending = None
        self._snap = None
        self._sec_per_it = None

    def _build(self):
        self.trainer = Trainer(self.cfg)
        self.history = History()

    @property
    def snap(self):
        """The latest snapshot (computed on demand, recorded in the History)."""
        if self._snap is None or self._snap_key != self._key():
            self._snap = self.trainer.snapshot()
            self._snap_key = self._key()
            self.history.add(row_from_snapshot(self._snap))
            self.frames.add_snapshot(self._snap)
        return self._snap

    def _key(self):
        t = self.trainer
        return (t.iteration, t.d_updates, t.g_updates, id(t))

    # ---- live loop ---------------------------------------------------------------------------
    def chunk(self, share: float = 1.0) -> int:
        """Iterations for the next frame: at most steps_per_frame, and no more than fits ``share`` of the
        frame's time budget at the measured speed, so several sessions on one server share the CPU."""
        if self._sec_per_it is None:
            return max(1, min(self.steps_per_frame, 5))
        fit = int(share * self.frame_budget / max(self._sec_per_it, 1e-6))
        return max(1, min(self.steps_per_frame, fit))

    def advance(self):
        """One live frame of training. Stops at the target iteration or when the trainer pauses.
        Trains through the process's gate (one chunk at a time, the budget split among the sessions
        training: gantoy/ui/gate.py), so the measured speed is this lab's own."""
        n = self.chunk(GATE.share(id(self)))
        if self.target is not None:
            n = min(n, max(0, self.target - self.trainer.iteration))
        if n > 0:
            with GATE.chunk():
                # the budget is in this thread's CPU time: on a shared server a chunk's wall time also
                # counts the waits for the GIL while other sessions draw (an iteration's 3 ms took
                # 4-70 ms with 8 sessions), and a wall-clock budget then shrank training to ~1 iteration
                # a frame (5 it/s per session at 4 frames/s, bench/server_share.py)
                t0 = time.thread_time()
                done = self.trainer.step(n)
                dt = time.thread_time() - t0
            if done:
                s = dt / done
                self._sec_per_it = s if self._sec_per_it is None else 0.7 * self._sec_per_it + 0.3 * s
        self.frame_times.append(time.perf_counter())
        if self.trainer.paused or (self.target is not None and self.trainer.iteration >= self.target):
            self.running = False
            self.target = None

    def redraw_rate(self) -> float:
        ts = list(self.frame_times)
        if len(ts) < 2 or ts[-1] == ts[0]:
            return 0.0
        return (len(ts) - 1) / (ts[-1] - ts[0])

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


def get_lab(name: str, default_cfg) -> Lab:
    """This browser session's Lab for page ``name`` (created on first visit)."""
    key = f"lab:{name}"
    if key not in st.session_state:
        cfg = default_cfg() if callable(default_cfg) else default_cfg
        st.session_state[key] = Lab(name, cfg)
    return st.session_state[key]


def first_press(key: str) -> bool:
    """False when this press of button ``key`` is a repeat delivery of the last one (within PRESS_WINDOW).

    Measured: a Pause pressed while a live fragment reruns can reach its callback twice, 26–89 ms apart
    (a Streamlit race between the click's rerun and the fragment's auto-reruns), and the second toggle
    resumed training (2 of 5 Pauses lost in bench-style trials). A person cannot mean Train then Pause
    within 0.3 s, so a toggle ignores the repeat."""
    now, k = time.monotonic(), f"press:{key}"
    if now - st.session_state.get(k, -1e9) < PRESS_WINDOW:
        return False
    st.session_state[k] = now
    return True


def try_config(fn, *args):
    """Run a config-producing function; show st.error and return None on a ConfigError."""
    try:
        return fn(*args)
    except ConfigError as e:
        st.error(f"Not applied: {e}")
        return None


class EnsembleLab(Lab):
    """Several runs side by side in one Trainer ensemble (the compare lab): one History per run,
    snapshots of every run per frame."""

    def __init__(self, name: str, cfgs: list, labels: list):
        self.cfgs, self.labels = [c.copy() for c in cfgs], list(labels)
        super().__init__(name, cfgs[0])
        # a frame also snapshots and draws every run: train longer per frame so training is not
        # a small fraction of the frame
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
                h.add(row_from_snapshot(s))
            self.frames.add_snapshot(self._snap[0])
        return self._snap

    @property
    def snap(self):
        return self.snaps[0]


def get_ensemble_lab(name: str, default) -> EnsembleLab:
    """This browser session's EnsembleLab for page ``name``; ``default()`` -> (cfgs, labels)."""
    key = f"lab:{name}"
    if key not in st.session_state:
        cfgs, labels = default()
        st.session_state[key] = EnsembleLab(name, cfgs, labels)
    return st.session_state[key]

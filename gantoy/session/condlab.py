"""The conditional lab's state: its CondTrainer, trained by the one live loop (session/live.py)."""
from __future__ import annotations

from gantoy.session.live import LiveRun
from gantoy.theory.conditional import CondConfig, CondTrainer

FRAME_BUDGET = 0.25      # CPU seconds of training per live frame: its frames draw little
MAX_ITERATIONS = 20_000  # the live loop stops itself here


class CondLab(LiveRun):
    def __init__(self, cfg: CondConfig):
        super().__init__(FRAME_BUDGET, max_per_frame=500, first_chunk=20)
        self.reset(cfg)

    @property
    def steppable(self):
        return self.trainer

    def reset(self, cfg: CondConfig | None = None):
        if cfg is not None:
            self.cfg = cfg
        self.trainer = CondTrainer(self.cfg)
        self.running = False
        self.target = MAX_ITERATIONS
        self.forget_speed()

    def start(self):
        """Train on (from the current iteration up to MAX_ITERATIONS)."""
        self.running = not self.trainer.paused
        self.target = MAX_ITERATIONS

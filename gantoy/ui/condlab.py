"""Per-session state of the conditional lab: the CondTrainer, the live-loop flag, the last error."""
from __future__ import annotations

import time

import streamlit as st

from gantoy.conditional import CondConfig, CondTrainer
from gantoy.ui.gate import GATE

FRAME_BUDGET = 0.25   # CPU seconds of training per live frame (the chunk adapts to it)
MAX_ITERATIONS = 20_000  # the live loop pauses itself here


class CondLab:
    def __init__(self, cfg: CondConfig):
        self.reset(cfg)

    def reset(self, cfg: CondConfig | None = None):
        if cfg is not None:
            self.cfg = cfg
        self.trainer = CondTrainer(self.cfg)
        self.running = False
        self.error = None
        self._chunk = 20

    def advance(self):
        """One live frame: as many iterations as fit in this session's share of FRAME_BUDGET (trained
        through the process's gate, gantoy/ui/gate.py); a divergence pauses with a message."""
        budget = FRAME_BUDGET * GATE.share(id(self))
        with GATE.chunk():
            t0 = time.thread_time()   # CPU time, not wall time: see Lab.advance
            try:
                self.trainer.step(self._chunk)
            except FloatingPointError as e:
                self.running, self.error = False, str(e)
                return
            dt = time.thread_time() - t0
        self._chunk = int(min(500, max(5, self._chunk * budget / max(dt, 1e-4))))
        if self.trainer.iteration >= MAX_ITERATIONS:
            self.running = False


def get_lab() -> CondLab:
    if "cond:lab" not in st.session_state:
        st.session_state["cond:lab"] = CondLab(CondConfig())
    return st.session_state["cond:lab"]

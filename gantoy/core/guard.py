"""The divergence guard every trainer shares: one way to report a diverged run, and the checkpoint it
falls back to.

A trainer checks each loss before applying its update; a non-finite one (NaN or ±inf) stops the update,
restores the last good checkpoint (taken at the start of every ``step`` call and every
``CHECKPOINT_EVERY`` iterations within it) and pauses the trainer with a ``Status`` that says what
happened, where, and what to do. Nothing raises: callers read ``trainer.paused`` / ``trainer.status``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

CHECKPOINT_EVERY = 100


@dataclass(frozen=True)
class Status:
    state: str = "ok"           # "ok" or "diverged"
    message: str = ""           # what happened and what to do, for the user
    which: str = ""             # the loss that went non-finite: "D" or "G"
    runs: tuple = field(default_factory=tuple)   # the runs of an ensemble whose loss did
    iteration: int = 0          # the iteration being computed when it did

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def _clone(module) -> dict:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


class Guarded:
    """Mixin: checkpoints, the pause on divergence, resume. A subclass has the networks ``G`` and ``D``, their
    optimisers ``opt_g`` and ``opt_d`` and the weight average ``avg`` (or None); it provides ``_state()`` (a
    deep copy of everything an update changes: ``nets_state()`` plus its random generators and counters) and
    ``_load(state)`` (``load_nets`` plus the rest), and keeps ``iteration`` and ``iteration_at_failure``
    current."""

    status: Status = Status()
    iteration_at_failure: int = 0   # the iteration being computed when a loss went non-finite
    _checkpoint = None

    def _state(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _load(self, state: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def nets_state(self) -> dict:
        """Copies of the networks, the weight average and both optimisers' moments."""
        return {"G": _clone(self.G), "D": _clone(self.D), "G_avg": None if self.avg is None else _clone(self.avg.net),
                "opt_d": self.opt_d.state_dict(), "opt_g": self.opt_g.state_dict()}

    def load_nets(self, s: dict):
        self.G.load_state_dict(s["G"])
        self.D.load_state_dict(s["D"])
        if self.avg is not None:
            self.avg.net.load_state_dict(s["G_avg"])
        self.opt_d.load_state_dict(s["opt_d"])
        self.opt_g.load_state_dict(s["opt_g"])

    @property
    def paused(self) -> bool:
        return not self.status.ok

    def resume(self):
        """Clear a divergence pause (after the user changed a setting)."""
        self.status = Status()

    def export_state(self) -> dict:
        """Everything training changes (a copy), for a state file (session/saved.py)."""
        return self._state()

    def import_state(self, state: dict):
        """Continue from an exported state: it becomes the last good checkpoint, any pause is cleared."""
        self._load(state)
        self.save_checkpoint()
        self.resume()

    def save_checkpoint(self):
        self._checkpoint = self._state()

    def restore_checkpoint(self):
        self._load(self._checkpoint)

    def reset_to_last_good(self):
        """Restore the last good checkpoint and clear the pause."""
        self.restore_checkpoint()
        self.resume()

    def check_finite(self, losses, which: str) -> bool:
        """True if every loss in ``losses`` (one per run) is finite; otherwise restore the checkpoint,
        pause with a Status naming the loss, the runs and the iterations, and return False."""
        values = [float(v) for v in losses]
        bad = tuple(r for r, v in enumerate(values) if not math.isfinite(v))
        if not bad:
            return True
        it = self._checkpoint["iteration"]
        self.restore_checkpoint()
        runs = f" (run{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad))})"
        self.status = Status(
            "diverged",
            f"{which} loss became {values[bad[0]]} at iteration {self.iteration_at_failure}{runs}; paused and "
            f"restored the last good state from iteration {it}. Lower the learning rate and continue.",
            which, bad, self.iteration_at_failure)
        return False

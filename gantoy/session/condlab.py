"""The conditional lab's state: its CondTrainer, trained by the one live loop (session/live.py), and its timeline.

The timeline keeps the trainer's whole state at the moments the page drew (``MOMENTS``, thinned by History so
they span the run): a state of the lab's networks is ~0.13 MB (G, D, the weight average, Adam's two moments),
so every recorded moment can be redrawn exactly — the page draws from seeded generation, so a rewound moment
shows the same samples and report as when it was drawn — and training can go on from any of them. It offers
the same methods as a Lab's timeline (session/timeline.py), so the page uses the same widget (ui/timeline.py).
"""
from __future__ import annotations

from gantoy.core.history import History
from gantoy.session.live import LiveRun
from gantoy.session.timeline import CHECKPOINT_BYTES, _nbytes
from gantoy.theory.conditional import CondConfig, CondTrainer

FRAME_BUDGET = 0.25      # CPU seconds of training per live frame: its frames draw little
MAX_ITERATIONS = 20_000  # the live loop stops itself here
MOMENTS = 32             # trainer states kept (~4 MB a session at the page's sizes) ...
# ... and at most CHECKPOINT_BYTES of them, as the training labs' timeline: a loaded file may hold bigger networks


def _key(entry: dict) -> tuple:
    """A moment as the Lab timeline's key (iteration, D updates, G updates): one of each per iteration here."""
    return (entry["iteration"],) * 3


class CondLab(LiveRun):
    name = "conditional"

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
        self.checkpoints = History(MOMENTS)
        self.rewound = None
        self._shown = None
        self.run_id = getattr(self, "run_id", 0) + 1   # a new run: files made from the old one are not offered

    def start(self):
        """Train on (from the current iteration up to MAX_ITERATIONS)."""
        self.rewound = None
        self.running = not self.trainer.paused
        self.target = MAX_ITERATIONS

    # ---- the timeline ------------------------------------------------------------------------------
    @property
    def snap(self):
        """The live trainer, its present moment recorded (the timeline widget reads it as a Lab's snapshot)."""
        return self.record()

    def record(self) -> CondTrainer:
        """Record the present moment (once per iteration; the page calls it on every redraw)."""
        t = self.trainer
        rows = self.checkpoints.rows
        if not rows or rows[-1]["iteration"] != t.iteration:
            if not rows:   # as many as fit the memory budget (Adam's two moments are empty before the first step)
                size = 3 * (_nbytes(t.G.state_dict()) + _nbytes(t.D.state_dict())) + (
                    _nbytes(t.avg.net.state_dict()) if t.avg is not None else 0)   # (networks, average, Adam)
                self.checkpoints.capacity = max(4, min(MOMENTS, CHECKPOINT_BYTES // max(1, size)))
            self.checkpoints.add({"iteration": t.iteration, "d_updates": t.iteration, "g_updates": t.iteration,
                                  "state": t.export_state()})
            self.rewound = None
        return t

    def moments(self) -> list:
        return [_key(c) for c in self.checkpoints.rows]

    def moment(self, at):
        keys = self.moments()
        it = at[0] if isinstance(at, tuple) else at
        return next((k for k in keys if k[0] == it), None)

    def rewind(self, at):
        """Show the recorded moment ``at`` (a key or an iteration; None or the latest: now)."""
        keys, key = self.moments(), (None if at is None else self.moment(at))
        self.rewound = None if key is None or key == keys[-1] else key

    def checkpoint_at(self, at):
        key = self.moment(at)
        return next((c for c in self.checkpoints.rows if _key(c) == key), None)

    def nearest_checkpoints(self, at) -> tuple:
        """Every moment has its state here: the moment itself, before and after."""
        key = self.moment(at)
        return key, key

    def trainer_at(self, at) -> CondTrainer:
        """A trainer holding the recorded moment ``at``'s state (the live trainer is left alone)."""
        copy = CondTrainer(self.cfg)
        copy._load(self.checkpoint_at(at)["state"])
        return copy

    @property
    def shown(self) -> CondTrainer:
        """The trainer the page draws: the live one, or a copy holding the rewound moment's state."""
        if self.rewound is None or self.running:
            return self.trainer
        if self._shown is None or self._shown[0] != self.rewound:
            self._shown = (self.rewound, self.trainer_at(self.rewound))
        return self._shown[1]

    def joints(self, lo: int, hi: int, n: int = 1500):
        """(iteration, conditions, generated y) at every recorded moment in [lo, hi] (an export's frames), drawn
        as the page draws them (the same seeded noise)."""
        for key in self.moments():
            if lo <= key[0] <= hi:
                c, y = self.trainer_at(key).joint(n)
                yield key[0], c, y

    def continue_from_rewound(self) -> str:
        """Make the rewound moment the present (its state restored; the moments after it dropped)."""
        if self.rewound is None:
            return "nothing is rewound"
        it = self.rewound[0]
        self.trainer._load(self.checkpoint_at(it)["state"])
        self.trainer.resume()
        self.checkpoints.rows = [c for c in self.checkpoints.rows if c["iteration"] <= it]
        self.rewound, self._shown = None, None
        self.run_id += 1
        return ""

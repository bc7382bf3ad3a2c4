"""A lab's timeline: rewind to a recorded moment and see it as it was (chart and numbers from the frame
recorded then, nothing retrained), and go on training from there where the trainer's state was kept.

Every frame a lab records (``Lab.snap``: one per redraw, thinned by ``History`` so the record spans the
whole run) can be shown again (``measure.snapshot.from_frame``; an EnsembleLab's frame holds every run's,
shown again by ``EnsembleLab.shown_snaps``). Trainer states are kept far more sparsely
(``CHECKPOINTS`` per lab and ``CHECKPOINT_BYTES`` of memory; a state is 0.09 MB for Figure 1, 0.43 MB for ring8,
0.83 MB for grid25 — networks, weight average, Adam's two moments — a frame ~20–50 KB), so "continue from here" is
offered at the moments that have one and the others are view-only. They are spread evenly over the run's
iterations (``History``, like the frames; the newest few kept as they came), each at a moment whose frame is
recorded, and the frames' thinning keeps those moments (``History.keep``): a Figure 1 lesson drawn at one
iteration a frame keeps 24 states 57–124 iterations apart (and its last two), and 15–20 frames in each tenth of
the run (38 in the last: the newest at full resolution).
A state holds the networks, the weight average, both optimisers, the random streams and the counters, so
going on from a moment with unchanged settings retraces the run exactly; change a setting first and the run
branches from there.
"""
from __future__ import annotations

import torch

# a recorded moment, (iteration, D updates, G updates): they only grow, so keys sort in time. History's own, so
# the moments put in ``frames.keep`` are the ones its thinning compares
from gantoy.core.history import History
from gantoy.core.history import moment as _key
from gantoy.measure.snapshot import from_frame

CHECKPOINTS = 24    # trainer states kept per lab, at most ...
CHECKPOINT_BYTES = 6_000_000   # ... and at most this much memory (a class of 30 on one server: 180 MB)


def _nbytes(state) -> int:
    if isinstance(state, torch.Tensor):
        return state.numel() * state.element_size()
    if isinstance(state, dict):
        return sum(_nbytes(v) for v in state.values())
    if isinstance(state, (list, tuple)):
        return sum(_nbytes(v) for v in state)
    return 0


class Timeline:
    """Mixin for Lab: ``rewound`` (the moment shown instead of now, or None), ``checkpoints``."""

    rewound = None

    def clear_timeline(self):
        self.rewound = None
        self.checkpoints = History(CHECKPOINTS)   # spread over the run, not bunched at its end

    def keep_checkpoint(self):
        """Called when a frame is recorded: the trainer's state at that moment (thinned)."""
        t = self.trainer
        state = t.export_state()
        if not self.checkpoints.rows:   # as many as fit the memory budget; the optimisers' moments (two per
            # parameter for Adam) are still empty before the first step, so count them from the networks
            size = 3 * (_nbytes(state["G"]) + _nbytes(state["D"])) + _nbytes(state["G_avg"])
            self.checkpoints.capacity = max(4, min(CHECKPOINTS, CHECKPOINT_BYTES // max(1, size)))
        # a state whose frame was thinned away cannot be rewound to: its slot goes to the spread of the others
        shown = set(self.moments())
        self.checkpoints.rows = [c for c in self.checkpoints.rows if _key(c) in shown]
        self.checkpoints.add({"iteration": t.iteration, "d_updates": t.d_updates, "g_updates": t.g_updates,
                              "state": state})
        # a kept state's frame stays while the state does: thinning the frames no longer punches holes in the states
        self.frames.keep = {_key(c) for c in self.checkpoints.rows}

    def moments(self) -> list:
        """The recorded moments one can rewind to, as (iteration, D updates, G updates): Step D and Step G
        record moments within one iteration."""
        return [_key(f) for f in self.frames.rows]

    def moment(self, at):
        """A moment's key from a key or an iteration (its last recorded moment); None if not recorded."""
        keys = self.moments()
        if isinstance(at, tuple):
            return at if at in keys else None
        return next((k for k in reversed(keys) if k[0] == at), None)

    def rewind(self, at):
        """Show the recorded moment ``at`` (a key or an iteration; None or the latest moment: now)."""
        keys, key = self.moments(), (None if at is None else self.moment(at))
        self.rewound = None if key is None or key == keys[-1] else key

    def _frame_at(self, key):
        return next(f for f in reversed(self.frames.rows) if _key(f) == key)

    @property
    def shown(self):
        """What the page draws: the rewound moment's snapshot, or the current one."""
        if self.rewound is None or self.running:
            return self.snap
        return from_frame(self._frame_at(self.rewound))

    def checkpoint_at(self, at):
        """The kept trainer state of exactly that moment (a key or an iteration), or None (view-only)."""
        key = self.moment(at)
        return next((c for c in self.checkpoints.rows if _key(c) == key), None)

    def nearest_checkpoints(self, at) -> tuple:
        """The keys of the kept states just before and after moment ``at`` (None where there is none)."""
        key = self.moment(at)
        kept = [_key(c) for c in self.checkpoints.rows]
        return (max((k for k in kept if k <= key), default=None), min((k for k in kept if k >= key), default=None))

    def continue_from_rewound(self) -> str:
        """Make the rewound moment the present: restore its trainer state and drop what was recorded after it.
        Returns '' or why it cannot (no state kept there)."""
        if self.rewound is None:
            return "nothing is rewound"
        it = self.rewound[0]
        cp = self.checkpoint_at(self.rewound)
        if cp is None:
            return "view-only: no trainer state was kept at this moment"
        self.trainer.import_state(cp["state"])
        # the counters only grow, so "recorded after it" is "any counter beyond its"
        upto = (lambda r, d=cp["d_updates"]: r["iteration"] <= it and r["d_updates"] <= d
                and r["g_updates"] <= cp["g_updates"])
        # metric rows count each run's own D updates (snapshot.metric_row): compare with the restored trainer's
        # (import_state recovers them for states kept without)
        for h, d in zip(self.histories, self.trainer.run_d_updates):
            h.rows = [r for r in h.rows if upto(r, d)]
        self.frames.rows = [f for f in self.frames.rows if upto(f)]
        self.checkpoints.rows = [c for c in self.checkpoints.rows if upto(c)]
        self.rewound = None
        self._snap = None
        self.past_lesson = self.past_lesson and it >= self.length
        return ""

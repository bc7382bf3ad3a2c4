"""The divergence guard for every objective (issue #11): at the largest learning rate the config allows
(SGD, lr 10), a run whose loss goes non-finite pauses in the chunk where it happened, says which loss at
which iteration, and keeps the last good (finite) state, from which it can go on at a sane learning rate.
Objectives whose losses are bounded by construction — WGAN's clipped critic and f:tv's ½·tanh critic — never go
non-finite even there (measured); for them the test asserts the other half of the guard: no false pause, finite
metrics. (f:neyman, whose D loss has e^v, stayed finite with the leaky-ReLU G bimodal1d had until 2026-12-02; with its
increasing G it goes NaN at iteration 0, and the guard pauses it like the others.)"""
import math
import re

import pytest
import torch

from gantoy import objectives, presets
from gantoy import Trainer

BOUNDED = {"wgan", "f:tv"}
CHUNK = 10


def wild(oid):
    cfg = presets.get("bimodal1d")
    cfg.objective.id = oid
    cfg.train.optimizer, cfg.train.lr_d, cfg.train.lr_g, cfg.train.batch_size = "sgd", 10.0, 10.0, 64
    return cfg


@pytest.mark.parametrize("oid", objectives.names())
def test_guard(oid):
    tr = Trainer(wild(oid))
    chunks = 0
    while chunks < 30 and not tr.paused:
        tr.step(CHUNK)
        chunks += 1
    params = list(tr.G.parameters()) + list(tr.D.parameters())
    assert all(torch.isfinite(p).all() for p in params)
    if oid in BOUNDED:
        assert not tr.paused and tr.iteration == 30 * CHUNK
        m = tr.snapshot().metrics
        assert all(math.isfinite(m[k]) for k in ("js", "w1"))
        return
    assert tr.paused, f"{oid} did not diverge at lr 10"
    msg = tr.status.message
    assert re.match(r"(D|G) loss became (nan|inf|-inf) at iteration \d+ \(run 0\); paused and restored the last good "
                    r"state from iteration \d+", msg), msg
    assert tr.status.iteration <= chunks * CHUNK  # within the chunk that failed
    good = tr.iteration
    assert tr.snapshot().iteration == good
    tr.reset_to_last_good()
    tr.set_lr(lr_d=1e-4, lr_g=1e-4)
    tr.step(5)
    assert not tr.paused and tr.iteration == good + 5

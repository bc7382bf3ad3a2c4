"""Fair share of one server between live sessions (issue #11): the training budget of a frame shrinks
with the number of live sessions, so each keeps redrawing; sessions that stopped drop out."""
import pytest

from gantoy import presets
from gantoy.ui.lab import LIVE_WINDOW, MIN_FRAME_BUDGET, SHARE_PERIOD, FairShare, Lab


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_one_session_gets_its_whole_budget():
    assert FairShare().budget("a", 0.15, 0.03) == 0.15


def test_budget_shrinks_with_live_sessions_and_recovers_when_they_stop():
    clock = Clock()
    share = FairShare(clock)
    for s in "abcd":
        share.live(s)
    # four live sessions: a quarter of the period each, minus this frame's drawing cost
    assert share.budget("a", 0.15, 0.03) == pytest.approx(SHARE_PERIOD / 4 - 0.03)
    assert share.budget("a", 0.15, 1.0) == MIN_FRAME_BUDGET  # never starved to nothing
    clock.t += LIVE_WINDOW + 0.1  # b, c, d paused: only a keeps drawing frames
    assert share.live("a") == 1 and share.budget("a", 0.15, 0.03) == 0.15


def test_lab_trains_less_per_frame_when_the_server_is_shared():
    lab = Lab("figure1", presets.get("figure1"))
    lab.running = True
    lab.steps_per_frame = 10**6
    alone = FairShare()
    for _ in range(4):
        lab.advance(alone)  # measures the speed
    n = lab.trainer.iteration
    lab.advance(alone)
    solo = lab.trainer.iteration - n
    crowded = FairShare()
    for s in range(8):
        crowded.live(f"other{s}")
    lab.note_frame_cost(0.02)
    n = lab.trainer.iteration
    lab.advance(crowded)
    shared = lab.trainer.iteration - n
    # 0.15 s alone; 0.5 / 9 - 0.02 = 0.036 s with eight others
    assert 1 <= shared < solo / 2, (solo, shared)

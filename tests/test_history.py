"""History keeps a long run's record spread evenly over its iterations (what exports animate, what the
timeline rewinds to, what the metric charts draw), bounded, with the newest moments as they came."""
import numpy as np
import pytest

from gantoy.core.history import FRAME_CAPACITY, ROW_CAPACITY, History, newest


def _filled(capacity, iterations):
    h = History(capacity)
    for it in iterations:
        h.add({"iteration": int(it), "d_updates": int(it), "g_updates": int(it)})
    return np.array([r["iteration"] for r in h.rows])


@pytest.mark.parametrize("capacity, n", [(FRAME_CAPACITY, 2000), (FRAME_CAPACITY, 100_000), (ROW_CAPACITY, 20_000)])
def test_a_long_run_is_kept_evenly_from_its_first_iteration_to_its_last(capacity, n):
    """A Figure 1 lesson drawn at one iteration a frame records 2000 frames into 200 places. The old rule (newest
    half at full resolution, the older half halved each time) kept 1 frame of its first 1400 iterations: a GIF of
    the lesson or a rewind lost p_g's slide onto p_data."""
    its = _filled(capacity, range(n))
    assert len(its) == capacity and its[0] == 0 and its[-1] == n - 1 and (np.diff(its) > 0).all()
    per_tenth = np.histogram(its, bins=10, range=(0, n))[0]
    assert per_tenth.min() >= 0.05 * capacity, per_tenth      # an even share is 10 %; the old rule: 0 or 1
    assert np.diff(its).max() <= 2 * n / capacity               # no hole wider than two even steps
    k = newest(capacity)
    assert list(its[-k:]) == list(range(n - k, n))               # a step back from now: as they came


def test_equal_gaps_are_thinned_all_along_the_record_not_at_its_start():
    """2001 rows one iteration apart into 2000 places: the hundred dropped are spread over the run (they were
    every other row of its first tenth)."""
    its = _filled(ROW_CAPACITY, range(2001))
    per_tenth = np.histogram(its, bins=10, range=(0, 2001))[0]
    assert per_tenth.min() >= 180, per_tenth


def test_spacing_follows_iterations_not_the_number_of_frames():
    """Frames come at 1 iteration each, then (a faster speed) 50 each: the first 1000 iterations are 2 % of the
    run and keep about 2 % of the record, not half of it."""
    its = _filled(FRAME_CAPACITY, list(range(1000)) + list(range(1000, 51_000, 50)))
    assert np.sum(its < 1000) <= 0.05 * FRAME_CAPACITY
    assert np.diff(its).max() <= 2 * 51_000 / FRAME_CAPACITY


def test_moments_within_one_iteration_and_repeats():
    h = History(8)
    h.add({"iteration": 0, "d_updates": 0, "g_updates": 0})
    h.add({"iteration": 0, "d_updates": 0, "g_updates": 0, "js": 1.0})     # the same moment: replaced
    assert len(h) == 1 and h.rows[0]["js"] == 1.0
    for d in range(1, 30):                                                   # Step D thirty times in iteration 0
        h.add({"iteration": 0, "d_updates": d, "g_updates": 0})
    h.add({"iteration": 1, "d_updates": 30, "g_updates": 1})
    assert len(h) == 8 and h.rows[0]["d_updates"] == 0 and h.rows[-1]["iteration"] == 1
    assert [r["d_updates"] for r in h.rows] == sorted(r["d_updates"] for r in h.rows)


@pytest.mark.parametrize("capacity", [4, 5, 7])
def test_a_handful_of_places_still_spread_over_the_run(capacity):
    """The compare lab and grid25 keep 4–7 trainer states (their memory budget): they spread too (a floor of two
    newest as they came once left 4 places as [0, 1998, 1999, 2000])."""
    its = _filled(capacity, range(0, 2001))
    assert len(its) == capacity and its[0] == 0 and its[-1] == 2000
    assert np.diff(its).max() <= 2 * 2000 / (capacity - 1), its


def test_moments_in_keep_are_thinned_last():
    h = History(20)
    h.keep = {(3, 3, 3), (5, 5, 5)}
    for it in range(400):
        h.add({"iteration": it, "d_updates": it, "g_updates": it})
    its = [r["iteration"] for r in h.rows]
    assert 3 in its and 5 in its and len(its) <= 20 and its[0] == 0 and its[-1] == 399
    h.keep = {(it, it, it) for it in range(1000)}       # more kept than places: the bound holds all the same
    for it in range(400, 600):
        h.add({"iteration": it, "d_updates": it, "g_updates": it})
    assert len(h) <= 20 and h.rows[-1]["iteration"] == 599


def test_capacity_below_four_is_refused():
    with pytest.raises(ValueError, match="at least 4"):
        History(3)

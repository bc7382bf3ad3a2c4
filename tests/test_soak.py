"""A short soak (issue #11): 5·10³ steps with a snapshot every 20 into the lab's bounded histories (250
snapshots: past the 200-frame cap, so thinning happens); memory stays bounded (the 10⁶-step run is
bench/soak.py, numbers in bench/BENCHMARKS.md)."""
from gantoy.core.history import FRAME_CAPACITY
from tests.support.soak import rss_mb, soak


def test_short_soak_keeps_memory_and_histories_bounded():
    rows = list(soak("figure1", steps=5_000, every=20, report=1_000,
                     overrides={"train.batch_size": 32, "train.k": 1, "model.hidden": 16}))
    assert [r["iteration"] for r in rows] == [1000, 2000, 3000, 4000, 5000]
    assert rss_mb() > 0
    growth = rows[-1]["rss_mb"] - rows[0]["rss_mb"]
    assert growth < 25, f"RSS grew by {growth:.1f} MB over 4000 steps"
    assert rows[-1]["frames"] <= FRAME_CAPACITY < 250
    assert rows[-1]["history_rows"] == 250  # History keeps 2000 rows before thinning

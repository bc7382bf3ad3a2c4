"""Studies on many cores: seed blocks, serial = local workers = Ray (identical numbers), gantoy sweep, bad input.

The Ray test starts a local Ray runtime (~8 s); without Ray installed it is skipped, unless
GANTOY_REQUIRE_RAY is set (CI installs requirements-ray.txt and sets it)."""
import csv
import io
import os

import numpy as np
import pytest

from gantoy import distribute, sweep
from gantoy.core.config import ConfigError
from gantoy.lessons import collapse, presets
from tests.test_cli import run_here

STEPS = 40


def test_seed_blocks_cover_every_seed_once_and_never_leave_one_alone():
    assert distribute.seed_blocks(0, 10, 5) == [(0, 5), (5, 5)]
    assert distribute.seed_blocks(3, 7, 3) == [(3, 3), (6, 4)]        # 3 + 3 + 1 -> the single joins
    assert distribute.seed_blocks(0, 1, 5) == [(0, 1)]
    assert distribute.seed_blocks(0, 2, 1) == [(0, 1), (1, 1)]         # asked for: blocks of one
    for seeds in range(1, 30):
        for block in range(2, 8):
            b = distribute.seed_blocks(0, seeds, block)
            assert [s for s0, n in b for s in range(s0, s0 + n)] == list(range(seeds))
            assert seeds == 1 or min(n for _, n in b) >= 2
    with pytest.raises(ConfigError, match="--block"):
        distribute.seed_blocks(0, 10, 0)


def _collapse_tasks(block):
    cfg = presets.get("ring8").with_sets({"model.hidden": 16, "train.batch_size": 32})
    tasks = []
    for name in ("nsgan", "pacgan"):
        for s0, n in distribute.seed_blocks(cfg.train.seed, 4, block):
            tasks.append((cfg.to_json(), *collapse.CONFIGS[name], s0, n, STEPS, 10))
    return cfg, tasks


def _merged(done, blocks_per_config):
    return [collapse.merge(done[i:i + blocks_per_config]) for i in range(0, len(done), blocks_per_config)]


def _same(a, b):
    assert [r.final for r in a] == [r.final for r in b]
    for x, y in zip(a, b):
        assert np.array_equal(x.samples, y.samples) and np.array_equal(x.counts, y.counts)
        assert x.iterations == y.iterations and x.seeds == y.seeds


@pytest.fixture(scope="module")
def serial():
    _, tasks = _collapse_tasks(2)
    return _merged(distribute.run(collapse.run_block, tasks), 2)


def test_blocks_give_the_numbers_of_one_ensemble(serial):
    """Two blocks of 2 seeds, merged, are the study trained as one 4-seed ensemble."""
    cfg, _ = _collapse_tasks(2)
    whole = [collapse.run_study(cfg, *collapse.CONFIGS[n], seeds=4, steps=STEPS, every=10) for n in ("nsgan", "pacgan")]
    _same(serial, whole)
    assert serial[0].counts.shape == (STEPS // 10 + 1, 4, 8)


def test_local_workers_give_the_serial_numbers(serial):
    _, tasks = _collapse_tasks(2)
    seen = []
    done = distribute.run(collapse.run_block, tasks, workers=2, progress=lambda i, n: seen.append((i, n)))
    _same(_merged(done, 2), serial)
    assert seen == [(i, len(tasks)) for i in range(1, len(tasks) + 1)]   # the bar is fed per block


def test_ray_gives_the_serial_numbers(serial):
    try:
        import ray  # noqa: F401
    except ImportError:
        if os.environ.get("GANTOY_REQUIRE_RAY"):
            raise
        pytest.skip("Ray is not installed (pip install -r requirements-ray.txt)")
    _, tasks = _collapse_tasks(2)
    _same(_merged(distribute.run(collapse.run_block, tasks, ray="local"), 2), serial)


def test_a_diverged_block_pauses_only_itself():
    """Merging keeps a stopped block's last record to the end, and says which seeds stopped."""
    cfg, tasks = _collapse_tasks(2)
    a = collapse.run_block(*tasks[0])
    b = collapse.run_block(*tasks[1][:5], STEPS // 2, 10)  # as if it had stopped half way
    b.status = "diverged at iteration 20"
    m = collapse.merge([a, b])
    assert m.iterations == a.iterations and m.counts.shape[1] == 4
    assert np.array_equal(m.counts[-1, 2:], b.counts[-1]) and "seeds 2–3" in m.status


def test_sweep_table_is_the_mean_and_sd_of_its_seeds(tmp_path, capsys):
    code, out, err = run_here(["sweep", "--preset", "figure1", "--grid", "train.lr_d=1e-3,3e-3", "--seeds", "3",
                               "--steps", "30", "--block", "2", "--workers", "1", "--out", str(tmp_path), "--quiet"],
                              capsys)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "sweep.csv").read_text())))
    seeds = list(csv.DictReader(io.StringIO((tmp_path / "sweep_seeds.csv").read_text())))
    assert [r["train.lr_d"] for r in rows] == ["1e-3", "3e-3"] and len(seeds) == 6
    for r in rows:
        js = np.array([float(s["js"]) for s in seeds if s["train.lr_d"] == r["train.lr_d"]])
        assert float(r["js_mean"]) == pytest.approx(js.mean(), rel=1e-12)
        assert float(r["js_sd"]) == pytest.approx(js.std(ddof=1), rel=1e-12)
    assert sorted({s["seed"] for s in seeds}) == ["0", "1", "2"]
    assert "| train.lr_d | seeds | JS |" in out and (tmp_path / "sweep.md").exists()
    # the two learning rates are different runs, not one run twice
    assert rows[0]["js_mean"] != rows[1]["js_mean"]


def test_sweep_grid_is_the_product_of_its_axes():
    axes = sweep.parse_grid(["objective.id=nsgan,wgan-gp", "train.lr_g=1e-4,1e-3,1e-2"])
    pts = sweep.points(presets.get("ring8"), axes, 2)
    assert len(pts) == 6 and {(v["objective.id"], c.objective.id) for v, c in pts} == {
        ("nsgan", "nsgan"), ("wgan-gp", "wgan-gp")}
    assert sweep.split_values("[0,1],[2,3]") == ["[0,1]", "[2,3]"]


@pytest.mark.parametrize("args, message", [
    (["--grid", "train.lr_d"], "expected KEY=V1,V2"),
    (["--grid", "train.lr_d=1e-3,"], "empty key or value"),
    (["--grid", "train.lr_d=1e-3", "--grid", "train.lr_d=1e-2"], "given twice"),
    (["--grid", "train.nope=1"], "--grid point train.nope=1"),
    (["--grid", "train.lr_d=-1"], "--grid point train.lr_d=-1"),
    (["--grid", "train.lr_d=1e-3", "--seeds", "0"], "--seeds"),
    (["--grid", "train.lr_d=" + ",".join(f"{i}e-4" for i in range(1, 20)),
      "--grid", "train.lr_g=" + ",".join(f"{i}e-4" for i in range(1, 20))], "at most 256"),
    ([], "at least one axis"),
    (["--grid", "train.lr_d=1e-3", "--workers", "0"], "--workers"),
    (["--grid", "train.lr_d=1e-3", "--workers", "2", "--ray"], "choose one"),
    (["--grid", "train.lr_d=1e-3", "--block", "0"], "--block"),
])
def test_sweep_bad_input_gets_one_line(args, message, capsys):
    code, out, err = run_here(["sweep", "--preset", "figure1", "--steps", "5", *args], capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_collapse_bad_distribution_flags(capsys):
    code, _, err = run_here(["collapse", "--seeds", "2", "--steps", "5", "--workers", "-1"], capsys)
    assert code == 2 and "--workers" in err


def test_ray_missing_or_unreachable_says_what_to_do(monkeypatch, capsys):
    import builtins

    real = builtins.__import__

    def no_ray(name, *a, **k):
        if name == "ray":
            raise ImportError("no ray")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    code, _, err = run_here(["sweep", "--grid", "train.lr_d=1e-3", "--steps", "5", "--ray"], capsys)
    assert code == 2 and "pip install -r requirements-ray.txt" in err
    monkeypatch.setattr(builtins, "__import__", real)
    try:
        import ray  # noqa: F401
    except ImportError:
        return
    code, _, err = run_here(["sweep", "--grid", "train.lr_d=1e-3", "--steps", "5", "--ray", "127.0.0.1:9"], capsys)
    assert code == 2 and "no Ray cluster answers at '127.0.0.1:9'" in err

"""Mode collapse over seeds: the study's statistics, its ensemble equals single runs, the CLI table."""
import argparse
import json
import math

import numpy as np
import pytest

from gantoy import cli, metrics, presets
from gantoy.lessons import collapse
from gantoy.config import ConfigError
from gantoy import Trainer


@pytest.fixture
def small_ring():
    return presets.get("ring8").with_sets({"model.hidden": 16, "train.batch_size": 64})


def test_summary_statistics_by_hand():
    final = [{"seed": 0, "modes": 8, "modes_pub": 8, "hq": 0.9, "mode_kl": 0.01, "all": True},
             {"seed": 1, "modes": 4, "modes_pub": 7, "hq": 0.5, "mode_kl": 0.70, "all": False},
             {"seed": 2, "modes": 6, "modes_pub": 6, "hq": 0.7, "mode_kl": 0.30, "all": False}]
    res = collapse.StudyResult(label="x", cfg=None, seeds=[0, 1, 2], min_count=np.full(8, 31), iterations=[0, 10],
                               counts=np.zeros((2, 3, 8), dtype=int), final=final,
                               samples=np.zeros((3, 5, 2)))
    s = res.summary()
    assert list(s) == collapse.SUMMARY_COLUMNS
    assert s["modes_mean"] == 6 and s["modes_sd"] == pytest.approx(2.0) and (s["modes_min"], s["modes_max"]) == (4, 8)
    assert s["hq_pct_mean"] == pytest.approx(70.0) and s["hq_pct_sd"] == pytest.approx(20.0)
    assert s["mode_kl_mean"] == pytest.approx(1.01 / 3) and s["all_modes_frac"] == pytest.approx(1 / 3)
    assert s["modes_pub_mean"] == pytest.approx(7.0) and s["min_count"] == 31
    final[1]["mode_kl"] = math.inf  # a run with no high-quality sample: the mean KL is infinite, not dropped
    assert math.isinf(res.summary()["mode_kl_mean"])
    md = collapse.format_markdown([s])
    assert "| x | 3 | 6.0 ± 2.0 / 8 | 4–8 | 33% | 70.0 ± 20.0 |" in md



def test_the_table_in_words_from_its_numbers():
    row = (lambda cfg, n, k, frac, lo, hi, hq, its=2000: {"config": cfg, "seeds": n, "modes_total": k, "all_modes_frac":
                                                         frac, "modes_min": lo, "modes_max": hi, "hq_pct_mean": hq,
                                                         "iterations": its})
    rows = [row("nsgan", 8, 8, 0.5, 3, 8, 71.1), row("pacgan", 8, 8, 1.0, 8, 8, 77.24),
            row("gan", 2, 8, 0.0, 0, 5, 12.0), row("nsgan", 10, 2, 0.7, 1, 2, 96.0)]
    assert collapse.in_words(rows) == (
        "**nsgan** kept all 8 modes on 4 of 8 seeds (its worst seed: 3 of 8), with 71 % of its samples near a mode; "
        "**pacgan** kept all 8 modes on every one of its 8 seeds, with 77 % of its samples near a mode; "
        "**gan** kept all 8 modes on none of its 2 seeds (its best seed: 5 of 8), with 12 % of its samples near a "
        "mode; **nsgan** kept both modes on 7 of 10 seeds (its worst seed: 1 of 2), with 96 % of its samples near a "
        "mode.")
    said = collapse.in_words([row("gan", 4, 8, 0.25, 2, 8, 40.0, its=350)], ["training diverged (NaN in D)"])
    assert said.endswith("near a mode — stopped early at iteration 350: training diverged (NaN in D).")

def test_study_ensemble_equals_single_runs(small_ring):
    res = collapse.run_study(small_ring, "nsgan", seeds=3, steps=30, every=10)
    assert res.iterations == [0, 10, 20, 30] and res.counts.shape == (4, 3, 8)
    assert res.seeds == [0, 1, 2] and res.samples.shape == (3, collapse.N_EVAL, 2)
    for r in range(3):
        single = Trainer(res.cfg.with_sets({"train.runs": 1, "train.seed": r}))
        single.step(30)
        ms = metrics.mode_stats(single.sample(collapse.N_EVAL, seed=collapse.EVAL_SEED), single.data.centers,
                                single.data.stds, min_count=res.min_count)
        assert np.abs(ms["counts"] - res.counts[-1, r]).sum() <= 2  # float32 batching noise at most
        assert abs(ms["hq"] - res.final[r]["hq"]) <= 2 / collapse.N_EVAL
    assert (res.covered() == (res.counts >= res.min_count)).all()


def test_remedies_and_objectives_configure(small_ring):
    c = collapse.configure(small_ring, "gan", "unrolled")
    assert c.train.unroll == 5 and c.objective.id == "gan"
    c = collapse.configure(small_ring, "nsgan", "pacgan")
    assert c.train.pack == 2 and c.train.lr_d == small_ring.train.lr_d  # the lesson's own objective: unchanged
    c = collapse.configure(small_ring, "wgan-gp")
    assert c.objective.params["lam"] == 0.1 and c.train.k == 5
    with pytest.raises(ConfigError, match="remedy"):
        collapse.configure(small_ring, "gan", "dropout")
    with pytest.raises(ConfigError, match="train.unroll"):
        collapse.configure(small_ring, "wgan-gp", "unrolled")
    with pytest.raises(ConfigError, match="known modes"):
        collapse.Study(presets.get("swissroll"), seeds=2, steps=5)
    with pytest.raises(ConfigError, match="seeds"):
        collapse.Study(small_ring, seeds=0, steps=5)


def test_study_advances_in_chunks_and_stops(small_ring):
    st = collapse.Study(small_ring, seeds=2, steps=25, every=10)
    total = 0
    while not st.done:
        total += st.advance(4)
    assert total == 25 and st.iterations == [0, 10, 20, 25] and st.advance() == 0
    assert len(st.result().final) == 2


def test_cli_collapse_writes_table(tmp_path, capsys):
    out = tmp_path / "c"
    rc = cli.main(["collapse", "--preset", "ring8", "--configs", "nsgan,pacgan", "--seeds", "2", "--steps", "10",
                   "--set", "model.hidden=8", "--quiet", "--threads", "1", "--workers", "1", "--out", str(out)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "| nsgan | 2 |" in text and "| pacgan | 2 |" in text
    head = (out / "collapse.csv").read_text().splitlines()[0].split(",")
    assert head == collapse.SUMMARY_COLUMNS
    assert len((out / "collapse_seeds.csv").read_text().splitlines()) == 1 + 4
    assert (out / "config-pacgan.json").exists()


def test_cli_collapse_lays_the_recipe_over_each_configuration(tmp_path, capsys):
    """ring8's recipe by default (each configuration's learning rates over its objective's recommended ones, a
    cosine decay, EMA); --recipe none keeps the preset's own settings; --set wins over both."""
    base = ["collapse", "--preset", "ring8", "--configs", "wgan-gp,unrolled", "--seeds", "2", "--steps", "2",
            "--set", "model.hidden=8", "--quiet", "--workers", "1"]

    def train(name, *extra):
        assert cli.main(base + ["--out", str(tmp_path / name), *extra]) == 0
        return {c: json.loads((tmp_path / name / f"config-{c}.json").read_text())["train"]
                for c in ("wgan-gp", "unrolled")}

    got = train("recipe")
    w, u = got["wgan-gp"], got["unrolled"]
    assert (w["lr_d"], w["lr_g"], w["betas"], w["k"], w["schedule"], w["ema"]) == (3e-3, 3e-3, [0.5, 0.9], 5,
                                                                                     "cosine", 0.999)
    assert (u["lr_d"], u["lr_g"], u["unroll"], u["steps"]) == (5e-4, 3e-3, 5, 2)
    plain = train("plain", "--recipe", "none")["wgan-gp"]
    assert (plain["lr_d"], plain["schedule"], plain["ema"]) == (5e-4, "constant", 0.0)
    mine = train("mine", "--set", "train.lr_d=7e-4")
    assert mine["wgan-gp"]["lr_d"] == 7e-4 and mine["unrolled"]["lr_d"] == 7e-4 and mine["wgan-gp"]["lr_g"] == 3e-3
    # the slower D goes with the unrolled remedy, whatever the objective
    assert collapse.recipe_sets(collapse.RECIPES["ring8"], "nsgan", "unrolled")["train.lr_d"] == 5e-4
    assert collapse.recipe_sets(collapse.RECIPES["ring8"], "nsgan", "pacgan")["train.lr_d"] == 3e-3
    # the grid takes the ring's recipe by default; other presets and config files get none unless it is named
    assert collapse.recipe_for(None, "grid25") is collapse.RECIPES["ring8"]
    assert collapse.recipe_for(None, "swissroll") == {} and collapse.recipe_for(None, None) == {}
    capsys.readouterr()


def test_cli_collapse_keeps_the_seeds_of_its_blocks_under_set(tmp_path, capsys):
    """--set is laid over each configuration, but never its seed: blocks of 2 from seed 3 train 3, 4, 5, 6."""
    out = tmp_path / "s"
    assert cli.main(["collapse", "--preset", "ring8", "--objective", "nsgan", "--seeds", "4", "--block", "2",
                     "--steps", "2", "--set", "model.hidden=8", "--set", "train.seed=3", "--quiet", "--workers", "1",
                     "--out", str(out)]) == 0
    rows = (out / "collapse_seeds.csv").read_text().splitlines()
    seed = rows[0].split(",").index("seed")
    assert [int(r.split(",")[seed]) for r in rows[1:]] == [3, 4, 5, 6]
    capsys.readouterr()


def test_cli_collapse_sets_an_objective_parameter_of_the_objective_it_switches_to(tmp_path, capsys):
    """--set objective.params.lam applies to wgan-gp, the objective asked for, not to the preset's nsgan (which has
    no λ: this was refused)."""
    out = tmp_path / "w"
    assert cli.main(["collapse", "--preset", "ring8", "--objective", "wgan-gp", "--seeds", "1", "--steps", "2",
                     "--set", "model.hidden=8", "--set", "objective.params.lam=1", "--quiet", "--workers", "1",
                     "--out", str(out)]) == 0
    assert json.loads((out / "config-wgan-gp.json").read_text())["objective"]["params"]["lam"] == 1
    capsys.readouterr()
    # a parameter the configuration's objective does not have is still refused, with its name
    assert cli.main(["collapse", "--preset", "ring8", "--objective", "gan", "--seeds", "1", "--steps", "2",
                     "--set", "objective.params.lam=1", "--quiet", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "objective.params.lam" in err and "Traceback" not in err


def test_studies_default_to_one_worker_per_core():
    from gantoy import distribute

    args = argparse.Namespace(workers=None, ray=None)
    cli._default_workers(args)
    assert args.workers == distribute.cores()
    args = argparse.Namespace(workers=1, ray=None)
    cli._default_workers(args)
    assert args.workers == 1


@pytest.mark.parametrize("argv, msg", [
    (["--recipe", "grid"], "--recipe: unknown recipe 'grid'; allowed: none, ring8"),
    (["--configs", "nsgan,foo"], "--configs: unknown configuration foo"),
    (["--objective", "bogus"], "--objective: unknown objective"),
    (["--remedy", "magic"], "--remedy: unknown remedy"),
    (["--seeds", "0"], "--seeds: must be in [1, 64]"),
    (["--steps", "0"], "train.steps: must be an integer in [1, "),
    (["--preset", "swissroll"], "known modes"),
    (["--objective", "wgan", "--remedy", "unrolled"], "train.unroll"),
])
def test_cli_collapse_bad_input(argv, msg, capsys):
    assert cli.main(["collapse", "--quiet"] + argv) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err

"""compare.build: one lesson, 2-6 variants differing in one thing only."""
import pytest

from gantoy import presets
from gantoy.lessons import collapse, compare
from gantoy.config import ConfigError
from gantoy import Trainer


def test_objectives_share_data_networks_seed_and_optimiser():
    base = presets.get("ring8")
    cfgs, labels = compare.build(base, "objective", ["nsgan", "wgan", "wgan-gp"])
    assert labels == ["nsgan", "wgan", "wgan-gp"]
    assert all(c.data == base.data and c.model == base.model and c.train.seed == base.train.seed for c in cfgs)
    assert {c.train.optimizer for c in cfgs} == {"adam"} and {tuple(c.train.betas) for c in cfgs} == {(0.5, 0.999)}
    assert cfgs[1].train.k == 5 and cfgs[2].objective.params["lam"] == 0.1  # each objective's own settings
    tr = Trainer.from_configs(cfgs)  # they form one ensemble
    assert tr.R == 3 and tr.objective(1)[1]["clip"] > 0


@pytest.mark.parametrize("mode, values, key, expect", [
    ("lr", [1e-4, 1e-3], "train.lr_g", [1e-4, 1e-3]), ("k", [1, 5], "train.k", [1, 5]),
    ("seed", [3, 4, 5], "train.seed", [3, 4, 5]),
])
def test_other_modes_vary_one_key(mode, values, key, expect):
    cfgs, labels = compare.build(presets.get("bimodal1d"), mode, values)
    assert [c.get(key) for c in cfgs] == expect and len(labels) == len(values)


@pytest.mark.parametrize("mode, values, msg", [
    ("objective", ["gan"], "pick 2 to 6"), ("seed", list(range(7)), "pick 2 to 6"),
    ("k", [2, 2], "must differ"), ("objective", ["gan", "bogus"], "unknown objective"),
    ("colour", [1, 2], "unknown mode"), ("lr", [1e-3, 50.0], "train.lr_d"),
])
def test_bad_selections(mode, values, msg):
    with pytest.raises(ConfigError, match=msg):
        compare.build(presets.get("ring8"), mode, values)


@pytest.mark.parametrize("mode, values", [("objective", ["nsgan", "f:kl"]), ("lr", [1e-4, 2e-3]), ("k", [0, 10]),
                                          ("seed", [3, 31])])
def test_the_settings_of_a_comparison_come_back_from_its_labels(mode, values):
    """A loaded comparison's labels give the settings that built it (the page's sidebar then shows them)."""
    _, labels = compare.build(presets.get("bimodal1d"), mode, values)
    assert compare.settings_of(labels) == (mode, values)


def test_labels_no_comparison_makes_give_no_settings():
    assert compare.settings_of([]) is None and compare.settings_of(["a", "b"]) is None
    assert compare.settings_of(["lr x", "lr 1"]) is None and compare.settings_of(["nsgan", "k = 1"]) is None


def test_a_loaded_comparison_sets_the_sidebar_or_says_why_not():
    data, options = {"ring8": "Ring", "bimodal1d": "Two"}, {"objective": ["nsgan", "wgan-gp"], "seed": [0, 1, 2]}
    keys = {"objective": "cmp:objs", "seed": "cmp:seeds"}
    _, labels = compare.build(presets.get("ring8"), "seed", [1, 2])
    assert compare.loaded_widgets("ring8", labels, data, options, keys) == (
        {"cmp:data": "ring8", "cmp:mode": "seed", "cmp:seeds": [1, 2]}, "")
    out, note = compare.loaded_widgets("grid25", ["nsgan", "f:kl"], data, options, keys)   # neither can be set
    assert out == {} and note.startswith("The loaded runs' data (grid25) is not one of this lab's choices; the "
                                         "loaded runs (nsgan, f:kl) are not ones the sidebar can set up")
    assert "still describe the earlier comparison" in note
    out, note = compare.loaded_widgets(None, ["nsgan", "wgan-gp"], data, options, keys)
    assert out == {"cmp:mode": "objective", "cmp:objs": ["nsgan", "wgan-gp"]} and "(not named)" in note


def test_each_run_counts_its_own_d_updates_and_a_checkpoint_keeps_them():
    """Runs with k = 1 and k = 4 in one ensemble: 4 D steps an iteration for the ensemble, of which the k = 1 run
    sits out three — its own count is 1 an iteration (the compare lab's counter line shows each run's)."""
    cfgs, _ = compare.build(presets.get("bimodal1d"), "k", [1, 4])
    tr = Trainer.from_configs(cfgs)
    tr.step(3)
    assert tr.d_updates == 12 and tr.run_d_updates == [3, 12]
    assert [tr.snapshot(run=r).own_d_updates for r in range(2)] == [3, 12]
    tr.step_d()                                   # Step D: one D update for every run
    assert tr.run_d_updates == [4, 13]
    tr2 = Trainer.from_configs(cfgs)
    tr2._load(tr._state())
    assert tr2.run_d_updates == [4, 13]
    old = {k: v for k, v in tr._state().items() if k != "run_d_updates"}   # a file saved before the count
    tr2._load(old)
    assert tr2.run_d_updates == [4, 13]          # recovered: 3 iterations of k = 1 and k = 4, one Step D


def test_a_recipe_is_laid_over_every_run_but_not_over_the_compared_setting():
    """The Mode collapse lab's recipes (lessons/collapse.RECIPES) on the compare lab: every objective gets the recipe's
    learning rate, schedule, weight average and length after its own settings (WGAN-GP keeps k = 5 and λ); comparing
    learning rates keeps the compared ones."""
    short = collapse.RECIPES["ring8-short"]["all"]
    cfgs, _ = compare.build(presets.get("ring8"), "objective", ["nsgan", "wgan-gp"], "ring8-short")
    for c in cfgs:
        assert all(c.get(k) == v for k, v in short.items())
    assert cfgs[1].train.k == 5 and cfgs[1].objective.params["lam"] == 0.1
    assert compare.recipe_of(cfgs) == "ring8-short"
    own, _ = compare.build(presets.get("ring8"), "objective", ["nsgan", "wgan-gp"])
    assert compare.recipe_of(own) == "own" and own[1].train.lr_d == 5e-4 and own[0].train.schedule != "cosine"
    cfgs, _ = compare.build(presets.get("grid25"), "lr", [1e-4, 1e-3], "ring8")
    assert [c.train.lr_g for c in cfgs] == [1e-4, 1e-3] and {c.train.steps for c in cfgs} == {4000}
    assert compare.recipe_of(cfgs, "lr") == "ring8" and "learning rate" not in compare.describe_recipe("ring8", "lr")
    assert "learning rate of G 0.002" in compare.describe_recipe("ring8-short") and compare.describe_recipe("own") == ""
    Trainer.from_configs(cfgs)   # still one ensemble


@pytest.mark.parametrize("lesson, recipe, msg", [("ring8", "fast", "unknown recipe 'fast'; allowed: own, ring8"),
                                                 ("figure1", "ring8", "for the 2-D mixtures")])
def test_a_recipe_that_does_not_exist_or_does_not_fit_the_lesson_is_refused(lesson, recipe, msg):
    with pytest.raises(ConfigError, match=msg):
        compare.build(presets.get(lesson), "objective", ["nsgan", "gan"], recipe)


def test_a_loaded_comparison_sets_its_recipe_in_the_sidebar():
    data, options, keys = {"ring8": "Ring"}, {"objective": ["nsgan", "wgan-gp"]}, {"objective": "cmp:objs"}
    for recipe in ("ring8-short", "own"):
        cfgs, labels = compare.build(presets.get("ring8"), "objective", ["nsgan", "wgan-gp"], recipe)
        out, note = compare.loaded_widgets("ring8", labels, data, options, keys, cfgs)
        assert out["cmp:recipe"] == recipe and not note


def test_a_recipe_is_recognised_by_all_its_settings_but_the_compared_one():
    """recipe_of leaves out only what the comparison varies: the short ring recipe's schedule and length with other
    learning rates is that recipe when learning rates are compared, and no recipe when objectives are."""
    cfgs, labels = compare.build(presets.get("ring8"), "lr", [1e-3, 5e-4], "ring8-short")
    assert compare.recipe_of(cfgs, "lr") == "ring8-short" and compare.recipe_of(cfgs, "objective") == "own"
    data, options, keys = {"ring8": "Ring"}, {"lr": [1e-3, 5e-4]}, {"lr": "cmp:lrs"}
    assert compare.loaded_widgets("ring8", labels, data, options, keys, cfgs)[0]["cmp:recipe"] == "ring8-short"
    # runs the sidebar cannot set up: it keeps the earlier comparison whole, its recipe too
    out, note = compare.loaded_widgets("ring8", labels, data, {"lr": [1e-4]}, keys, cfgs)
    assert "cmp:recipe" not in out and note
    assert "ring8-short" in compare.recipe_help("ring8-short") or "ring lesson" in compare.recipe_help("ring8-short")
    assert compare.recipe_help("ring8").endswith("4000 iterations") and "recommended" in compare.recipe_help("own")

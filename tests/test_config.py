import json

import pytest

from gantoy import presets
from gantoy.config import ConfigError, RunConfig


@pytest.mark.parametrize("name", presets.names())
def test_json_round_trip_exact(name):
    cfg = presets.get(name)
    text = cfg.to_json()
    back = RunConfig.from_json(text)
    assert back == cfg
    assert back.to_json() == text


def test_presets_are_fresh_copies():
    a = presets.get("figure1")
    a.train.lr_d = 0.5
    assert presets.get("figure1").train.lr_d != 0.5


def test_dotted_keys_resolve_and_parse_types():
    cfg = presets.get("ring8")
    c2 = cfg.with_set("train.lr_d", "0.01").with_set("train.k", "3").with_set("objective.id", "wgan-gp")
    c2 = c2.with_set("objective.params.lam", "5").with_set("train.betas", "[0.0, 0.9]")
    assert c2.train.lr_d == 0.01 and c2.train.k == 3 and c2.objective.id == "wgan-gp"
    assert c2.objective.params == {"lam": 5} and c2.train.betas == [0.0, 0.9]
    assert c2.get("train.k") == 3
    assert cfg.train.k == 1  # the original is untouched


def _with(path, value):
    d = json.loads(presets.get("figure1").to_json())
    keys = path.split(".")
    obj = d
    for k in keys[:-1]:
        obj = obj[k]
    obj[keys[-1]] = value
    return d


BAD = [
    # (dict modifier, field named in the message, part of the message)
    (_with("data.stds", [-0.5]), "data.stds[0]", "[0.0001, 1000]"),
    (_with("data.weights", [0.7]), "data.weights", "sum to 1"),
    (dict(_with("data.weights", [1.2, -0.2]), **{}), "data.weights", None),
    (_with("train.k", -1), "train.k", "[0, 100]"),
    (_with("train.lr_d", 0.0), "train.lr_d", "(0, 10]"),
    (_with("train.lr_g", -3), "train.lr_g", "(0, 10]"),
    (_with("train.batch_size", 0), "train.batch_size", "[1, 65536]"),
    (_with("train.batch_size", 70000), "train.batch_size", "[1, 65536]"),
    (_with("objective.id", "bogus"), "objective.id", "valid ids"),
    (_with("train.optimizer", "lbfgs"), "train.optimizer", "sgd, adam, rmsprop"),
    (_with("model.activation", "swish"), "model.activation", "relu"),
    (_with("model.noise", "cauchy"), "model.noise", "uniform, normal"),
    (_with("model.hidden", "wide"), "model.hidden", "integer"),
    (_with("train.lr_d", "fast"), "train.lr_d", "number"),
    (_with("train.seed", 1.5), "train.seed", "integer"),
    (_with("data.name", "moons"), "data.name", "allowed"),
    (_with("train.momentum", 1.0), "train.momentum", "[0, 1)"),
    (_with("train.betas", [0.5]), "train.betas", "two numbers"),
    (_with("train.ema", 1.0), "train.ema", "[0, 1)"),
    (_with("model.depth", 99), "model.depth", "[0, 8]"),
    (_with("objective.params", {"clip": 0.01}), "objective.params.clip", "unknown parameter"),
    (_with("data.means", [[0, 0], 1]), "data.means[1]", "pair"),
]


@pytest.mark.parametrize("d,field,fragment", BAD)
def test_bad_configs_raise_config_error_naming_the_field(d, field, fragment):
    if field == "data.weights" and fragment is None:
        d["data"]["means"] = [0.0, 1.0]
        d["data"]["stds"] = [1.0, 1.0]
        field, fragment = "data.weights[1]", ">= 0"
    with pytest.raises(ConfigError) as e:
        RunConfig.from_dict(d)
    msg = str(e.value)
    assert msg.startswith(field), msg
    assert fragment in msg, msg


@pytest.mark.parametrize("text,fragment", [
    ("{not json", "not valid JSON"),
    ('{"train": {"lr_d": NaN}}', "NaN is not allowed"),
    ('{"train": {"lr_d": Infinity}}', "Infinity is not allowed"),
    ('{"trian": {}}', "trian: unknown key"),
    ('{"train": {"lr": 0.1}}', "train.lr: unknown key"),
    ('[1, 2]', "expected an object"),
    ('{"data": "ring8"}', "data: expected an object"),
    ('{"train": {"lr_d": 1e400}}', "train.lr_d"),
])
def test_bad_json_text(text, fragment):
    with pytest.raises(ConfigError) as e:
        RunConfig.from_json(text)
    assert fragment in str(e.value)


def test_non_utf8_bytes():
    with pytest.raises(ConfigError, match="not UTF-8"):
        RunConfig.from_json(b"\xff\xfe\x00garbage")


@pytest.mark.parametrize("key,value,fragment", [
    ("train.lr", "0.1", "train.lr: unknown key"),
    ("lr_d", "0.1", "unknown key"),
    ("train.k", "two", "train.k: cannot read"),
    ("train.lr_d", "nan", "train.lr_d: must be a finite number"),
    ("data.means", "[]", "data.means: a mixture needs"),
    ("data.means", "[0, 1", "data.means: cannot read"),
])
def test_bad_dotted_sets(key, value, fragment):
    with pytest.raises(ConfigError) as e:
        presets.get("figure1").with_set(key, value)
    assert fragment in str(e.value)


def test_mixture_and_custom_data_validate():
    cfg = presets.get("figure1")
    ok = cfg.with_sets({"data.means": "[[0, 0], [1, 1]]", "data.stds": "[0.1, 0.1]", "data.weights": "[0.5, 0.5]"})
    assert ok.dim == 2
    cfg2 = RunConfig.from_dict({"data": {"name": "custom", "points": [[0, 0], [1, 1], [2, 0]]}})
    assert cfg2.dim == 2
    with pytest.raises(ConfigError, match="data.points: a custom data set needs at least 2"):
        RunConfig.from_dict({"data": {"name": "custom", "points": [1.0]}})
    with pytest.raises(ConfigError, match="only used with data.name='mixture'"):
        RunConfig.from_dict({"data": {"name": "ring8", "means": [0.0]}})
    with pytest.raises(ConfigError, match="data.means: a mixture needs"):
        presets.get("ring8").with_set("data.name", "mixture")


def test_a_monotone_generator_is_increasing_and_needs_an_increasing_activation():
    import torch
    from gantoy import Trainer
    cfg = presets.get("bimodal1d")
    assert cfg.model.g_monotone and cfg.model.g_activation == "leaky_tanh"
    tr = Trainer(cfg)
    z = torch.linspace(-5, 5, 2001).view(1, -1, 1)
    for _ in range(2):     # at initialisation and after training (the stored weights are free; |W| is used)
        with torch.no_grad():
            x = tr.generator(0, averaged=False)(z).reshape(-1)
        assert bool((x[1:] > x[:-1]).all())
        tr.step(100)
    d = json.loads(cfg.to_json())
    d["model"]["g_activation"] = "silu"
    with pytest.raises(ConfigError, match="model.g_monotone: G's activation 'silu' is not increasing"):
        RunConfig.from_dict(d)
    with pytest.raises(ConfigError, match="model.g_monotone"):
        cfg.with_set("model.g_monotone", "maybe")
    assert not cfg.with_set("model.g_monotone", "false").model.g_monotone


def test_a_monotone_generator_is_refused_for_2d_data_and_averaged_as_it_is_used():
    import torch
    from gantoy import Trainer
    with pytest.raises(ConfigError, match="model.g_monotone: a monotone generator is for 1-D data"):
        presets.get("ring8").with_set("model.g_monotone", True)
    # the weight average (train.ema) of a monotone G averages the |W| it uses: W and -W are the same network
    tr = Trainer(presets.get("bimodal1d"))
    tr.step(50)
    avg = tr.avg.net
    assert all(bool((w >= 0).all()) for w in avg.weights)
    start = [w.clone() for w in avg.weights]
    tr.avg.update(tr.G, 10 ** 6)
    plain = [w.clone() for w in avg.weights]
    with torch.no_grad():
        for a, w0 in zip(avg.weights, start):
            a.copy_(w0)
        for w in tr.G.weights:
            w.neg_()          # the same G
    tr.avg.update(tr.G, 10 ** 6)
    assert all(torch.equal(a, b) for a, b in zip(avg.weights, plain))
    assert not all(torch.equal(a, b) for a, b in zip(plain, start))   # the update did move the average

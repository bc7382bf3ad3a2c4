"""The PacGAN authors' networks as options (docs/COLLAPSE.md, "Tries on the grid"): model.d_pieces, D's hidden units
as maxout units (Goodfellow et al. 2013; their toy D: 3 x 200, 5 pieces), and model.init_std, their initialisation
(weights N(0, 0.02²), biases 0), and model.g_batch_norm, their G's batch normalisation (2-D only)."""
import pytest
import torch

from gantoy import Trainer, presets
from gantoy.config import ConfigError
from gantoy.core.models import StackedMLP
from gantoy.lessons import changes


def test_a_maxout_layer_is_the_largest_of_its_pieces_affine_maps():
    net = StackedMLP([2, 4, 3, 1], "relu", runs=2, pieces=3)
    g = torch.Generator().manual_seed(0)
    for r in range(2):
        net.init_run(r, g)
    assert [tuple(w.shape) for w in net.weights] == [(2, 2, 12), (2, 4, 9), (2, 3, 1)]
    x = torch.randn(2, 5, 2, generator=g)
    h = x
    for w, b, width in zip(net.weights[:2], net.biases[:2], (4, 3)):
        pre = h @ w + b                                     # [R, B, width * pieces], unit j's pieces side by side
        h = torch.stack([pre[..., 3 * j:3 * j + 3].max(-1).values for j in range(width)], -1)
    expect = h @ net.weights[2] + net.biases[2]
    assert torch.allclose(net(x), expect, atol=1e-6)
    # the functional form (unrolled D) takes the same parameters in the same order
    assert torch.allclose(net(x, params=list(net.parameters())), expect, atol=1e-6)
    # one piece is the plain network: the activation of each affine map
    plain = StackedMLP([2, 4, 3, 1], "relu", runs=2)
    for r in range(2):
        plain.init_run(r, g)
    h = x
    for w, b in zip(plain.weights[:2], plain.biases[:2]):
        h = torch.relu(h @ w + b)
    assert [tuple(w.shape) for w in plain.weights] == [(2, 2, 4), (2, 4, 3), (2, 3, 1)]
    assert torch.allclose(plain(x), h @ plain.weights[2] + plain.biases[2], atol=1e-6)


def test_maxout_d_trains_packed_and_unrolled_and_the_ensemble_keeps_each_seed():
    cfg = presets.get("ring8").with_sets({"model.hidden": 16, "model.d_pieces": 5, "train.steps": 20,
                                          "train.batch_size": 32, "train.pack": 2})
    tr = Trainer(cfg)
    tr.step(3)
    assert torch.isfinite(torch.cat([p.flatten() for p in tr.D.parameters()])).all()
    assert tr.D.weights[0].shape[-1] == 16 * 5 and tr.D.weights[0].shape[1] == 2 * 2      # pairs of 2-D samples
    unrolled = Trainer(cfg.with_sets({"train.unroll": 2, "train.pack": 1, "objective.id": "gan"}))
    unrolled.step(2)
    assert torch.isfinite(unrolled.G.weights[0]).all()
    # run 1 of an ensemble is the single run from its seed (each run's own generator and initialisation)
    one = Trainer(cfg.with_set("train.seed", 1))
    both = Trainer.from_configs([cfg, cfg.with_set("train.seed", 1)])
    one.step(2)
    both.step(2)
    assert torch.allclose(both.D.weights[1][1], one.D.weights[1][0], atol=1e-5)


@pytest.mark.parametrize("pieces", [0, 9, 2.5])
def test_bad_piece_counts_are_refused(pieces):
    with pytest.raises(ConfigError, match="model.d_pieces"):
        presets.get("ring8").with_set("model.d_pieces", pieces).validate()


def test_the_setting_has_words():
    assert changes.setting("model.d_pieces", 5) == "D's maxout pieces 5"


def test_init_std_draws_gaussian_weights_and_zero_biases_for_both_networks_seed_by_seed():
    cfg = presets.get("ring8").with_sets({"model.init_std": 0.02, "model.d_pieces": 5})
    tr = Trainer(cfg)
    for net in (tr.G, tr.D):
        w = torch.cat([p.detach().flatten() for p in net.weights])
        assert abs(float(w.std()) - 0.02) < 0.002 and abs(float(w.mean())) < 0.002
        assert all(float(b.detach().abs().max()) == 0.0 for b in net.biases)
    again = Trainer(cfg)                                 # the same seed draws the same weights
    assert torch.equal(again.D.weights[0], tr.D.weights[0])
    default = Trainer(presets.get("ring8"))              # 0: PyTorch's default, U(±1/sqrt(fan_in)) as before
    bound = 1 / 2 ** 0.5
    assert float(default.G.weights[0].detach().abs().max()) <= bound and float(default.G.biases[0].detach().abs().max()) > 0


@pytest.mark.parametrize("std", [-0.1, 2.0, "big"])
def test_bad_init_std_is_refused(std):
    with pytest.raises(ConfigError, match="model.init_std"):
        presets.get("ring8").with_set("model.init_std", std).validate()


def test_batch_norm_normalises_each_hidden_layer_over_the_batch_run_by_run():
    net = StackedMLP([2, 4, 3, 1], "relu", runs=2, batch_norm=True)
    g = torch.Generator().manual_seed(0)
    for r in range(2):
        net.init_run(r, g)
    assert all(float(b.detach().abs().max()) == 0.0 for b in net.biases[:2])   # the offset replaces the hidden biases
    with torch.no_grad():                                                # a trained gain and offset, not the start's
        for p in list(net.gains) + list(net.offsets):
            p.uniform_(0.5, 1.5, generator=g)
    x = torch.randn(2, 7, 2, generator=g)
    h = x
    for w, b, gain, off in zip(net.weights[:2], net.biases[:2], net.gains, net.offsets):
        pre = h @ w + b
        mean, sd = pre.mean(1, keepdim=True), pre.std(1, unbiased=False, keepdim=True)
        h = torch.relu(off + gain * (pre - mean) / torch.sqrt(sd ** 2 + 1e-5))
    assert torch.allclose(net(x), h @ net.weights[2] + net.biases[2], atol=1e-5)
    # a sample depends on its batch (why the 1-D labs refuse it), and each run only on its own batch
    assert not torch.allclose(net(x[:, :3]), net(x)[:, :3], atol=1e-3)
    assert torch.allclose(net(x[1:], runs=[1]), net(x)[1:], atol=1e-6)


def test_batch_norm_g_trains_packed_with_its_average_and_the_ensemble_keeps_each_seed():
    cfg = presets.get("ring8").with_sets({"model.hidden": 16, "model.g_batch_norm": True, "train.steps": 20,
                                          "train.batch_size": 32, "train.pack": 2, "train.ema": 0.9})
    one = Trainer(cfg.with_set("train.seed", 1))
    both = Trainer.from_configs([cfg, cfg.with_set("train.seed", 1)])
    one.step(3)
    both.step(3)
    assert torch.allclose(both.G.gains[0][1], one.G.gains[0][0], atol=1e-5)
    assert not torch.equal(one.G.gains[0], torch.ones_like(one.G.gains[0]))    # the gains learn ...
    assert all(float(b.detach().abs().max()) == 0.0 for b in one.G.biases[:-1])  # ... the unused hidden biases do not
    with pytest.raises(ValueError, match="batch-normalised"):                    # no functional form (unrolled D's)
        one.G(torch.zeros(1, 4, 2), params=list(one.G.parameters()))
    xs = one.sample(500, run=0, seed=0)
    assert xs.shape == (500, 2) and torch.isfinite(torch.as_tensor(xs)).all()
    assert len(list(Trainer(cfg).D.parameters())) == 2 * 3                       # D has no normalisation


def test_batch_norm_g_is_refused_on_1d_data_with_the_reason():
    with pytest.raises(ConfigError, match="model.g_batch_norm: only for 2-D data"):
        presets.get("figure1").with_set("model.g_batch_norm", True).validate()
    assert changes.setting("model.g_batch_norm", True).startswith("G's batch norm")

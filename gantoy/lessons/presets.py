"""Named configurations: the starting points of lessons. ``names()`` lists them, ``get(name)`` returns
a fresh RunConfig. Each preset's docstring says what it teaches; ``train.steps`` is the length the
preset was tuned for (the tests train some of them that long and check the claim).
"""
from __future__ import annotations

from gantoy.core import objectives
from gantoy.core.config import ConfigError, DataConfig, ModelConfig, ObjectiveConfig, RunConfig, TrainConfig

_PRESETS = {}


def preset(fn):
    _PRESETS[fn.__name__] = fn
    return fn


def names():
    return list(_PRESETS)


def get(name: str) -> RunConfig:
    """A fresh, validated copy of preset ``name``."""
    try:
        fn = _PRESETS[name]
    except KeyError:
        raise ConfigError(f"preset: unknown preset {name!r}; available: {', '.join(_PRESETS)}") from None
    return fn().validate()


def with_objective(cfg: RunConfig, oid: str) -> RunConfig:
    """``cfg`` switched to objective ``oid`` with that objective's recommended optimiser, learning
    rates, k and betas (objectives.get(oid).defaults), the lesson's data and networks unchanged."""
    d = dict(objectives.get(oid).defaults)
    params = d.pop("params", {})
    cfg = cfg.copy()
    cfg.objective.params = {}  # the previous objective's parameters do not apply
    return cfg.with_sets({"objective.id": oid, **{f"train.{k}": v for k, v in d.items()},
                          **{f"objective.params.{k}": v for k, v in params.items()}})


def lesson_of(cfg: RunConfig) -> str:
    """The preset whose data ``cfg`` uses (a lab's data choice for a loaded config), else "custom"."""
    for name in names():
        if get(name).data == cfg.data:
            return name
    return "custom"


def describe(name: str) -> str:
    """The first paragraph of a preset's docstring (what it teaches)."""
    doc = (_PRESETS[name].__doc__ or "").strip()
    return " ".join(doc.split("\n\n")[0].split())


@preset
def figure1():
    """Figure 1 of Goodfellow et al. (2014): p_g slides onto one Gaussian p_data while D flattens to 1/2.

    Reaching panel (d) — JS below 0.01 nats and D within 0.05 of 1/2 — needs care in a 1-D GAN.
    Measured while tuning this preset (seeds 0-3, 3000 steps): uniform noise into a ReLU generator
    stalls at JS 0.008-0.011 even with k = 5 — the last linear piece of G on bounded noise cannot
    draw a Gaussian tail, and 75% of the remaining JS sits beyond 2 sigma; constant learning rates
    orbit the equilibrium. The recipe, each part teachable:
    * Gaussian noise z ~ N(0, 1): G then only has to learn an affine map (the lower line of the
      figure shows the noise's quantile u = Phi(z), which is uniform, so the picture is the paper's);
    * a leaky-ReLU generator and discriminator in coordinates scaled to the data (models.make_pair);
      G starts near x = 0 and has to slide onto p_data at x = 2;
    * k = 2 discriminator steps per generator step and a batch of 512, so D stays near D*;
    * a cosine learning-rate decay to zero over ``train.steps``, which damps the orbit around the
      equilibrium (the weight average, EMA 0.99, is kept for exports that ask for it; the 1-D views draw
      the live G that D is trained against, see snapshot.take).
    Result (tests/test_presets.py): JS ~ 0.001 nats and mean |D - 1/2| under p_data ~ 0.002 after 2000 steps.
    """
    return RunConfig(
        data=DataConfig(name="mixture", means=[2.0], stds=[0.5], weights=[1.0]),
        model=ModelConfig(hidden=32, depth=2, activation="leaky_relu", z_dim=1, noise="normal"),
        objective=ObjectiveConfig(id="gan"),
        train=TrainConfig(batch_size=512, k=2, g_steps=1, optimizer="adam", lr_d=2e-3, lr_g=1e-3,
                          betas=[0.5, 0.999], seed=0, steps=2000, schedule="cosine", lr_min=0.0, ema=0.99))


@preset
def bimodal1d():
    """Two well-separated modes, ½N(−2, 0.5²) + ½N(2, 0.5²): a 1-D generator must split its noise between them.

    A continuous G cannot jump across the gap, so it stretches a thin bridge of mass between the
    modes — the arrows z -> x show where. Watch for collapse onto one mode with the non-saturating loss.
    """
    return RunConfig(
        data=DataConfig(name="bimodal1d"),
        model=ModelConfig(hidden=64, depth=2, activation="leaky_relu", z_dim=1, noise="normal"),
        objective=ObjectiveConfig(id="gan"),
        train=TrainConfig(batch_size=512, k=2, optimizer="adam", lr_d=2e-3, lr_g=1e-3, seed=0, steps=3000,
                          schedule="cosine", ema=0.99))


@preset
def trimodal1d():
    """Three modes at −3, 0, 3 (σ 0.4): mode dropping in 1-D, and the bridges a continuous map must leave."""
    return RunConfig(
        data=DataConfig(name="trimodal1d"),
        model=ModelConfig(hidden=64, depth=2, activation="leaky_relu", z_dim=1, noise="normal"),
        objective=ObjectiveConfig(id="gan"),
        train=TrainConfig(batch_size=512, k=2, optimizer="adam", lr_d=2e-3, lr_g=1e-3, seed=0, steps=4000,
                          schedule="cosine", ema=0.99))


@preset
def imbalanced1d():
    """A majority and a minority mode, 0.9·N(−2, 0.5²) + 0.1·N(2, 0.5²): does the generator keep the small one?

    Switch the objective to nsgan and compare how much mass p_g keeps at x = 2: with D = D* the non-saturating
    generator descends KL(p_g‖p_data) − 2·JS, which tolerates missing data mass more than JS does (mode
    seeking), and a missing minority barely moves JS. The mode count weighs each mode by its share.
    """
    return RunConfig(
        data=DataConfig(name="imbalanced1d"),
        model=ModelConfig(hidden=64, depth=2, activation="leaky_relu", z_dim=1, noise="normal"),
        objective=ObjectiveConfig(id="gan"),
        train=TrainConfig(batch_size=512, k=2, optimizer="adam", lr_d=2e-3, lr_g=1e-3, seed=0, steps=3000,
                          schedule="cosine", ema=0.99))


@preset
def ring8():
    """Eight Gaussians on a ring of radius 2 (σ 0.02; Metz et al. 2017, VEEGAN): the classic mode-collapse test.

    With the non-saturating loss the generator often visits the modes one after another instead of
    covering them all; compare objectives and remedies on the same seed.
    """
    return RunConfig(
        data=DataConfig(name="ring8"),
        model=ModelConfig(hidden=128, depth=2, activation="relu", z_dim=2, noise="normal"),
        objective=ObjectiveConfig(id="nsgan"),
        train=TrainConfig(batch_size=256, k=1, optimizer="adam", lr_d=1e-3, lr_g=1e-3, betas=[0.5, 0.999],
                          seed=0, steps=3000))


@preset
def grid25():
    """A 5 x 5 grid of Gaussians (σ 0.05; VEEGAN, PacGAN): 25 modes, many hard to reach from a blob of noise."""
    return RunConfig(
        data=DataConfig(name="grid25"),
        model=ModelConfig(hidden=128, depth=3, activation="relu", z_dim=2, noise="normal"),
        objective=ObjectiveConfig(id="nsgan"),
        train=TrainConfig(batch_size=256, k=1, optimizer="adam", lr_d=1e-3, lr_g=1e-3, betas=[0.5, 0.999],
                          seed=0, steps=4000))


@preset
def swissroll():
    """The swiss roll of the WGAN-GP toy experiments: a thin curved manifold; WGAN-GP follows it well."""
    return RunConfig(
        data=DataConfig(name="swissroll"),
        model=ModelConfig(hidden=128, depth=3, activation="relu", z_dim=2, noise="normal"),
        objective=ObjectiveConfig(id="wgan-gp", params={"lam": 0.1}),
        train=TrainConfig(batch_size=256, k=5, optimizer="adam", lr_d=1e-3, lr_g=1e-3, betas=[0.5, 0.9],
                          seed=0, steps=3000))

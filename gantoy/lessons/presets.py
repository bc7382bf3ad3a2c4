"""Named configurations: the starting points of lessons. ``names()`` lists them, ``get(name)`` returns
a fresh RunConfig. Each preset's docstring says what it teaches; ``train.steps`` is the length of the lesson
(the tests train them that long and check the claim). ``lesson(name)`` adds how a lab plays it: the speed
at which its main event takes 5–15 s to watch, what to say when it has run its length (from the measured
numbers, lessons/debrief.py) and the next step to offer.
"""
from __future__ import annotations

from dataclasses import dataclass

from gantoy.core import objectives
from gantoy.core.config import ConfigError, DataConfig, ModelConfig, ObjectiveConfig, RunConfig, TrainConfig

_PRESETS = {}


DEFAULT_PACE = ((None, 20),)   # 20 iterations per frame throughout


@dataclass(frozen=True)
class Lesson:
    name: str            # the preset's name
    make: object         # () -> RunConfig
    pace: tuple          # ((until iteration or None, iterations per frame), ...): slow through the main event
    next: str            # the next step offered when the lesson has run its length


def preset(pace=DEFAULT_PACE, next: str = ""):
    """Register a preset function under its name, with how a lab plays it."""
    def register(fn):
        _PRESETS[fn.__name__] = Lesson(fn.__name__, fn, tuple(pace), next)
        return fn
    return register


def pace_at(pace, iteration: int) -> float:
    """Iterations per frame at ``iteration`` for a pace ((until, per_frame), ...); below 1 it is slow motion
    (0.5: one iteration every second frame)."""
    for until, per_frame in pace:
        if until is None or iteration < until:
            return per_frame if per_frame < 1 else int(per_frame)
    return pace[-1][1] if pace[-1][1] < 1 else int(pace[-1][1])


def names():
    return list(_PRESETS)


def lesson(name: str) -> Lesson:
    try:
        return _PRESETS[name]
    except KeyError:
        raise ConfigError(f"preset: unknown preset {name!r}; available: {', '.join(_PRESETS)}") from None


def get(name: str) -> RunConfig:
    """A fresh, validated copy of preset ``name``."""
    return lesson(name).make().validate()


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
    doc = (_PRESETS[name].make.__doc__ or "").strip()
    return " ".join(doc.split("\n\n")[0].split())


@preset(pace=((80, 1 / 3), (None, 40)),
        # (a window, not "about 150": past iteration 80 the lesson pace is 40 iterations a frame, and a Pause lands
        # a frame or two later)
        next="Next: Reset, Train, and Pause once p_g nearly covers p_data (anywhere from iteration ~100 to ~300: "
             "panel (a)); then Train D to optimum (panel b) and One G step (panel c). Or open “Why p_g has spikes” "
             "to see the same lesson with a piecewise-linear G.")
def figure1():
    """Figure 1 of Goodfellow et al. (2014): p_g slides onto one Gaussian p_data while D flattens to 1/2.

    Reaching panel (d) — JS below 0.01 nats and D within 0.05 of 1/2 — needs care in a 1-D GAN. The recipe,
    each part teachable:
    * Gaussian noise z ~ N(0, 1): G then only has to learn an affine map (the lower line of the figure shows
      the noise's quantile u = Phi(z), which is uniform, so the picture is the paper's); uniform noise into a
      ReLU generator stalls at JS 0.008-0.011: the last linear piece of G on bounded noise cannot draw a
      Gaussian tail;
    * a smooth generator (ELU units), so p_g = p_z/|G'| and the optimal D* = p_data/(p_data + p_g) are smooth
      curves as in the paper; a piecewise-linear (leaky-ReLU) G draws p_g with a jump or spike at every kink
      of G — the lesson "spikes1d" shows that. D keeps leaky-ReLU units; both work in coordinates scaled to
      the data (models.make_pair): G starts near x = 0 and has to slide onto p_data at x = 2;
    * k = 2 discriminator steps per generator step and a batch of 512, so D stays near D*;
    * a cosine learning-rate decay to 10 % over ``train.steps``, which damps the orbit around the equilibrium
      (constant learning rates orbit it) while every button keeps acting after the lesson.
    Result, 10 seeds (tests/test_lessons.py): JS <= 0.001 nats, mean |D - 1/2| under p_data <= 0.009, p_g never
    more than 2.4 times p_data's peak after iteration 100, and D trained to its optimum within d_star_err 0.01.
    """
    return RunConfig(
        data=DataConfig(name="mixture", means=[2.0], stds=[0.5], weights=[1.0]),
        model=ModelConfig(hidden=32, depth=2, activation="leaky_relu", g_activation="elu", z_dim=1,
                          noise="normal", d_hidden=64),
        objective=ObjectiveConfig(id="gan"),
        train=TrainConfig(batch_size=512, k=2, g_steps=1, optimizer="adam", lr_d=2e-3, lr_g=1e-3,
                          betas=[0.5, 0.999], seed=0, steps=2000, schedule="cosine", lr_min=0.1, ema=0.99))


@preset(pace=((80, 1 / 3), (None, 40)),
        next="Next: back to Figure 1 and compare: the same lesson with a smooth (ELU) generator draws smooth curves.")
def spikes1d():
    """Why p_g has spikes: the Figure 1 lesson with a piecewise-linear (leaky-ReLU) generator.

    p_g is the exact push-forward p_z(z)/|G'(z)|: where G bends (a kink of a ReLU unit) G' jumps, and p_g
    jumps with it; where a piece of G is nearly flat, p_g spikes. The spikes are true of this generator (they
    are not noise) and D* = p_data/(p_data + p_g) inherits them, so a smooth D cannot follow D* into them:
    Train D to optimum stops short and says by how much. The run still reaches panel (d) on average.
    """
    cfg = figure1()
    cfg.model.g_activation = ""
    return cfg


# The multimodal 1-D lessons' generator: increasing in z (|W| in every layer) with smooth S-shaped units (tanh(x) +
# x/10), so p_g = p_z/G' is smooth. A leaky-ReLU G (as before 2026-12-02) folds and bends: p_g peaked at 10-50 times
# p_data's peak and D trained to its optimum stopped at d_star_err 0.03-0.18; with this G, over seeds 0-9, p_g stays
# within 1.5 times p_data's peak, each lesson's claim holds (with a lower JS) and D reaches D* in each of 90 solves
# (bench/lessons.py, bench/BENCHMARKS.md)
MONOTONE_G = {"g_monotone": True, "g_activation": "leaky_tanh"}


@preset(pace=((300, 5), (None, 50)),
        next="Next: switch the objective to nsgan (sidebar) and Apply: does p_g keep both modes? Or count it over "
             "seeds in the Mode collapse lab.")
def bimodal1d():
    """Two well-separated modes, ½N(−2, 0.5²) + ½N(2, 0.5²): a 1-D generator must split its noise between them.

    A continuous G cannot jump across the gap, so it stretches a thin bridge of mass between the
    modes — the arrows z -> x show where. Watch for collapse onto one mode with the non-saturating loss.

    G is increasing in z (MONOTONE_G): in 1-D the increasing map that pushes p_z onto p_data is unique (the
    optimal transport map), and G draws it as a sum of smooth steps, so p_g = p_z/G' is a smooth curve — no fold
    of G piling mass up, no kink making p_g jump — and D can be trained to D* (Train D to optimum).
    """
    return RunConfig(
        data=DataConfig(name="bimodal1d"),
        model=ModelConfig(hidden=64, depth=2, activation="leaky_relu", z_dim=1, noise="normal", **MONOTONE_G),
        objective=ObjectiveConfig(id="gan"),
        train=TrainConfig(batch_size=512, k=2, optimizer="adam", lr_d=2e-3, lr_g=1e-3, seed=0, steps=3000,
                          schedule="cosine", ema=0.99))


@preset(pace=((300, 5), (None, 50)),
        next="Next: switch to nsgan or f:rkl (mode seeking) and Apply: which modes survive?")
def trimodal1d():
    """Three modes at −3, 0, 3 (σ 0.4): mode dropping in 1-D, and the bridges a continuous map must leave.

    G is increasing in z, a sum of smooth steps (MONOTONE_G; see bimodal1d), so p_g and D* are smooth curves.
    """
    return RunConfig(
        data=DataConfig(name="trimodal1d"),
        model=ModelConfig(hidden=64, depth=2, activation="leaky_relu", z_dim=1, noise="normal", **MONOTONE_G),
        objective=ObjectiveConfig(id="gan"),
        train=TrainConfig(batch_size=512, k=2, optimizer="adam", lr_d=2e-3, lr_g=1e-3, seed=0, steps=4000,
                          schedule="cosine", ema=0.99))


@preset(pace=((300, 5), (None, 50)),
        next="Next: switch the objective to nsgan and Apply, then compare the share at the minority mode.")
def imbalanced1d():
    """A majority and a minority mode, 0.9·N(−2, 0.5²) + 0.1·N(2, 0.5²): does the generator keep the small one?

    Switch the objective to nsgan and compare how much mass p_g keeps at x = 2: with D = D* the non-saturating
    generator descends KL(p_g‖p_data) − 2·JS, which tolerates missing data mass more than JS does (mode
    seeking), and a missing minority barely moves JS. The mode count weighs each mode by its share. G is increasing
    in z, a sum of smooth steps (MONOTONE_G; see bimodal1d).
    """
    return RunConfig(
        data=DataConfig(name="imbalanced1d"),
        model=ModelConfig(hidden=64, depth=2, activation="leaky_relu", z_dim=1, noise="normal", **MONOTONE_G),
        objective=ObjectiveConfig(id="gan"),
        train=TrainConfig(batch_size=512, k=2, optimizer="adam", lr_d=2e-3, lr_g=1e-3, seed=0, steps=3000,
                          schedule="cosine", ema=0.99))


@preset(pace=((None, 20),),
        next="Next: switch to wgan-gp and Apply, or count collapse over ten seeds in the Mode collapse lab.")
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


@preset(pace=((None, 20),), next="Next: count the modes over seeds in the Mode collapse lab (PacGAN, WGAN-GP).")
def grid25():
    """A 5 x 5 grid of Gaussians (σ 0.05; VEEGAN, PacGAN): 25 modes, many hard to reach from a blob of noise."""
    return RunConfig(
        data=DataConfig(name="grid25"),
        model=ModelConfig(hidden=128, depth=3, activation="relu", z_dim=2, noise="normal"),
        objective=ObjectiveConfig(id="nsgan"),
        train=TrainConfig(batch_size=256, k=1, optimizer="adam", lr_d=1e-3, lr_g=1e-3, betas=[0.5, 0.999],
                          seed=0, steps=4000))


@preset(pace=((None, 20),), next="Next: switch to nsgan and Apply: does it follow the thin roll as well?")
def swissroll():
    """The swiss roll of the WGAN-GP toy experiments: a thin curved manifold; WGAN-GP follows it well."""
    return RunConfig(
        data=DataConfig(name="swissroll"),
        model=ModelConfig(hidden=128, depth=3, activation="relu", z_dim=2, noise="normal"),
        objective=ObjectiveConfig(id="wgan-gp", params={"lam": 0.1}),
        train=TrainConfig(batch_size=256, k=5, optimizer="adam", lr_d=1e-3, lr_g=1e-3, betas=[0.5, 0.9],
                          seed=0, steps=3000))

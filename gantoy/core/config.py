"""Run configuration: dataclasses, exact JSON round trip, validation with clear messages.

Every field has a dotted key (``train.lr_d``) shared by JSON configs, the CLI's ``--set`` and URL
parameters. ``validate()`` raises :class:`ConfigError` naming the field, the bad value and what is
allowed; nothing downstream re-checks.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import math
from dataclasses import dataclass, field

from gantoy.core import data as data_mod
from gantoy.core import fields, models, objectives, optim
from gantoy.core.errors import ConfigError

__all__ = ["ConfigError", "DataConfig", "ModelConfig", "ObjectiveConfig", "RunConfig", "TrainConfig"]


# The vocabularies are the registries themselves (one list each, read by config, UI, URLs and CLI).
DATASETS = tuple(data_mod.DATASETS) + data_mod.KINDS
ACTIVATIONS = tuple(models.ACTIVATIONS)
NOT_INCREASING = models.NOT_INCREASING
NOISES = tuple(models.NOISES)
OPTIMIZERS = optim.OPTIMIZERS
SCHEDULES = tuple(optim.SCHEDULES)
MAX_BATCH = 65536
MAX_POINTS = 100_000   # custom data set: points
MAX_COORD = 1e3        # means and points lie within [-MAX_COORD, MAX_COORD]
MAX_UNROLL = 20   # unrolled D steps (each costs a D forward/backward with a graph kept for G)
MAX_PACK = 8      # PacGAN uses 2-4


@dataclass
class DataConfig:
    name: str = "gauss1d"                  # data set id (REFERENCES.md §4) or "mixture" / "custom"
    means: list = field(default_factory=list)    # "mixture" only: [k] (1-D) or [k, 2] (2-D) component means
    stds: list = field(default_factory=list)     # "mixture" only: [k] isotropic component std devs (> 0)
    weights: list = field(default_factory=list)  # "mixture" only: [k] mixture weights (>= 0, sum to 1)
    points: list = field(default_factory=list)   # "custom" only: user points, [n] or [n, 2]


@dataclass
class ModelConfig:
    hidden: int = 32                       # width of every hidden layer (G and D)
    depth: int = 2                         # number of hidden layers (G and D)
    activation: str = "relu"               # hidden activation, one of ACTIVATIONS
    z_dim: int = 1                         # noise dimension (1 gives the Figure 1 z -> x map)
    noise: str = "uniform"                 # noise prior p_z: "uniform" U(0,1) or "normal" N(0, I)
    d_hidden: int = 0                      # D's width if different from G's (0 = same as hidden)
    g_activation: str = ""                 # G's hidden activation if different from D's ("" = activation)
    g_monotone: bool = False               # G increasing in its noise (|W| in every layer): no folds in 1-D
    d_pieces: int = 1                      # D's hidden units as maxout of this many pieces (1: the activation)
    init_std: float = 0.0                  # weights N(0, init_std²), biases 0 (PacGAN: 0.02); 0: PyTorch's
    g_batch_norm: bool = False             # G's hidden layers batch-normalised (PacGAN's G; 2-D only)


@dataclass
class ObjectiveConfig:
    id: str = "gan"                        # objective id from the registry (gantoy.objectives.names())
    params: dict = field(default_factory=dict)   # objective parameters, e.g. {"clip": 0.01}, {"lam": 10}


@dataclass
class TrainConfig:
    batch_size: int = 256                  # minibatch size m for D and G steps
    k: int = 1                             # D steps per iteration (Algorithm 1; 0 = G only)
    g_steps: int = 1                       # G steps per iteration
    optimizer: str = "adam"                # "sgd" (with momentum), "adam" or "rmsprop"
    lr_d: float = 1e-3                     # discriminator learning rate (> 0)
    lr_g: float = 1e-3                     # generator learning rate (> 0)
    momentum: float = 0.0                  # SGD momentum (also RMSProp momentum), in [0, 1)
    betas: list = field(default_factory=lambda: [0.5, 0.999])  # Adam (beta1, beta2), each in [0, 1)
    seed: int = 0                          # seed of initialisation, noise and data sampling
    runs: int = 1                          # R runs in one ensemble, seeds seed, seed+1, ...
    steps: int = 2000                      # iterations the preset's lesson was tuned for
    schedule: str = "constant"             # lr schedule over `steps`: "constant" or "cosine" decay
    lr_min: float = 0.0                    # cosine schedule: final lr as a fraction of the initial lr
    ema: float = 0.0                       # G weight averaging: EMA decay in [0, 1) (0 = off); views use the average
    unroll: int = 0                        # unrolled D steps in G's loss (Metz et al. 2017; 0 = off)
    pack: int = 1                          # PacGAN packing: D sees `pack` samples concatenated (1 = off)


@dataclass
class RunConfig:
    data: DataConfig = field(default_factory=DataConfig)            # what to learn
    model: ModelConfig = field(default_factory=ModelConfig)         # the networks
    objective: ObjectiveConfig = field(default_factory=ObjectiveConfig)  # the game
    train: TrainConfig = field(default_factory=TrainConfig)         # Algorithm 1 settings

    # ---- JSON -----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False)

    @classmethod
    def from_dict(cls, d) -> "RunConfig":
        cfg = fields.build(cls, d, "")
        cfg.validate()
        return cfg

    @classmethod
    def from_json(cls, text) -> "RunConfig":
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                raise ConfigError("config: not UTF-8 text (a JSON file is expected)") from None
        try:
            d = json.loads(text, parse_constant=fields.NonFinite)
        except json.JSONDecodeError as e:
            raise ConfigError(f"config: not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
        fields.reject_non_finite(d, "")
        return cls.from_dict(d)

    def copy(self) -> "RunConfig":
        return copy.deepcopy(self)

    # ---- dotted keys ------------------------------------------------------------------------
    def get(self, key: str):
        obj, last = _resolve(self, key)
        if isinstance(obj, dict):
            return obj.get(last)
        return getattr(obj, last)

    def with_set(self, key: str, value) -> "RunConfig":
        """A validated copy with ``key`` (dotted, e.g. ``train.lr_d``) set; strings are parsed by the field's type."""
        return self.with_sets({key: value})

    def with_sets(self, items) -> "RunConfig":
        """A copy with several dotted keys set (dict or (key, value) pairs), validated once at the end,
        so related fields (data.means and data.stds) can change together."""
        new = self.copy()
        items = list(items.items() if isinstance(items, dict) else items)
        keys = [k for k, _ in items]
        if "objective.id" in keys and not any(k.startswith("objective.params") for k in keys):
            new.objective.params = {}  # another game: the old objective's parameters do not apply
        for key, value in items:
            obj, last = _resolve(new, key)
            if isinstance(obj, dict):  # objective.params.<name>
                obj[last] = fields.parse_loose(value) if isinstance(value, str) else value
            else:
                tp = fields.field_types(type(obj))[last]
                obj_value = fields.parse_typed(value, tp, key) if isinstance(value, str) else value
                setattr(obj, last, fields.coerce(obj_value, tp, key))
        new.validate()
        return new

    # ---- validation -------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Data dimension (1 or 2), derived from the data set."""
        d = self.data
        if d.name in data_mod.DATASETS:
            return data_mod.DATASETS[d.name].dim
        src = d.means if d.name == "mixture" else d.points
        return 2 if src and isinstance(src[0], (list, tuple)) else 1

    def validate(self) -> "RunConfig":
        _validate(self)
        return self


_SECTIONS = {"data": DataConfig, "model": ModelConfig, "objective": ObjectiveConfig, "train": TrainConfig}


def _resolve(cfg: RunConfig, key: str):
    parts = key.split(".") if isinstance(key, str) else []
    if len(parts) < 2 or parts[0] not in _SECTIONS:
        raise ConfigError(f"{key}: unknown key; keys look like section.field with section one of "
                          f"{', '.join(_SECTIONS)}")
    section = getattr(cfg, parts[0])
    if parts[0] == "objective" and parts[1] == "params" and len(parts) == 3:
        return section.params, parts[2]
    if len(parts) != 2 or parts[1] not in fields.field_types(type(section)):
        allowed = ", ".join(f"{parts[0]}.{f}" for f in fields.field_types(type(section)))
        raise ConfigError(f"{key}: unknown key; allowed: {allowed}")
    return section, parts[1]


def _validate(cfg: RunConfig):
    d, m, o, t = cfg.data, cfg.model, cfg.objective, cfg.train
    # --- data
    if d.name not in DATASETS:
        raise ConfigError(f"data.name: unknown data set {d.name!r}; allowed: {', '.join(DATASETS)}")
    if d.name != "mixture":
        for f in ("means", "stds", "weights"):
            if getattr(d, f):
                raise ConfigError(f"data.{f}: only used with data.name='mixture' (got data.name={d.name!r})")
    if d.name != "custom" and d.points:
        raise ConfigError(f"data.points: only used with data.name='custom' (got data.name={d.name!r})")
    if d.name == "mixture":
        _validate_mixture(d.means, d.stds, d.weights)
    if d.name == "custom":
        _validate_points(d.points)
    # --- model
    _int_range("model.hidden", m.hidden, 1, 1024)
    _int_range("model.depth", m.depth, 0, 8)
    _int_range("model.z_dim", m.z_dim, 1, 256)
    if cfg.dim == 1 and m.z_dim != 1:
        # the 1-D views draw p_g exactly by pushing the noise's quantiles through G, a map of one variable
        raise ConfigError(f"model.z_dim: 1-D data needs z_dim = 1 (p_g is drawn exactly by pushing the "
                          f"noise's quantiles through G, which needs one-dimensional noise); got {m.z_dim}")
    _int_range("model.d_hidden", m.d_hidden, 0, 1024)
    _int_range("model.d_pieces", m.d_pieces, 1, 8)
    if not (isinstance(m.init_std, (int, float)) and 0 <= m.init_std <= 1):
        raise ConfigError(f"model.init_std: must be a standard deviation in [0, 1] (0: PyTorch's default), "
                          f"got {m.init_std!r}")
    _choice("model.activation", m.activation, ACTIVATIONS)
    if m.g_activation:
        _choice("model.g_activation", m.g_activation, ACTIVATIONS)
    if m.g_batch_norm and cfg.dim == 1:
        # a batch-normalised G maps a sample according to its batch: it has no exact push-forward to draw
        raise ConfigError("model.g_batch_norm: only for 2-D data (the 1-D views draw p_g exactly by pushing "
                          "the noise's quantiles through G, which needs G to map each z on its own)")
    if m.g_monotone and cfg.dim != 1:
        # increasing in every noise coordinate, each output: in 2-D that is not "no folds" but a crippled G
        raise ConfigError("model.g_monotone: a monotone generator is for 1-D data (an increasing map of one noise "
                          f"variable); this data set is {cfg.dim}-D")
    if m.g_monotone and (m.g_activation or m.activation) in NOT_INCREASING:
        raise ConfigError(f"model.g_monotone: G's activation {m.g_activation or m.activation!r} is not increasing, "
                          "so positive weights do not make G monotone; choose another (e.g. leaky_tanh)")
    _choice("model.noise", m.noise, NOISES)
    # --- objective
    if o.id not in objectives.names():
        raise ConfigError(f"objective.id: unknown objective {o.id!r}; valid ids: {', '.join(objectives.names())}")
    objectives.get(o.id).check_params(o.params)
    # --- train
    _int_range("train.batch_size", t.batch_size, 1, MAX_BATCH)
    _int_range("train.k", t.k, 0, 100)
    _int_range("train.g_steps", t.g_steps, 0, 100)
    if t.k == 0 and t.g_steps == 0:
        raise ConfigError("train.k and train.g_steps are both 0: an iteration would do nothing")
    _choice("train.optimizer", t.optimizer, OPTIMIZERS)
    for f in ("lr_d", "lr_g"):
        v = getattr(t, f)
        if not (math.isfinite(v) and 0 < v <= 10):
            raise ConfigError(f"train.{f}: must be a finite number in (0, 10], got {v}")
    if not (0 <= t.momentum < 1):
        raise ConfigError(f"train.momentum: must be in [0, 1), got {t.momentum}")
    if len(t.betas) != 2 or not all(isinstance(b, (int, float)) and 0 <= b < 1 for b in t.betas):
        raise ConfigError(f"train.betas: must be two numbers in [0, 1), got {t.betas}")
    _int_range("train.seed", t.seed, 0, 2**31 - 1)
    _int_range("train.runs", t.runs, 1, 64)
    _int_range("train.steps", t.steps, 1, 10**7)
    _choice("train.schedule", t.schedule, SCHEDULES)
    if not (0 <= t.lr_min <= 1):
        raise ConfigError(f"train.lr_min: must be a fraction in [0, 1], got {t.lr_min}")
    if not (0 <= t.ema < 1):
        raise ConfigError(f"train.ema: must be in [0, 1) (0 = off), got {t.ema}")
    _int_range("train.unroll", t.unroll, 0, MAX_UNROLL)
    _int_range("train.pack", t.pack, 1, MAX_PACK)
    if t.pack * t.batch_size > MAX_BATCH:
        raise ConfigError(f"train.pack: pack x batch_size must be at most {MAX_BATCH}, got {t.pack * t.batch_size}")
    obj = objectives.get(o.id)
    if t.unroll and not obj.unrollable:
        raise ConfigError(f"train.unroll: {o.id!r} (weight clipping / gradient penalty) is not unrolled — "
                          "set train.unroll to 0; unrolled D is implemented for the GAN-family and f-GAN objectives")
    if t.unroll and obj.active_penalties(obj.p(o.params)):
        raise ConfigError("train.unroll: the R1 penalty is not unrolled; use objective.params.r1 = 0 with unrolling")


def _int_range(key, v, lo, hi):
    if not (lo <= v <= hi):
        raise ConfigError(f"{key}: must be an integer in [{lo}, {hi}], got {v}")


def _choice(key, v, allowed):
    if v not in allowed:
        raise ConfigError(f"{key}: {v!r} is not one of {', '.join(allowed)}")


def _validate_mixture(means, stds, weights):
    k = len(means)
    if k == 0:
        raise ConfigError("data.means: a mixture needs at least one component")
    if k > 100:
        raise ConfigError(f"data.means: at most 100 components, got {k}")
    two_d = isinstance(means[0], list)
    for i, mu in enumerate(means):
        if isinstance(mu, list) != two_d or (two_d and len(mu) != 2):
            raise ConfigError(f"data.means[{i}]: every mean must be a number (1-D) or a pair [x, y] (2-D), got {mu}")
        if any(abs(c) > 1e3 for c in (mu if two_d else [mu])):
            raise ConfigError(f"data.means[{i}]: must lie within [-1000, 1000], got {mu}")
    if len(stds) != k:
        raise ConfigError(f"data.stds: needs one std per component ({k}), got {len(stds)}")
    if len(weights) != k:
        raise ConfigError(f"data.weights: needs one weight per component ({k}), got {len(weights)}")
    for i, s in enumerate(stds):
        if isinstance(s, list) or not (1e-4 <= s <= 1e3):
            raise ConfigError(f"data.stds[{i}]: must be a number in [0.0001, 1000], got {s}")
    for i, w in enumerate(weights):
        if isinstance(w, list) or w < 0:
            raise ConfigError(f"data.weights[{i}]: must be a number >= 0, got {w}")
    total = sum(weights)
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(f"data.weights: must sum to 1 (within 1e-6), got sum {total:.8g}")


def _validate_points(points):
    n = len(points)
    if n < 2:
        raise ConfigError(f"data.points: a custom data set needs at least 2 points, got {n}")
    if n > MAX_POINTS:
        raise ConfigError(f"data.points: at most {MAX_POINTS} points, got {n}")
    two_d = isinstance(points[0], list)
    for i, p in enumerate(points):
        if isinstance(p, list) != two_d or (two_d and len(p) != 2):
            raise ConfigError(f"data.points[{i}]: every point must be a number (1-D) or a pair [x, y] (2-D), got {p}")
        if any(abs(c) > MAX_COORD for c in (p if two_d else [p])):
            raise ConfigError(f"data.points[{i}]: must lie within [-{MAX_COORD:g}, {MAX_COORD:g}], got {p}")

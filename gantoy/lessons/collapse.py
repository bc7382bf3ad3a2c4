"""Mode collapse counted over seeds: one configuration, N seeds, trained as one ensemble.

A single run that happens to collapse proves nothing; this trains ``seeds`` runs (seeds s, s+1, ...)
of one configuration side by side (Trainer ensembles), records which modes each run covers every
``every`` iterations (the timeline: a collapsing generator hops from mode to mode), and summarises the
final state per configuration with the definitions of REFERENCES.md §5 (VEEGAN; PacGAN):
modes covered (mean ± sd, min, max), % high-quality samples, mode_kl, and the fraction of seeds that
cover every mode. Evaluation: ``N_EVAL`` = 2500 generator samples per run (the literature's size),
min_count = 10% of the expected per-mode count (metrics.min_count_for).

Configurations are (objective, remedy) pairs; ``CONFIGS`` names the ones of the standard table. A recipe
(``RECIPES``) lays settings over each configuration after its objective's recommended ones: ring8's reaches
every mode with >= 90 % high-quality samples for WGAN-GP, unrolled D and PacGAN over 10 seeds (docs/COLLAPSE.md).
"""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field

import numpy as np

from gantoy.core import data as data_mod
from gantoy.core import objectives
from gantoy.core.config import ConfigError, RunConfig
from gantoy.lessons import changes, presets
from gantoy.measure import metrics
from gantoy.measure.metrics import N_EVAL, min_count_for
from gantoy.measure.trainer import Trainer

EVAL_SEED = 4321    # fixed evaluation noise, so the timeline does not flicker with resampling
# samples kept per seed at every record (float32), for the lab's rewind and range export: the first 500 of the
# N_EVAL show a run's shape; all of them would be 33 MB a study (51 records x 32 seeds x 2500 x 2 floats), and
# one server holds a class of 30, each queuing up to 5 studies (Ring: every remedy)
FRAME_POINTS = 500

# remedy id -> config changes (each a training option usable everywhere; see train.py)
REMEDIES = {
    "none": {},
    "unrolled": {"train.unroll": 5},   # Metz et al. 2017 (authors' notebook: 5 unrolling steps)
    "pacgan": {"train.pack": 2},       # Lin et al. 2018 (PacGAN2: D sees pairs of samples)
}

# the standard table's configurations: name -> (objective, remedy)
CONFIGS = {
    "gan": ("gan", "none"),            # minimax loss log(1 - D(G(z)))
    "nsgan": ("nsgan", "none"),        # non-saturating -log D(G(z))
    "wgan-gp": ("wgan-gp", "none"),    # Gulrajani et al. 2017
    "unrolled": ("gan", "unrolled"),   # Metz et al. unroll the minimax loss
    "pacgan": ("nsgan", "pacgan"),     # PacGAN packs the discriminator of a standard (non-saturating) GAN
}


# Recipes: settings laid over a configuration after its own (its objective's recommended optimiser settings and
# its remedy), so a learning rate holds for every configuration, not only the preset's objective. "all" applies
# to every configuration, "remedy:<id>" to every configuration with that remedy, a configuration's name (CONFIGS)
# to that one (in this order). `gantoy collapse --preset ring8` (and grid25: PRESET_RECIPES) uses
# "ring8" unless --recipe none (docs/COLLAPSE.md has the tables and how each setting was chosen: on seeds 0-3).
RECIPES = {
    "ring8": {
        # a cosine learning-rate decay to 0 over the run, an average of G's weights (Yazıcı et al. 2019) and lr 3e-3
        # (each configuration keeps its own β, k and penalty: wgan-gp β = (0.5, 0.9), k = 5, λ = 0.1)
        "all": {"train.schedule": "cosine", "train.ema": 0.999, "train.steps": 4000, "train.lr_d": 3e-3,
                "train.lr_g": 3e-3},
        # a slower D (Metz et al.: D 1e-4, G 1e-3); at 2e-3 the unrolled steps overshoot and G collapses
        "remedy:unrolled": {"train.lr_d": 5e-4},
    },
}


# a preset's default recipe. The grid takes the ring's: over 10 seeds WGAN-GP then covers all 25 modes on every seed
# at 91.0 % high quality (20.2 at 36 % with the preset's own settings) and unrolled D 11.4 instead of 2.7; PacGAN2 is
# unchanged within its spread (14.3 against 13.0). PacGAN2 and unrolled D stay far from covering every mode
# (docs/COLLAPSE.md)
PRESET_RECIPES = {"ring8": "ring8", "grid25": "ring8"}


def recipe_for(name: str | None, preset: str | None) -> dict:
    """The recipe called ``name`` ("none": no recipe); without a name, the preset's default recipe if it has one."""
    if name is None:
        return RECIPES.get(PRESET_RECIPES.get(preset), {})
    if name != "none" and name not in RECIPES:
        raise ConfigError(f"--recipe: unknown recipe {name!r}; allowed: none, {', '.join(RECIPES)}")
    return RECIPES.get(name, {})


def pairs_from(configs: str | None, objective: str, remedy: str = "none") -> list:
    """(objective, remedy) pairs from the command line: named configurations ("gan,pacgan"), or one pair."""
    if configs is not None:
        names = [n.strip() for n in configs.split(",") if n.strip()]
        bad = [n for n in names if n not in CONFIGS]
        if not names or bad:
            raise ConfigError(f"--configs: unknown configuration {', '.join(bad) or '(none given)'}; "
                              f"allowed: {', '.join(CONFIGS)}")
        return [CONFIGS[n] for n in names]
    if objective not in objectives.names():
        raise ConfigError(f"--objective: unknown objective {objective!r}; valid ids: {', '.join(objectives.names())}")
    if remedy not in REMEDIES:
        raise ConfigError(f"--remedy: unknown remedy {remedy!r}; allowed: {', '.join(REMEDIES)}")
    return [(objective, remedy)]


def recipe_sets(recipe: dict | None, objective: str, remedy: str = "none") -> dict:
    """The settings ``recipe`` gives configuration (objective, remedy): its "all" ones, its remedy's, its own."""
    recipe = recipe or {}
    return {**recipe.get("all", {}), **recipe.get(f"remedy:{remedy}", {}), **recipe.get(label(objective, remedy), {})}


def describe_recipe(recipe: dict) -> str:
    """A recipe in one line for the page, in the words of lessons/changes: the common settings, then each
    configuration's own ("learning-rate schedule cosine, …; with unrolled: learning rate of D 0.0005")."""
    fmt = (lambda d: ", ".join(changes.setting(k, v) for k, v in d.items() if k != "train.steps"))
    name = (lambda k: f"with {k.split(':', 1)[1]}" if k.startswith("remedy:") else k)
    parts = [fmt(recipe.get("all", {}))] + [f"{name(k)}: {fmt(d)}" for k, d in recipe.items() if k != "all"]
    return "; ".join(p for p in parts if p)


# The Mode collapse lab's default lesson (nsgan, then nsgan + PacGAN on ring8, seeds 0-7) and the compare lab's
# collapse quiz: the ring recipe at lr 2e-3 over 2000 iterations. PacGAN covers all 8 modes on every seed, nsgan drops
# modes on half, in ~75 s on one thread (bench/collapse_lab.py; docs/COLLAPSE.md "The lab's default study")
RING_RECIPE = RECIPES["ring8-short"] = {"all": {"train.schedule": "cosine", "train.ema": 0.999, "train.lr_d": 2e-3,
                                                "train.lr_g": 2e-3, "train.steps": 2000},
                                        "remedy:unrolled": RECIPES["ring8"]["remedy:unrolled"]}   # (a slower D)
# The lab's grid lesson (nsgan, then WGAN-GP on grid25): the ring recipe over 2000 iterations. Seeds 0-7, one
# thread each, 2026-12-02: nsgan 15.1 of 25 modes, none with all; WGAN-GP 24.9, all 25 on 7 of 8 seeds (82 s + 416 s).
# PacGAN2 is no cure on the grid with these networks (14.3 of 25 with the full recipe: docs/COLLAPSE.md)
GRID_RECIPE = {"all": {**RECIPES["ring8"]["all"], "train.steps": 2000}}


def configure(cfg: RunConfig, objective: str, remedy: str = "none") -> RunConfig:
    """``cfg`` with ``objective`` (its recommended optimiser settings unless it is the lesson's own)
    and ``remedy`` applied."""
    if remedy not in REMEDIES:
        raise ConfigError(f"remedy: unknown remedy {remedy!r}; allowed: {', '.join(REMEDIES)}")
    if objective != cfg.objective.id:
        cfg = presets.with_objective(cfg, objective)
    return cfg.with_sets(REMEDIES[remedy]) if REMEDIES[remedy] else cfg.copy().validate()


def label(objective: str, remedy: str) -> str:
    for name, pair in CONFIGS.items():
        if pair == (objective, remedy):
            return name
    return objective if remedy == "none" else f"{objective}+{remedy}"


@dataclass
class StudyResult:
    label: str                 # configuration name, e.g. "nsgan" or "gan+unrolled"
    cfg: RunConfig             # the configuration (train.seed = first seed, train.runs = seeds)
    seeds: list                # the seeds of the runs
    min_count: int             # high-quality samples a mode needs to count as covered
    iterations: list           # iterations at which coverage was recorded
    counts: np.ndarray         # [T, seeds, modes] high-quality samples per mode over time
    final: list                # per seed: dict(seed, modes, hq, mode_kl, all)
    samples: np.ndarray        # [seeds, N_EVAL, dim] final generator samples
    status: str = ""           # "" or why training stopped early (divergence)
    frames: np.ndarray | None = None   # [T, seeds, FRAME_POINTS, dim] float32: each record's first samples
    n_modes: int = field(init=False)
    uid: str = field(init=False, repr=False, compare=False,   # names this result's widgets (not id(): reused
                     default_factory=lambda: uuid.uuid4().hex[:12])   # once the object is freed)

    def __post_init__(self):
        self.n_modes = self.counts.shape[2]

    def covered(self) -> np.ndarray:
        """[T, seeds, modes] bool: which modes each run covers over time."""
        return self.counts >= self.min_count

    def modes_at(self, t: int) -> np.ndarray:
        """[seeds] modes each run covers at the t-th record (the rule of ``covered``)."""
        return self.covered()[t].sum(1)

    def summary(self) -> dict:
        """One table row (sd with ddof = 1; 0 for a single seed)."""
        modes = np.array([f["modes"] for f in self.final], dtype=float)
        hq = 100 * np.array([f["hq"] for f in self.final])
        kl = np.array([f["mode_kl"] for f in self.final])
        sd = (lambda a: float(np.std(a, ddof=1)) if len(a) > 1 else 0.0)
        fin = kl[np.isfinite(kl)]
        return {
            "config": self.label, "seeds": len(self.final), "modes_total": self.n_modes,
            "modes_mean": float(modes.mean()), "modes_sd": sd(modes),
            "modes_min": int(modes.min()), "modes_max": int(modes.max()),
            "hq_pct_mean": float(hq.mean()), "hq_pct_sd": sd(hq),
            "mode_kl_mean": float(fin.mean()) if len(fin) == len(kl) else math.inf,
            "mode_kl_sd": sd(fin) if len(fin) == len(kl) else math.nan,
            "all_modes_frac": float(np.mean([f["all"] for f in self.final])),
            "modes_pub_mean": float(np.mean([f["modes_pub"] for f in self.final])),
            "iterations": self.iterations[-1] if self.iterations else 0,
            "min_count": int(self.min_count[0]) if len(set(np.ravel(self.min_count).tolist())) == 1
            else "/".join(map(str, np.ravel(self.min_count))),
        }


SUMMARY_COLUMNS = ["config", "seeds", "modes_total", "modes_mean", "modes_sd", "modes_min", "modes_max",
                   "hq_pct_mean", "hq_pct_sd", "mode_kl_mean", "mode_kl_sd", "all_modes_frac", "modes_pub_mean",
                   "iterations", "min_count"]
SEED_COLUMNS = ["config", "seed", "modes", "modes_pub", "hq", "mode_kl", "all"]


def _evaluate(trainer, centers, stds, weights, min_count):
    counts, finals, samples = [], [], []
    for r in range(trainer.R):
        xs = trainer.sample(N_EVAL, run=r, seed=EVAL_SEED)
        ms = metrics.mode_stats(xs, centers, stds, min_count=min_count, weights=weights)
        counts.append(ms["counts"])
        finals.append({"seed": trainer.configs[r].train.seed, "modes": ms["modes"], "modes_pub": ms["modes_pub"],
                       "hq": ms["hq"], "mode_kl": ms["mode_kl"], "all": ms["modes"] == len(centers)})
        samples.append(xs)
    return np.stack(counts), finals, np.stack(samples)


class Study:
    """``seeds`` runs of one configuration as one ensemble, advanced in chunks (the app calls
    ``advance`` once per frame; ``run_study`` loops it), recording mode coverage every ``every``
    iterations."""

    def __init__(self, cfg: RunConfig, objective: str | None = None, remedy: str = "none", seeds: int = 10,
                 steps: int | None = None, every: int | None = None, sets: dict | None = None):
        """``sets``: config settings laid over the configuration (a recipe's, recipe_sets; the CLI's --set)."""
        if isinstance(seeds, bool) or not isinstance(seeds, int) or not (1 <= seeds <= 64):
            raise ConfigError(f"seeds: must be an integer in [1, 64], got {seeds!r}")
        cfg = configure(cfg, objective or cfg.objective.id, remedy)
        if sets:
            cfg = cfg.with_sets(sets)
        if steps is not None:
            cfg = cfg.with_set("train.steps", int(steps))
        self.steps = cfg.train.steps
        self.every = int(every) if every is not None else max(1, self.steps // 50)
        if self.every < 1:
            raise ConfigError(f"every: must be at least 1, got {every}")
        self.cfg = cfg.with_set("train.runs", seeds)
        self.label = label(self.cfg.objective.id, remedy)
        if getattr(data_mod.make(self.cfg.data), "centers", None) is None:
            raise ConfigError(f"data.name: mode counting needs a Gaussian mixture with known modes, "
                              f"not {self.cfg.data.name!r}")
        self.trainer = Trainer(self.cfg)
        d = self.trainer.data
        self.min_count = min_count_for(d.weights, N_EVAL)   # one per mode: 10 % of its expected share
        self._ev = (d.centers, d.stds, d.weights, self.min_count)
        self.iterations, self.timeline, self.frames = [], [], []
        self._record()

    def _record(self):
        """Coverage and the first FRAME_POINTS samples of every run, now."""
        counts, _, xs = _evaluate(self.trainer, *self._ev)
        self.iterations.append(self.trainer.iteration)
        self.timeline.append(counts)
        self.frames.append(xs[:, :FRAME_POINTS].astype(np.float32))

    @property
    def done(self) -> bool:
        return self.trainer.iteration >= self.steps or self.trainer.paused

    def advance(self, n: int | None = None) -> int:
        """Train up to the next record (or n iterations, never past one); returns iterations done."""
        if self.done:
            return 0
        tr = self.trainer
        to_record = self.every - tr.iteration % self.every
        n = min(to_record if n is None else min(int(n), to_record), self.steps - tr.iteration)
        got = tr.step(n)
        if not tr.paused and (tr.iteration % self.every == 0 or tr.iteration >= self.steps):
            self._record()
        return got

    def step(self, n: int) -> int:
        """Train n iterations (fewer when the study ends or pauses), recording coverage on the way: the
        live loop's interface (session/live.py), like Trainer.step."""
        done = 0
        while done < n and not self.done:
            got = self.advance(n - done)
            done += got
            if not got:
                break
        return done

    @property
    def iteration(self) -> int:
        return self.trainer.iteration

    @property
    def paused(self) -> bool:
        return self.trainer.paused

    @property
    def status(self):
        return self.trainer.status

    def result(self) -> StudyResult:
        counts, finals, samples = _evaluate(self.trainer, *self._ev)
        tr = self.trainer
        return StudyResult(label=self.label, cfg=self.cfg, seeds=[c.train.seed for c in tr.configs],
                           min_count=self.min_count, iterations=list(self.iterations),
                           counts=np.stack(self.timeline), final=finals, samples=samples,
                           status=tr.status.message, frames=np.stack(self.frames))


def run_study(cfg: RunConfig, objective: str | None = None, remedy: str = "none", seeds: int = 10,
              steps: int | None = None, every: int | None = None, progress=None, sets: dict | None = None
              ) -> StudyResult:
    """Train ``seeds`` runs of one configuration as one ensemble and count modes.

    steps: iterations (default cfg.train.steps; sets train.steps so schedules span the run);
    every: iterations between timeline records (default steps / 50);
    progress: optional callback(done, total) after every chunk (tqdm in the CLI);
    sets: settings laid over the configuration (Study).
    """
    st = Study(cfg, objective, remedy, seeds, steps, every, sets)
    while not st.done:
        st.advance()
        if progress is not None:
            progress(st.trainer.iteration, st.steps)
    return st.result()


def run_block(cfg_json: str, objective: str, remedy: str, first_seed: int, seeds: int, steps: int | None = None,
              every: int | None = None, sets: dict | None = None) -> StudyResult:
    """One task of a distributed study (gantoy/distribute.py): seeds first_seed ... first_seed + seeds - 1 of
    one configuration, as one ensemble. Plain arguments, so a worker process or a Ray worker can run it."""
    cfg = RunConfig.from_json(cfg_json).with_set("train.seed", int(first_seed))
    return run_study(cfg, objective, remedy, seeds=seeds, steps=steps, every=every, sets=sets)


def merge(parts: list) -> StudyResult:
    """The blocks of one configuration (in seed order) as one result, as if trained as one ensemble. A block
    that stopped early (divergence pauses its ensemble, not the study) keeps its last record to the end; so
    do its frames (joined along the seeds axis like the counts; None if a block has none)."""
    first = parts[0]
    if len(parts) == 1:
        return first
    longest = max(parts, key=lambda p: len(p.iterations))
    T = len(longest.iterations)

    def padded(a):
        return np.concatenate([a, np.repeat(a[-1:], T - len(a), axis=0)])

    counts = [padded(p.counts) for p in parts]
    frames = (None if any(p.frames is None for p in parts)
              else np.concatenate([padded(p.frames) for p in parts], axis=1))
    seeds = [s for p in parts for s in p.seeds]
    status = "; ".join(f"seeds {p.seeds[0]}–{p.seeds[-1]}: {p.status}" for p in parts if p.status)
    cfg = first.cfg.with_sets({"train.seed": seeds[0], "train.runs": len(seeds)})
    return StudyResult(label=first.label, cfg=cfg, seeds=seeds, min_count=first.min_count,
                       iterations=list(longest.iterations), counts=np.concatenate(counts, axis=1),
                       final=[f for p in parts for f in p.final],
                       samples=np.concatenate([p.samples for p in parts]), status=status, frames=frames)


def display_row(r: dict) -> dict:
    """A summary row as the lab's table and the markdown table show it (strings; ∞ for an infinite mode KL)."""
    kl = "∞" if math.isinf(r["mode_kl_mean"]) else f"{r['mode_kl_mean']:.3f} ± {r['mode_kl_sd']:.3f}"
    return {"configuration": r["config"], "seeds": r["seeds"],
            "modes covered": f"{r['modes_mean']:.1f} ± {r['modes_sd']:.1f} / {r['modes_total']}",
            "min–max": f"{r['modes_min']}–{r['modes_max']}",
            "seeds covering all": f"{100 * r['all_modes_frac']:.0f}%",
            "modes, published rule": f"{r['modes_pub_mean']:.1f} / {r['modes_total']}",
            "high-quality %": f"{r['hq_pct_mean']:.1f} ± {r['hq_pct_sd']:.1f}", "mode KL": kl,
            "iterations": r["iterations"], "min_count": r["min_count"]}


def in_words(rows: list, statuses=None) -> str:
    """The lab's table in words, a clause per configuration: seeds with every mode, the worst (or best) seed, the
    share near a mode, and an early stop (``statuses``: each row's StudyResult.status, "" for none)."""
    parts = []
    for r, status in zip(rows, statuses or [""] * len(rows)):
        n, k = r["seeds"], r["modes_total"]
        every = int(round(r["all_modes_frac"] * n))
        modes = "both modes" if k == 2 else f"all {k} modes"
        kept = (f"kept {modes} on every one of its {n} seeds" if every == n else
                f"kept {modes} on none of its {n} seeds (its best seed: {r['modes_max']} of {k})" if every == 0 else
                f"kept {modes} on {every} of {n} seeds (its worst seed: {r['modes_min']} of {k})")
        stop = f" — stopped early at iteration {r['iterations']}: {status}" if status else ""
        parts.append(f"**{r['config']}** {kept}, with {r['hq_pct_mean']:.0f} % of its samples near a mode{stop}")
    return "; ".join(parts) + "."


# what the table's columns mean, said under it in the lab (REFERENCES.md §5; docs/COLLAPSE.md)
COLUMNS_HELP = ("**modes covered**: a mode counts when it holds at least 10 % of its expected share of the 2500 "
                "samples (min_count) · **all modes**: the share of seeds that cover every mode · **published rule**: "
                "modes covered by PacGAN's rule — its code counts a mode with a single high-quality sample, so a "
                "mode a run has let dwindle to a few stray samples still counts there — hence the higher numbers · "
                "**high-quality %**: samples within 3σ of some mode · **mode KL**: KL of the high-quality samples' "
                "mode histogram from the data's mode weights (0: the modes filled in the data's proportions).")


# markdown header -> display_row column (the docs' tables keep these headers)
_MARKDOWN = {"configuration": "configuration", "seeds": "seeds", "modes covered (mean ± sd)": "modes covered",
             "min–max": "min–max", "all modes": "seeds covering all", "high-quality %": "high-quality %",
             "mode KL": "mode KL", "modes, published rule (≥ 1 sample)": "modes, published rule"}


def format_markdown(rows: list) -> str:
    """The summary rows as a markdown table."""
    out = ["| " + " | ".join(_MARKDOWN) + " |", "|" + "---|" * len(_MARKDOWN)]
    for r in rows:
        d = display_row(r)
        out.append("| " + " | ".join(str(d[c]) for c in _MARKDOWN.values()) + " |")
    return "\n".join(out)

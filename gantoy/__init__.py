"""gantoy: watch generative adversarial nets learn 1-D and 2-D toy distributions.

The layers (docs/ARCHITECTURE.md) import downwards only: core -> measure -> lessons, theory -> render ->
session -> ui (the only streamlit code) -> the pages in labs/. This module keeps the public API of
DESIGN.md at the top level: ``from gantoy import RunConfig, Trainer, presets, objectives, metrics,
density`` and the module paths ``gantoy.config``, ``gantoy.data``, ``gantoy.density``, ``gantoy.metrics``,
``gantoy.objectives``, ``gantoy.presets`` and ``gantoy.dynamics`` (registered as aliases of their modules
in the layers, so ``from gantoy.data import Mixture`` keeps working).
"""
import sys

from gantoy.core import config, data, objectives
from gantoy.core.config import ConfigError, RunConfig
from gantoy.lessons import presets
from gantoy.measure import density, metrics
from gantoy.measure.trainer import Trainer
from gantoy.theory import dynamics

PUBLIC_MODULES = {"config": config, "data": data, "density": density, "dynamics": dynamics, "metrics": metrics,
                  "objectives": objectives, "presets": presets}
for _name, _module in PUBLIC_MODULES.items():
    sys.modules[f"{__name__}.{_name}"] = _module

__all__ = ["ConfigError", "RunConfig", "Trainer", "config", "data", "density", "dynamics", "metrics",
           "objectives", "presets"]
__version__ = "0.1.0"

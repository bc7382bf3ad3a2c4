"""gantoy: watch generative adversarial nets learn 1-D and 2-D toy distributions."""
from gantoy.config import ConfigError, RunConfig
from gantoy import objectives
from gantoy import presets
from gantoy.train import Trainer

__all__ = ["ConfigError", "RunConfig", "Trainer", "objectives", "presets"]
__version__ = "0.1.0"

"""The one exception of configuration problems (kept apart so every core module can raise it without
importing the config)."""


class ConfigError(ValueError):
    """A configuration value is invalid; the message names the field, the value and what is allowed."""

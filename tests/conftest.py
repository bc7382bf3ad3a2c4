import os

import pytest
import torch

# Small, deterministic, and polite on the 2-core machines.
torch.set_num_threads(1)
os.environ.setdefault("PYTHONHASHSEED", "0")


@pytest.fixture
def tiny_cfg():
    """A small fast 1-D config for behaviour tests."""
    from gantoy.config import DataConfig, ModelConfig, ObjectiveConfig, RunConfig, TrainConfig

    return RunConfig(
        data=DataConfig(name="mixture", means=[1.0], stds=[0.5], weights=[1.0]),
        model=ModelConfig(hidden=16, depth=2, activation="leaky_relu", z_dim=1, noise="normal"),
        objective=ObjectiveConfig(id="gan"),
        train=TrainConfig(batch_size=64, k=1, optimizer="adam", lr_d=1e-3, lr_g=1e-3, seed=3, steps=100),
    ).validate()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture's teardown can tell whether the test failed
    (tests/test_browser.py then writes down what the page showed)."""
    rep = yield
    setattr(item, "rep_" + rep.when, rep)
    return rep

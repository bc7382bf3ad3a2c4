"""The stacked optimiser reproduces torch.optim's update rules, run by run, with per-run learning rates."""
import pytest
import torch

from gantoy.core.optim import StackedOptimizer


def _torch_opt(kind, params, lr):
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.9))
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, momentum=0.3)
    return torch.optim.SGD(params, lr=lr, momentum=0.9)


@pytest.mark.parametrize("kind", ["adam", "rmsprop", "sgd"])
def test_matches_torch_optim_per_run(kind):
    torch.manual_seed(0)
    R = 3
    lrs = [1e-2, 3e-3, 5e-2] if kind != "sgd" else [1e-3, 3e-4, 5e-3]  # quartic loss: keep SGD stable
    w0 = torch.randn(R, 4, 5)
    stacked = torch.nn.Parameter(w0.clone())
    opt = StackedOptimizer([stacked], kind, lrs, momentum=0.9 if kind == "sgd" else 0.3, betas=(0.5, 0.9))
    singles = [torch.nn.Parameter(w0[r].clone()) for r in range(R)]
    topts = [_torch_opt(kind, [singles[r]], lrs[r]) for r in range(R)]
    targets = torch.randn(10, R, 4, 5)
    for t in range(10):
        loss = ((stacked - targets[t]) ** 4).sum()
        opt.zero_grad(); loss.backward(); opt.step()
        for r in range(R):
            topts[r].zero_grad()
            ((singles[r] - targets[t, r]) ** 4).sum().backward()
            topts[r].step()
    for r in range(R):
        torch.testing.assert_close(stacked.data[r], singles[r].data, rtol=1e-5, atol=1e-6)


def test_scale_multiplies_the_learning_rate():
    p = torch.nn.Parameter(torch.ones(1, 1, 1))
    opt = StackedOptimizer([p], "sgd", 0.1)
    p.grad = torch.ones_like(p)
    opt.step(scale=0.5)
    assert float(p.detach()) == pytest.approx(1 - 0.05)

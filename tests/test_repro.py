"""Every reproduction runs in --quick mode and its key claims hold at small scale (the full runs and
their numbers are in docs/REPRODUCTIONS.md)."""
import json

import pytest

from gantoy import repro


@pytest.mark.parametrize("name", repro.NAMES)
def test_quick_reproduction(name, tmp_path):
    res, secs, text = repro.run(name, str(tmp_path), quick=True)
    assert res.checks, "a reproduction must check at least one claim"
    failed = {k: v for k, (ok, v) in res.checks.items() if not ok}
    assert not failed, failed
    assert (tmp_path / "summary.md").read_text() == text
    assert json.loads((tmp_path / "result.json").read_text())["quick"] is True
    pngs = list(tmp_path.glob("*.png"))
    assert pngs and all(p.stat().st_size > 10_000 for p in pngs)  # real figures, not empty canvases


def test_cli_repro_refuses_unknown_names(capsys):
    from gantoy.cli import main

    assert main(["repro", "nope"]) == 2
    assert "unknown reproduction 'nope'" in capsys.readouterr().err

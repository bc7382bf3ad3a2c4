"""The command line: presets, train with outputs, reproducibility from config.json, bad input."""
import csv
import os
import subprocess
import sys


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "gantoy", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def run_here(args, capsys):
    """The CLI in this process (no interpreter start-up per case): (exit status, stdout, stderr)."""
    import torch

    from gantoy.cli import main

    threads = torch.get_num_threads()
    try:
        code = main(list(args))
    except SystemExit as e:  # argparse's own errors
        code = e.code
    finally:
        torch.set_num_threads(threads)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_presets_lists_them():
    r = run("presets")
    assert r.returncode == 0
    for name in ("figure1", "ring8", "grid25", "swissroll"):
        assert name in r.stdout


def test_train_writes_outputs_and_reproduces_from_config(tmp_path):
    out1, out2 = tmp_path / "a", tmp_path / "b"
    r = run("train", "--preset", "figure1", "--steps", "60", "--out", str(out1), "--log-every", "20",
            "--set", "train.batch_size=128")
    assert r.returncode == 0, r.stderr
    assert "final iteration=60" in r.stdout
    assert (out1 / "config.json").exists()
    rows = list(csv.DictReader(open(out1 / "metrics.csv")))
    assert [int(x["iteration"]) for x in rows] == [0, 20, 40, 60]
    assert {"js", "kl_data_g", "w1", "value", "bound", "d_star_err", "loss_d"} <= set(rows[0])
    r2 = run("train", "--config", str(out1 / "config.json"), "--out", str(out2), "--log-every", "20")
    assert r2.returncode == 0, r2.stderr
    assert open(out1 / "metrics.csv").read() == open(out2 / "metrics.csv").read()


# bad flags and values: the table in tests/test_bad_inputs.py (run in-process); one case here goes through
# the real entry point
def test_bad_input_through_the_real_entry_point():
    r = run("train", "--preset", "nope")
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and "unknown preset 'nope'" in lines[0], r.stderr


def test_bad_config_file(tmp_path, capsys):
    p = tmp_path / "c.json"
    p.write_text('{"train": {"k": -2}}')
    code, _, err = run_here(["train", "--config", str(p)], capsys)
    assert code == 2 and "train.k: must be an integer in [0, 100], got -2" in err

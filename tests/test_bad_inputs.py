"""The bad-input catalogue (issue #11): every entry point, one row per case, each asserting the specific
message (not just "no exception"). Entry points: run-config JSON (files, uploads), the CLI, CSV uploads,
lesson links (URL parameters), the theory labs' tables and settings, and slider extremes (which must
train, not fail). The page-level half — the previous state stays on screen — is asserted by the AppTests
named in the last test of this file."""
import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from gantoy import presets
from gantoy.lessons import links
from gantoy.measure import transport
from gantoy.theory import conditional, explorer
from gantoy.config import ConfigError, RunConfig
from gantoy.lessons.inputs import config_from_upload, csv_points

GOOD = json.loads(presets.get("figure1").to_json())


def cfg_with(path, value):
    d = json.loads(json.dumps(GOOD))
    node = d
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = value
    return json.dumps(d)


# ---- run-config JSON -------------------------------------------------------------------------------
JSON_CASES = [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "config: expected an object of fields, got list"),
    ('"text"', "config: expected an object of fields, got str"),
    (cfg_with("train.lr_d", "fast"), "train.lr_d"),
    (cfg_with("train.lr_d", float("nan")), "train.lr_d: NaN is not allowed (numbers must be finite)"),
    (cfg_with("data.means", [1.0, float("-inf")]), "data.means[1]: -Infinity is not allowed"),
    (cfg_with("train.lr_d", 1e300), "train.lr_d"),
    (cfg_with("train.lr_d", -1), "train.lr_d: must be a finite number in (0, 10]"),
    (cfg_with("train.k", -2), "train.k: must be an integer in [0, 100], got -2"),
    (cfg_with("train.k", 2.5), "train.k"),
    (cfg_with("train.batch_size", 0), "train.batch_size"),
    (cfg_with("train.batch_size", 10**9), "train.batch_size"),
    (cfg_with("train.optimizer", "lbfgs"), "train.optimizer"),
    (cfg_with("train.nope", 1), "train.nope: unknown key"),
    (cfg_with("model.hidden", 0), "model.hidden"),
    (cfg_with("model.activation", "swish"), "model.activation"),
    (cfg_with("model.noise", "cauchy"), "model.noise"),
    (cfg_with("model.z_dim", 3), "model.z_dim: 1-D data needs z_dim = 1"),
    (cfg_with("objective.id", "bogus"), "valid ids: gan, nsgan"),
    (cfg_with("objective.params", {"lam": 1}), "objective.params.lam: unknown parameter for 'gan'"),
    (cfg_with("data.stds", [-0.5]), "data.stds"),
    (cfg_with("data.weights", [0.3]), "data.weights"),
    (cfg_with("data.means", [float("inf")]), "data.means[0]: Infinity is not allowed"),
    (cfg_with("train.unroll", 50), "train.unroll: must be an integer in [0, 20], got 50"),
]


@pytest.mark.parametrize("text,msg", JSON_CASES)
def test_config_json(text, msg):
    with pytest.raises(ConfigError) as e:
        RunConfig.from_json(text)
    assert msg in str(e.value), str(e.value)


# ---- config uploads (the labs' "Load config JSON") ----------------------------------------------------
UPLOAD_CASES = [
    (pickle.dumps({"train": {}}), "config: not UTF-8 text (a JSON file is expected)"),
    (b"\xff\xfe\x00bad", "config: not UTF-8 text"),
    (b'{"train": {"k": 1', "config: not valid JSON"),
    (b"x" * 1_000_001, "a gantoy config is a small JSON file"),
    (presets.get("ring8").to_json().encode(), "this is a 2-D configuration; this lab is 1-D"),
]


@pytest.mark.parametrize("raw,msg", UPLOAD_CASES)
def test_config_upload(raw, msg):
    cfg, err = config_from_upload(raw, dim=1)
    assert cfg is None and msg in err, err


# ---- the CLI ---------------------------------------------------------------------------------------
CLI_CASES = [
    (["train", "--bogus"], "unrecognized arguments: --bogus"),
    (["train", "--preset", "nope"], "unknown preset 'nope'"),
    (["train", "--set", "train.lr_d"], "expected KEY=VALUE"),
    (["train", "--set", "train.k=-1"], "train.k"),
    (["train", "--steps", "0"], "train.steps: must be an integer in [1, 10000000]"),
    (["train", "--steps", "ten"], "invalid int value"),
    (["train", "--set", "train.lr_d=-1"], "train.lr_d: must be a finite number in (0, 10]"),
    (["train", "--set", "objective.id=bogus"], "valid ids: gan, nsgan"),
    (["train", "--config", "/nonexistent.json"], "cannot read"),
    (["frobnicate"], "invalid choice"),
    (["train", "--threads", "0"], "--threads: must be in [1, 256]"),
    (["collapse", "--configs", "gan,bogus"], "--configs: unknown configuration bogus"),
    (["collapse", "--seeds", "100"], "--seeds: must be in [1, 64]"),
    (["export", "--format", "avi", "--out", "/tmp/x.avi"], "avi"),
    (["export", "--size", "big", "--out", "/tmp/x.gif"], "--size: expected WIDTHxHEIGHT"),
    (["repro", "nope"], "unknown reproduction 'nope'"),
    (["repro", "all", "--out", "/tmp/x"], "--out: give it for one reproduction at a time"),
]


@pytest.mark.parametrize("argv,msg", CLI_CASES)
def test_cli(argv, msg, capsys):
    from gantoy.cli import main

    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code
    err = capsys.readouterr().err
    assert code == 2 and msg in err and len(err.strip().splitlines()) == 1, err


# ---- CSV uploads of points -------------------------------------------------------------------------
def _zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("a.csv", date_time=(2026, 1, 1, 0, 0, 0)), "x,y\n1,2\n")  # fixed bytes, fixed test id
    return buf.getvalue()


CSV_CASES = [
    (b"a,b\n1,2\n3,4\n", 2, "a column named x is required (found: a, b)"),
    (b"x,y\n1,hello\n2,3\n", 2, "every x, y value must be a number"),
    (b"x,y\n1,nan\n2,3\n", 2, "empty, NaN or infinite"),
    (b"x,y\n", 2, "at least 2 points are needed, got 0"),
    (b"x,y\n1,2\n", 2, "at least 2 points are needed, got 1"),
    (b"x,y\n1,2\n1,2\n1,2\n", 2, "all points are identical"),
    (b"x\n1\n2\n", 2, "this lab needs columns x and y"),
    (b"x,y\n1,2\n3,4\n", 1, "this lab needs a column x"),
    (b"x,y\n" + b"1,2\n" * 100_001, 2, "100001 rows; at most 100000 points"),
    (b"x,y\n" + b"1,2," + b"9" * (11 * 10**6) + b"\n", 2, "the limit is 10 MB"),
    ("x,y\n1,2\n3,é\n".encode("latin-1"), 2, "not UTF-8"),
    (pickle.dumps([[1, 2], [3, 4]]), 2, "binary, zip or pickle"),
    (_zip(), 2, "binary, zip or pickle"),
    (b"x,y\n1e9,2\n3,4\n", 2, "within [-1000, 1000]"),
    (b'x,y\n"1,2\n', 2, "cannot read it as CSV"),
]


def _refusal(pts, err, dim=2):
    """The reason the lab gives for a file: the parser's, or the config's (which checks the coordinates'
    range: the parser does not repeat that check)."""
    if err is not None:
        return err
    with pytest.raises(ConfigError) as e:
        presets.get("ring8" if dim == 2 else "figure1").with_sets({"data.name": "custom", "data.points": pts})
    return str(e.value)


@pytest.mark.parametrize("raw,dim,msg", CSV_CASES)
def test_csv(raw, dim, msg):
    assert msg in _refusal(*csv_points(raw, dim_expected=dim), dim)


# ---- lesson links (URL parameters) ----------------------------------------------------------------
URL_CASES = [
    ({"lesson": "nope"}, "lesson: 'nope' is not a lesson of this page"),
    ({"train.nope": "1"}, "unknown key"),
    ({"train.lr_d": "1e9"}, "train.lr_d"),
    ({"train.k": "many"}, "train.k"),
    ({"it": "-5"}, "it: ignored"),
    ({"it": "10000000000"}, "it: ignored"),
    ({"train.lr_d": "1" * 10_000}, "longer than 2000 characters"),
    ({"objective.id": "bogus"}, "unknown objective 'bogus'"),
    ({"data.stds": "[-1]"}, "the lesson's data are kept"),
]


@pytest.mark.parametrize("params,msg", URL_CASES)
def test_url(params, msg):
    lesson, cfg, it, warnings = links.decode(params, "figure1")
    assert any(msg in w for w in warnings), warnings
    assert cfg.validate() is not None  # what is left is a valid lesson


# ---- the theory labs' tables and settings ---------------------------------------------------------
THEORY_CASES = [
    (lambda: explorer.make("gauss", [0], [-1], [1]), "std must be > 0"),
    (lambda: explorer.make("strips", [0, 1], [1], [1, 1]), "every component needs"),
    (lambda: transport.solve([[0.0]], [[1.0]], [1.0], [2.0]), "unbalanced masses"),
    (lambda: transport.solve([[0.0], [1.0]], [[1.0]], [1.5, -0.5], [1.0]), "negative weight"),
    (lambda: transport.solve([[np.nan]], [[1.0]], [1.0], [1.0]), "non-finite coordinate"),
    (lambda: transport.cost([[0.0]], [[1.0]], "manhattan"), "unknown cost 'manhattan'"),
    (lambda: conditional.CondConfig(lr=0.0).check(), "lr: must be in (0, 1]"),
    (lambda: conditional.CondConfig(noise_dim=0).check(), "noise_dim"),
]


@pytest.mark.parametrize("call,msg", THEORY_CASES)
def test_theory_inputs(call, msg):
    with pytest.raises(ValueError) as e:
        call()
    assert msg in str(e.value), str(e.value)


# ---- slider extremes: valid, so they must train (no exception, finite or paused with a message) ------
EXTREMES = [
    ("train.batch_size", 1), ("model.hidden", 1), ("train.k", 0), ("train.lr_d", 10.0), ("train.lr_g", 10.0),
    ("model.depth", 1), ("train.g_steps", 5), ("model.z_dim", 1),
]


@pytest.mark.parametrize("key,value", EXTREMES)
def test_slider_extremes_train(key, value):
    from gantoy import Trainer

    tr = Trainer(presets.get("figure1").with_set(key, value))
    tr.step(5)
    if tr.paused:
        assert "loss became" in tr.status.message
    else:
        assert np.isfinite(tr.snapshot().metrics["js"])


def test_catalogue_size_and_page_level_state_tests():
    n = len(JSON_CASES) + len(UPLOAD_CASES) + len(CLI_CASES) + len(CSV_CASES) + len(URL_CASES) + len(THEORY_CASES) + len(EXTREMES)
    assert n >= 50
    # where a page keeps its previous state on bad input (AppTest):
    import tests.test_app_pages as pages
    import tests.test_app_theory as theory
    for mod, name in [(theory, "test_divergences_lab_bad_tables_keep_the_last_good"),
                      (theory, "test_transport_lab_bad_tables"), (theory, "test_conditional_lab_divergence_pauses_with_a_message"),
                      (pages, "test_divergence_shows_the_message_and_reset_to_last_good")]:
        assert hasattr(mod, name), name

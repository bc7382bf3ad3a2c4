"""Lesson links: encode/decode round trip, tampered parameters ignored with warnings, and the pages
restore a lesson from the URL (AppTest with query parameters)."""
import pytest

from gantoy import presets
from gantoy.lessons import links
from tests.apphelp import open_page

def test_round_trip_of_a_changed_lesson():
    cfg = presets.with_objective(presets.get("ring8"), "wgan-gp").with_sets({"train.seed": 4, "model.hidden": 64})
    q = links.encode(cfg, "ring8", iteration=120)
    assert q["lesson"] == "ring8" and q["objective.id"] == "wgan-gp" and q["it"] == "120"
    lesson, back, it, warns = links.decode(q, "ring8")
    assert (lesson, it, warns) == ("ring8", 120, []) and back == links.canonical(cfg)


def test_round_trip_of_custom_data_and_an_unchanged_lesson():
    cfg = presets.get("figure1").with_sets({"data.means": [0.0, 3.0], "data.stds": [1.0, 0.5],
                                            "data.weights": [0.3, 0.7]})
    assert links.decode(links.encode(cfg, "figure1"), "figure1")[1] == cfg
    assert links.encode(presets.get("grid25"), "grid25") == {"lesson": "grid25"}


@pytest.mark.parametrize("params, word", [
    ({"foo.bar": "1"}, "unknown key"),
    ({"train.lr_d": "-1"}, "train.lr_d"),
    ({"objective.id": "bogus"}, "unknown objective"),
    ({"train.seed": "x" * 10_000}, "longer than"),
    ({"it": "-5"}, "it: ignored"),
    ({"lesson": "nope"}, "not a lesson"),
    ({"data.weights": "[0.5,0.2]"}, "data.weights"),
    ({"data.means": "[1,"}, "cannot read"),
    ({"train.batch_size": "0"}, "train.batch_size"),
    ({"model.activation": "<script>"}, "model.activation"),
])
def test_tampered_parameters_are_ignored_with_a_warning(params, word):
    lesson, cfg, it, warns = links.decode({"lesson": "ring8", **params} if "lesson" not in params else params,
                                          "ring8")
    assert any(word in w for w in warns), warns
    assert cfg == presets.get("ring8") and lesson == "ring8"


def _open(page, params):
    return open_page(page, params)


def test_figure1_page_restores_a_lesson_from_the_url():
    at = _open("labs/figure1.py", {"lesson": "bimodal1d", "objective.id": "nsgan", "train.lr_d": "0.005",
                                   "train.seed": "3"})
    assert at.radio(key="fig1:data").value == "bimodal1d"
    assert at.title[0].value == "Two modes — G must split its noise"      # the lesson's title, not Figure 1's
    assert at.selectbox(key="hp:figure1:objective.id").value == "nsgan"
    assert at.select_slider(key="hp:figure1:train.lr_d").value == 0.005
    assert at.number_input(key="hp:figure1:train.seed").value == 3
    lab = at.session_state["lab:figure1"]
    assert lab.cfg.train.seed == 3 and lab.cfg.data.name == "bimodal1d" and not at.warning
    # the page keeps the URL equal to the lesson
    assert at.query_params["objective.id"] in ("nsgan", ["nsgan"]) and at.query_params["lesson"] in ("bimodal1d", ["bimodal1d"])
    at.radio(key="fig1:data").set_value("spikes1d").run()                  # the title follows the sidebar's choice
    assert at.title[0].value.startswith("Why p_g has spikes")


def test_playground_link_with_an_iteration_trains_there():
    at = _open("labs/playground.py", {"lesson": "grid25", "it": "3"})
    lab = at.session_state["lab:playground"]
    assert lab.cfg.data.name == "grid25" and (lab.target == 3 or lab.trainer.iteration > 0)


def test_tampered_url_shows_a_warning_and_the_defaults():
    at = _open("labs/playground.py", {"foo": "1", "train.lr_d": "-1", "objective.id": "bogus",
                                      "train.seed": "x" * 10_000})
    assert at.warning and "could not be used" in at.warning[0].value
    text = at.warning[0].value
    assert "foo" in text and "train.lr_d" in text and "bogus" in text and "train.seed" in text
    assert at.session_state["lab:playground"].cfg == presets.get("ring8")
    assert at.selectbox(key="hp:playground:objective.id").value == "nsgan"

"""Lesson mode and predict-then-run: a lesson link shows exactly the chosen controls with the teacher's title
and text; bad lesson parameters become warnings naming each; questions pause training and it goes on after the
answer; the predictions are shown next to what happened, read from the run's numbers; Make a lesson link makes
such a link."""
import re
from urllib.parse import parse_qs, urlparse

import pytest

from gantoy.lessons import compare, lessonmode, presets, quiz
from gantoy.session.lab import Lab
from tests.apphelp import open_page

HYPER = {"Objective", "k (D steps)", "G steps", "Optimizer", "lr D", "lr G", "Batch size", "Width", "Seed"}


def _labels(at) -> set:
    out = set()
    for kind in ("selectbox", "number_input", "select_slider", "slider", "radio", "checkbox", "multiselect",
                 "text_input", "text_area"):
        out |= {w.label for w in at.get(kind)}
    return out


def _buttons(at) -> set:
    return {b.label for b in at.button}


def test_a_lesson_link_shows_exactly_the_chosen_controls():
    at = open_page("labs/figure1.py", params={"lesson": "figure1", "show": "train,lr", "title": "Watch D flatten",
                                              "text": "**Look at the blue curve.** <script>alert(1)</script>"})
    assert not at.exception
    assert at.title[0].value == "Watch D flatten"
    assert any("**Look at the blue curve.**" in m.value for m in at.markdown)
    labels, buttons = _labels(at), _buttons(at)
    assert {"lr D", "lr G"} <= labels and not (HYPER - {"lr D", "lr G"}) & labels
    assert "Data" not in labels and "Speed" not in labels
    assert "Train" in buttons and not {"Step", "Step D", "Step G", "Reset", "Train D to optimum"} & buttons
    expanders = {e.label for e in at.expander}
    assert not {"Export", "Save or load the trained state", "Share this lesson", "Make a lesson link",
                "The maths (Goodfellow et al. 2014)", "Load a configuration (JSON)"} & expanders
    # the markdown is shown without HTML (Streamlit escapes it unless unsafe_allow_html)
    assert not any(getattr(m.proto, "allow_html", False) for m in at.markdown)


def test_without_lesson_mode_every_control_is_there():
    at = open_page("labs/figure1.py")
    assert HYPER <= _labels(at) and {"Train", "Step", "Step D", "Step G", "Reset"} <= _buttons(at)
    assert "Make a lesson link" in {e.label for e in at.expander}


def test_bad_lesson_parameters_are_named_and_the_lab_still_opens():
    at = open_page("labs/figure1.py", params={"show": "train,nope", "quiz": "zzz", "title": "x" * 500,
                                              "ask": ["abc|q|a|b", "5|only one option|a", "10|ok?|yes|no"]})
    assert not at.exception and "Train" in _buttons(at)
    text = " ".join(w.value for w in at.warning)
    for part in ("show: nope", "quiz: 'zzz'", "title: longer than 120", "ask 1 ('abc|q|a|b')", "ask 2"):
        assert part in text, part
    lab = at.session_state["lab:figure1"]
    assert [q.text for q in lab.questions] == ["ok?"]            # the good question is kept
    assert at.title[0].value == "x" * 120


def test_a_quiz_question_pauses_training_until_answered():
    at = open_page("labs/figure1.py", params={"lesson": "figure1", "quiz": "figure1"})
    lab = at.session_state["lab:figure1"]
    assert len(lab.questions) == 2
    train = at.button(key="run:figure1")
    assert train.disabled and "Answer the question" in train.help
    assert any("When the lesson ends, what will D(x) look like?" in m.value for m in at.markdown)
    at.radio(key=f"lm:figure1:q0:{lab.version}").set_value(0).run()
    at.button(key="lm:figure1:a0").click().run()
    assert lab.answers == {0: 0} and not at.button(key="run:figure1").disabled
    at.button(key="run:figure1").click().run()
    assert lab.running and lab.target == 40                       # stops at the next question
    lab.trainer.step(40)
    lab.advance()
    assert not lab.running and lab.waiting()[0] == 1
    at.run()
    assert any("By the end, will JS" in m.value for m in at.markdown)
    # asked while the answer is not yet on the page: JS still well above the question's 0.01
    assert lab.snap.metrics["js"] > 0.05
    at.radio(key=f"lm:figure1:q1:{lab.version}").set_value(0).run()
    at.button(key="lm:figure1:a1").click().run()
    assert lab.running and lab.target == lab.length              # answered: training goes on by itself


def test_predictions_are_shown_next_to_what_happened_from_the_numbers():
    lab = Lab("figure1", presets.get("figure1"), "figure1")
    lab.set_questions([quiz.Question(**vars(q)) for q in quiz.QUIZZES["figure1"].questions])
    lab.answer(0, 1, go_on=False)                 # "near 1 on the data, near 0 elsewhere" (wrong)
    lab.answer(1, 0, go_on=False)                 # JS below 0.01: yes
    lab.snap
    assert lab.revealed() == []                   # nothing to reveal before the run reaches the end
    while lab.trainer.iteration < lab.length:
        lab.trainer.step(250)
        lab.snap
    out = lab.revealed()
    assert len(out) == 2
    (q0, a0, came0, num0), (q1, a1, came1, num1) = out
    final = lab.history.rows[-1]
    assert came0 == (0 if final["d_flat"] < 0.1 else 1) and f"{final['d_flat']:.4f}" in num0
    assert came1 == (0 if final["js"] < 0.01 else 1)
    assert came0 == 0 and came1 == 0              # what the lesson shows (bench/BENCHMARKS.md, lessons over seeds)


@pytest.mark.parametrize("rows, expected", [
    ([{"iteration": 0, "js": 0.693, "w1": 6.0}, {"iteration": 200, "js": 0.693, "w1": 2.5}], 1),   # W1 only
    ([{"iteration": 0, "js": 0.693, "w1": 6.0}, {"iteration": 200, "js": 0.2, "w1": 0.3}], 2),     # both
    ([{"iteration": 0, "js": 0.5, "w1": 1.0}, {"iteration": 200, "js": 0.1, "w1": 0.95}], 0),      # JS only
    ([{"iteration": 0, "js": 0.693, "w1": 6.0}, {"iteration": 200, "js": 0.69, "w1": 5.9}], 3),    # neither
])
def test_which_moved_reads_the_rows(rows, expected):
    assert quiz.check_which_moved(rows, 200, 0)[0] == expected


def test_modes_check_counts_the_run_it_is_about():
    rows = [{"iteration": 0, "modes": 0}, {"iteration": 3000, "modes": 5}]
    assert quiz.check_modes(rows, 3000, 8) == (1, "at iteration 3000, 5 of 8 modes were covered")
    assert quiz.check_modes([{"iteration": 3000, "modes": 8}], 3000, 8)[0] == 0
    # with the published count and the high-quality share: what "covered" means, in the picture's terms (a ring of
    # samples through every mode counted 1 of 8 and read as a wrong answer key)
    ring = [{"iteration": 750, "modes": 1, "modes_pub": 7, "hq": 0.152}]
    assert quiz.check_modes(ring, 750, 8) == (2, "at iteration 750, 1 of 8 modes were covered (a mode counts when 10 % "
                                              "of its share of the samples lie within 3σ of it; 7 had at least one, "
                                              "and 15 % of all samples lay that close to a mode — the rest "
                                              "farther than 3σ from every mode)")


def test_the_collapse_quiz_opens_in_the_compare_lab():
    at = open_page("labs/compare.py", params={**quiz.QUIZZES["collapse"].params, "quiz": "collapse",
                                              "show": "train,speed"})
    lab = at.session_state["lab:compare"]
    assert not at.exception and lab.labels == ["nsgan", "wgan-gp"] and len(lab.questions) == 2
    # the short ring recipe on both runs (with the ring preset's own settings no run showed collapse against a cure)
    assert at.selectbox(key="cmp:recipe").value == "ring8-short" and compare.recipe_of(lab.cfgs) == "ring8-short"
    assert lab.length == 2000 and any("the ring8-short recipe: learning-rate schedule cosine" in m.value
                                      for m in at.markdown)
    assert at.button(key="run:compare").disabled
    assert all(w.disabled for w in at.multiselect if w.key == "cmp:objs")   # the settings are locked
    assert not at.warning


def test_a_quiz_link_whose_setup_is_not_the_quizs_says_so():
    """A collapse-quiz link made before the quiz took the short ring recipe (no cmp:recipe) runs the preset's own
    settings, for which the questions and answers were not written: the page says so (it said nothing)."""
    old = {k: v for k, v in quiz.QUIZZES["collapse"].params.items() if k != "cmp:recipe"}
    at = open_page("labs/compare.py", params={**old, "quiz": "collapse", "show": "train,speed"})
    assert not at.exception and len(at.session_state["lab:compare"].questions) == 2
    assert any("this link sets cmp:recipe otherwise than the quiz 'collapse' does" in w.value for w in at.warning)
    z = quiz.QUIZZES["collapse"]
    as_url = {k: v if isinstance(v, list) else [v] for k, v in z.params.items()}
    assert quiz.setup_differences(z, as_url) == [] and quiz.setup_differences(z, {}) == list(z.params)
    assert quiz.setup_differences(z, {**as_url, "cmp:objs": ["wgan-gp", "nsgan"]}) == []   # order does not matter
    # the 1-D lab too: the Wasserstein quiz without its p_data at 6
    far = open_page("labs/figure1.py", params={"lesson": "figure1", "objective.id": "wgan-gp", "quiz": "wasserstein"})
    assert any("this link sets data.means otherwise than the quiz 'wasserstein' does" in w.value for w in far.warning)


def test_make_a_lesson_link_builds_a_link_that_opens_in_lesson_mode():
    at = open_page("labs/figure1.py")
    at.multiselect(key="mk:figure1:show").set_value(["train", "speed", "timeline"]).run()
    at.text_input(key="mk:figure1:title").set_value("Slow motion").run()
    at.text_area(key="mk:figure1:asks").set_value("100|Will D be flat by the end?|yes|no\nbad line").run()
    assert any("question 2" in e.value for e in at.error)
    link = next(m.value for m in at.markdown if "show=" in m.value)
    url = re.search(r"\]\(([^)]*)\)", link).group(1)     # (AppTest has no host: the link is "?...")
    q = {k: v for k, v in parse_qs(urlparse(url).query).items()}
    assert q["show"] == ["train,speed,timeline"] and q["title"] == ["Slow motion"]
    assert q["ask"] == ["100|Will D be flat by the end?|yes|no"] and q["lesson"] == ["figure1"]
    opened = open_page("labs/figure1.py", params={k: v if len(v) > 1 else v[0] for k, v in q.items()})
    assert opened.title[0].value == "Slow motion" and not (HYPER & _labels(opened))
    assert [x.text for x in opened.session_state["lab:figure1"].questions] == ["Will D be flat by the end?"]


def test_every_lab_control_is_described():
    for lab, ids in lessonmode.LAB_CONTROLS.items():
        assert set(ids) <= set(lessonmode.CONTROLS), lab
    assert {z.page for z in quiz.QUIZZES.values()} <= set(lessonmode.LAB_CONTROLS)


def test_the_teacher_section_on_home_links_every_lesson_and_each_link_opens_clean():
    from urllib.parse import parse_qs, urlparse

    from gantoy.lessons import course

    at = open_page()                               # Home, where the teacher's section is
    buttons = at.get("link_button")
    assert not at.exception and len(buttons) == len(course.COURSE)
    pages = {"figure1": "labs/figure1.py", "compare": "labs/compare.py", "divergences": "labs/divergences.py",
             "dynamics": "labs/dynamics.py"}
    for b, step in zip(buttons, course.COURSE):
        url = urlparse(b.proto.url)
        assert url.path.endswith("/" + step.page)
        q = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(url.query).items()}
        opened = open_page(pages[step.page], params=q)
        assert not opened.exception and not opened.warning, (step.title, [w.value for w in opened.warning])
        if step.page == "divergences":    # the lesson says KL is infinite: the strips it opens on, not the Gaussians
            assert opened.selectbox(key="div:preset").value == "Disjoint strips (no overlap)"
            assert "KL(P‖Q)\n∞" in "\n".join(m.label + "\n" + m.value for m in opened.metric)
        if "quiz" in q:
            lab = opened.session_state[f"lab:{step.page}"]
            assert [x.text for x in lab.questions] == step.ask
            assert "Train" in _buttons(opened) and "Step" not in _buttons(opened)


def test_training_records_the_moment_a_question_is_about_and_goes_on():
    from gantoy.lessons import compare
    from gantoy.session.lab import EnsembleLab

    cfg = presets.get("ring8").with_sets({"model.hidden": 16, "train.steps": 60})
    cfgs, labels = compare.build(cfg, "objective", ["nsgan", "wgan-gp"])
    lab = EnsembleLab("compare", cfgs, labels, "ring8")
    lab.set_questions([quiz.Question(0, "modes of wgan-gp at 23?", quiz.MODES3, "modes", about=23, run=1)])
    lab.snaps
    lab.start()
    assert not lab.running                       # the question at 0 comes first
    lab.answer(0, 0, go_on=False)
    lab.speed = 7
    lab.start()
    assert lab.target == 23
    while lab.running:
        lab.advance()
    assert lab.trainer.iteration == 60           # it went on past 23 by itself, to the lesson's length
    (q, ans, came, numbers), = lab.revealed()
    row = next(r for r in lab.histories[1].rows if r["iteration"] == 23)   # recorded exactly there
    assert numbers.startswith(f"at iteration 23, {int(row['modes'])} of 8 modes were covered (a mode counts")
    assert came == quiz.check_modes([row], 23, 8)[0]
    # that row stays however long the run goes on (History.keep): the reveal keeps quoting iteration 23
    for h in lab.histories:
        h.capacity = 8
        for it in range(61, 400):
            h.add({**h.rows[-1], "iteration": it, "d_updates": it, "g_updates": it})
    assert len(lab.histories[1]) <= 8 and row in lab.histories[1].rows
    assert lab.revealed()[0][3] == numbers


def test_a_link_with_an_iteration_still_asks_the_questions_first():
    at = open_page("labs/figure1.py", params={"lesson": "figure1", "quiz": "figure1", "it": "500"})
    lab = at.session_state["lab:figure1"]
    assert not lab.running and lab.trainer.iteration == 0 and lab.waiting()[0] == 0


# ---- the labs without a Lab object: settings bound to the link are locked, actions and panels hidden ----------
SETTING_KINDS = ("selectbox", "slider", "radio", "select_slider", "number_input", "checkbox", "multiselect")
# lab -> (a lesson's show=, the settings it leaves unlocked, the settings it locks, what it hides, what it keeps)
OTHER_LABS = {
    "collapse": ("train", set(), {"Ready-made lesson", "Data", "Objective", "Remedy", "Seeds (runs)"},
                 {"Clear the table"}, {"Run 2 configurations × 8 seeds"}),
    "conditional": ("train,condition", {"Condition x0"}, {"Toy", "Method", "Learning rate", "Seed"},
                    {"Reset", "Step ×100"}, {"Train"}),
    "divergences": ("shift", {"Shift Q by θ", "Q's width ×"}, {"Lesson", "Kind", "Integrand to draw", "y-axis top"},
                    {"WGAN Example 1", "Fit one Gaussian"}, set()),
    "transport": ("cost", {"Cost"}, {"Lesson", "Points per side", "Seed", "Normalise both masses to 1"},
                  {"Dual potentials"}, set()),
    "dynamics": ("rules", {"Run A: update rule", "Run B: update rule"}, {"Lesson", "Objective", "Step size h", "Steps"},
                 {"The maths", "The lessons' networks"}, set()),
}


def _settings(at) -> dict:
    """label -> disabled, for every setting widget on the page."""
    return {w.label: w.disabled for kind in SETTING_KINDS for w in at.get(kind)}


def _shown_names(at) -> set:
    return _buttons(at) | {e.label for e in at.expander} | {t.label for t in at.tabs}


@pytest.mark.parametrize("lab", list(OTHER_LABS))
def test_every_lab_opens_in_lesson_mode_with_exactly_the_chosen_controls(lab):
    show, unlocked, locked, hidden, kept = OTHER_LABS[lab]
    plain = open_page(f"labs/{lab}.py")
    assert {"Make a lesson link"} <= _shown_names(plain) and hidden <= _shown_names(plain)
    assert not any(_settings(plain)[k] for k in locked if k in _settings(plain) and k not in ("Points per side", "Seed"))
    at = open_page(f"labs/{lab}.py", params={"show": show, "title": f"Lesson: {lab}", "text": "Watch *this*."})
    assert not at.exception and not at.warning
    assert at.title[0].value == f"Lesson: {lab}" and any(m.value == "Watch *this*." for m in at.markdown)
    s = _settings(at)
    assert all(not s[k] for k in unlocked), s
    assert all(s[k] for k in locked), s                       # visible, at the lesson's value, locked
    names = _shown_names(at)
    assert not hidden & names and kept <= names
    assert not {"Make a lesson link", "Share this lesson"} & names


@pytest.mark.parametrize("lab", ["collapse", "transport"])
def test_a_lab_without_questions_names_them_in_its_warnings(lab):
    at = open_page(f"labs/{lab}.py", params={"show": "share,zzz", "quiz": "figure1", "ask": "5|q?|a|b"})
    text = " ".join(w.value for w in at.warning)
    assert not at.exception and "show: zzz" in text
    assert "quiz: this lab asks no questions" in text and "ask: this lab asks no questions" in text
    assert "Share this lesson" in _shown_names(at)


def test_make_a_lesson_link_in_a_lab_without_questions():
    at = open_page("labs/collapse.py")
    at.selectbox(key="mc:lesson").set_value("ring-all").run()
    assert not any(w.key == "mk:collapse:asks" for w in at.text_area)     # no questions in this lab
    at.multiselect(key="mk:collapse:show").set_value(["train", "remedy"]).run()
    at.text_input(key="mk:collapse:title").set_value("Every remedy").run()
    link = next(m.value for m in at.markdown if "show=" in m.value)
    url = re.search(r"\]\(([^)]*)\)", link).group(1)
    q = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(urlparse(url).query).items()}
    assert q["show"] == "train,remedy" and q["title"] == "Every remedy" and q["mc:lesson"] == "Ring: every remedy"
    opened = open_page("labs/collapse.py", params=q)
    assert not opened.exception and not opened.warning and opened.title[0].value == "Every remedy"
    assert opened.session_state["mc:lesson"] == "ring-all"          # the ready-made lesson travels in the link
    s = _settings(opened)
    assert not s["Remedy"] and s["Objective"] and s["Data"]
    assert "Run 5 configurations × 8 seeds" in _buttons(opened)


# settings a lab's link carries besides its URL-bound widgets (a lesson link locks them at these values)
CARRIED = {
    "collapse": ({"mc:data": "grid25", "mc:steps": "700"}, ("number_input", "mc:steps:grid25", 700),
                 {"mc:steps": "5"}),
    "transport": ({"ot:lesson": "2-D: two clusters", "ot:n": "20", "ot:seed": "4", "ot:norm": "True"},
                  ("slider", "ot:n", 20), {"ot:n": "2.5"}),
    "divergences": ({"div:which": "w1", "div:ymax": "8"}, ("selectbox", "div:which", "w1"), {"div:ymax": "inf"}),
}


@pytest.mark.parametrize("lab", list(CARRIED))
def test_a_link_carries_the_settings_a_lesson_locks(lab):
    params, (kind, key, value), bad = CARRIED[lab]
    at = open_page(f"labs/{lab}.py", params={**params, "show": "share"})
    assert not at.exception and not at.warning
    assert getattr(at, kind)(key=key).value == value and getattr(at, kind)(key=key).disabled   # locked at it
    plain = open_page(f"labs/{lab}.py", params=params)
    share = next(m.value for m in plain.markdown if "](" in m.value and key.split(":")[0] + "%3A" in m.value)
    q = parse_qs(urlparse(re.search(r"\]\(([^)]*)\)", share).group(1)).query)
    assert all(q[k] == [v] for k, v in params.items()), q          # and the share link carries them on
    refused = open_page(f"labs/{lab}.py", params=bad)
    k, v = next(iter(bad.items()))
    assert not refused.exception and any(f"{k} = {v!r}: ignored" in w.value for w in refused.warning)


def test_the_wasserstein_quiz_plays_p_gs_slide_in_slow_motion():
    """The Wasserstein quiz's own pace: 2 iterations a frame through p_g's slide from 0 to 6 (~300 iterations), then
    40; with Figure 1's pace (the lesson its link plays) iterations 80–200, the first question's span, took three
    frames. Other links keep their lesson's pace."""
    from gantoy.lessons import course, presets

    step = next(s for s in course.COURSE if s.params.get("quiz") == "wasserstein")
    at = open_page("labs/figure1.py", params=step.params)
    lab = at.session_state["lab:figure1"]
    assert lab.steps_per_frame == 2
    lab.trainer.step(320)
    assert lab.steps_per_frame == 40
    plain = open_page("labs/figure1.py", params={"lesson": "figure1"}).session_state["lab:figure1"]
    assert plain.steps_per_frame == presets.pace_at(presets.lesson("figure1").pace, 0)

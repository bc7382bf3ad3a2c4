"""AppTest for the compare and mode-collapse labs: they run, the runs and the table appear with the
right columns, bad selections show errors and keep the previous state."""
import pytest

from gantoy.lessons import collapse, compare

from tests.apphelp import charts, open_page, share_link

def _open(page):
    return open_page(page)


def _counter(at, lab="compare"):
    """The lab's iteration, after checking that the page shows exactly its counter line."""
    from gantoy.ui.controls import counter_line

    lab = at.session_state[f"lab:{lab}"]
    assert any(c.value == counter_line(lab, lab.snap) for c in at.caption), [c.value for c in at.caption]
    return lab.trainer.iteration


def test_compare_lab_default_runs_and_steps():
    at = _open("labs/compare.py")
    lab = at.session_state["lab:compare"]
    assert lab.labels == ["nsgan", "wgan-gp"] and lab.trainer.R == 2
    figs = charts(at)  # two small multiples (live charts) + the shared metrics chart
    assert len(figs) == 3 and [f["layout"]["title"]["text"].split(":")[0] for f in figs[:2]] == ["nsgan", "wgan-gp"]
    at.button(key="step:compare").click().run()
    assert not at.exception and _counter(at) == 1
    # each run's own D count (wgan-gp's critic takes k = 5 steps an iteration), not run 0's for all
    ks = [c.train.k for c in lab.cfgs]
    assert ks[0] != ks[1]
    line = f"D / G updates: nsgan {ks[0]} / 1 · wgan-gp {ks[1]} / 1"
    assert any(line in c.value for c in at.caption), [c.value for c in at.caption]
    # the shared chart has one line per run in each metric panel
    assert len(at.session_state["lab:compare"].histories[1].rows) >= 2


def test_compare_lab_other_modes_and_bad_selections():
    at = _open("labs/compare.py")
    at.selectbox(key="cmp:data").set_value("bimodal1d")
    at.radio(key="cmp:mode").set_value("k")
    at.multiselect(key="cmp:ks").set_value([1, 4])
    at.button(key="FormSubmitter:cmp:setup-Set up runs").click().run()
    assert not at.exception
    lab = at.session_state["lab:compare"]
    assert lab.labels == ["k = 1", "k = 4"] and lab.cfg.data.name == "bimodal1d"
    assert [c.train.k for c in lab.cfgs] == [1, 4]
    at.button(key="step:compare").click().run()
    assert not at.exception and lab.trainer.d_updates == 4  # max k D steps; the k = 1 run sat out three
    # one value only: an error, the previous runs kept
    at.radio(key="cmp:mode").set_value("objective")
    at.multiselect(key="cmp:objs").set_value(["gan"])
    at.button(key="FormSubmitter:cmp:setup-Set up runs").click().run()
    assert not at.exception
    assert any("pick 2 to 6 objectives" in e.value for e in at.error)
    assert at.session_state["lab:compare"].labels == ["k = 1", "k = 4"]
    # seeds
    at.radio(key="cmp:mode").set_value("seed")
    at.multiselect(key="cmp:seeds").set_value([3, 7])
    at.button(key="FormSubmitter:cmp:setup-Set up runs").click().run()
    assert at.session_state["lab:compare"].labels == ["seed 3", "seed 7"]


def test_compare_lab_every_objective_in_one_ensemble():
    at = _open("labs/compare.py")
    at.selectbox(key="cmp:data").set_value("figure1")
    at.multiselect(key="cmp:objs").set_value(["lsgan", "wgan", "f:kl", "f:jeffrey", "f:pearson", "f:hellinger"])
    at.button(key="FormSubmitter:cmp:setup-Set up runs").click().run()
    at.button(key="step:compare").click().run()
    assert not at.exception and not at.error
    assert at.session_state["lab:compare"].trainer.R == 6


def _run_study(at, seeds=2, steps=20):
    at.slider(key="mc:seeds").set_value(seeds)
    at.number_input(key=f"mc:steps:{at.selectbox(key='mc:data').value}").set_value(steps)
    at.button(key="mc:run").click().run()
    n0 = len(at.session_state["mc:lab"].results)
    for _ in range(400):  # the fragment trains in slices; AppTest reruns the page until the studies are done
        lab = at.session_state["mc:lab"]
        if lab.done and len(lab.results) > n0 and not lab.running:
            break
        at.run()
    assert not at.exception, at.exception


def test_collapse_lab_runs_seeds_and_fills_the_table():
    at = _open("labs/collapse.py")
    assert any("press **Run**" in i.value for i in at.info)
    assert at.button(key="mc:run").label == "Run 2 configurations × 8 seeds"   # the default lesson: a baseline and a cure
    # named before Run (the sidebar's Remedy shows the first configuration's "none")
    assert any(c.value == "Run trains the lesson's 2 configurations one after another, 8 seeds each: **nsgan**, "
               "then **pacgan**." for c in at.caption)
    assert at.number_input(key="mc:steps:ring8").value == 2000                   # its length (collapse.RING_RECIPE)
    _run_study(at)
    res = at.session_state["mc:lab"].results
    assert [r.label for r in res] == ["nsgan", "pacgan"] and len(res[0].final) == 2   # one press, both rows
    tr = res[1].cfg.train   # the lesson's recipe reaches both studies (measured: bench/collapse_lab.py)
    assert (tr.schedule, tr.ema, tr.lr_d, tr.lr_g, tr.pack, tr.steps) == ("cosine", 0.999, 2e-3, 2e-3, 2, 20)
    df = at.dataframe[0].value
    assert list(df.columns)[:3] == ["configuration", "seeds", "modes covered"] and "seeds covering all" in df.columns
    assert len(df) == 2 and list(df["configuration"]) == ["nsgan", "pacgan"]
    assert "modes, published rule" in df.columns
    assert len(charts(at)) == 3  # gallery, timeline, modes over time
    # the table in words, from its numbers, and what its columns mean
    said = " ".join(m.value for m in at.markdown)     # (the wording: test_collapse.py, from hand-made rows)
    assert "**What this table shows:** " + collapse.in_words([r.summary() for r in res]) in said
    assert any("its code counts a mode with a single high-quality sample" in c.value for c in at.caption)
    # the gallery draws the last configuration; the picker draws the baseline's seeds instead
    assert any(h.value.startswith("Final samples per seed — pacgan") for h in at.subheader)
    at.radio(key=f"mc:show:{res[1].uid}").set_value(0).run()
    assert not at.exception
    assert any(h.value.startswith("Final samples per seed — nsgan") for h in at.subheader)
    assert any(h.value == "Which modes, when — nsgan" for h in at.subheader)
    gallery = next(f for f in charts(at) if "seed" in str(f["layout"]))
    titles = [a["text"] for a in gallery["layout"]["annotations"]]
    assert titles[:2] == [f"seed {s}: {m} of 8" for s, m in zip(res[0].seeds, res[0].modes_at(-1))]
    # the baseline's collapse can be rewound too (both studies of this Run keep their recorded samples)
    assert any(s.label == "Rewind the gallery to iteration" for s in at.select_slider)
    # one configuration of one's own adds a row
    at.selectbox(key="mc:lesson").set_value("free").run()
    at.selectbox(key="mc:objective").set_value("gan")
    at.radio(key="mc:remedy").set_value("none")
    _run_study(at)
    assert [r.label for r in at.session_state["mc:lab"].results] == ["nsgan", "pacgan", "gan"]
    assert len(at.dataframe[0].value) == 3
    assert not any(c.value.startswith("Run trains") for c in at.caption)   # one configuration: the button says it
    # an earlier Run's study is drawn at its end and says why it cannot be rewound
    at.radio(key=f"mc:show:{at.session_state['mc:lab'].results[-1].uid}").set_value(0).run()
    assert not at.exception and not any(s.label == "Rewind the gallery to iteration" for s in at.select_slider)
    assert any(c.value.startswith("This study is from an earlier press of Run") for c in at.caption)


def test_collapse_lab_lessons_and_bad_selection():
    at = _open("labs/collapse.py")
    at.selectbox(key="mc:lesson").set_value("helvetica").run()
    assert at.selectbox(key="mc:objective").value == "nsgan"
    _run_study(at, steps=10)
    r = at.session_state["mc:lab"].results[-1]
    assert r.cfg.train.g_steps == 10
    # every remedy: the ring recipe's 4000 iterations and learning rates, laid over each objective's recommended
    # ones (wgan-gp's would otherwise fall back to 5e-4), unrolled D its own
    at.selectbox(key="mc:lesson").set_value("ring-all").run()
    assert at.number_input(key="mc:steps:ring8").value == 4000
    assert any("with unrolled: learning rate of D 0.0005" in c.value for c in at.sidebar.caption)
    _run_study(at, steps=10)
    got = {r.label: (r.cfg.train.lr_d, r.cfg.train.lr_g, r.cfg.train.schedule, r.cfg.train.steps)
           for r in at.session_state["mc:lab"].results[-5:]}
    assert got == {"gan": (3e-3, 3e-3, "cosine", 10), "nsgan": (3e-3, 3e-3, "cosine", 10),
                   "wgan-gp": (3e-3, 3e-3, "cosine", 10), "unrolled": (5e-4, 3e-3, "cosine", 10),
                   "pacgan": (3e-3, 3e-3, "cosine", 10)}
    # the grid's cure is WGAN-GP (PacGAN2 does not help there: docs/COLLAPSE.md), with the ring recipe over 2000
    at.selectbox(key="mc:lesson").set_value("grid").run()
    assert at.number_input(key="mc:steps:grid25").value == 2000
    _run_study(at, steps=10)
    got = {r.label: (r.cfg.train.lr_d, r.cfg.train.schedule, r.cfg.train.ema) for r in at.session_state["mc:lab"].results[-2:]}
    assert got == {"nsgan": (3e-3, "cosine", 0.999), "wgan-gp": (3e-3, "cosine", 0.999)}
    # another objective under a lesson trains with its own defaults, not the lesson's settings
    at.selectbox(key="mc:lesson").set_value("ring").run()
    # the ring lesson (nsgan, then PacGAN2) is told its own settings, not unrolled D's that its recipe also holds
    told = [c.value for c in at.sidebar.caption if c.value.startswith("Lesson settings")]
    assert len(told) == 1 and "learning rate of D 0.002" in told[0] and "unrolled" not in told[0]
    at.selectbox(key="mc:objective").set_value("gan").run()
    assert not any(c.value.startswith("Lesson settings") for c in at.sidebar.caption)
    _run_study(at, steps=10)
    r = at.session_state["mc:lab"].results[-1]
    assert (r.label, r.cfg.train.lr_d, r.cfg.train.schedule) == ("gan", 1e-3, "constant")
    # one's own choice: the data set's own length, not the last lesson's
    at.selectbox(key="mc:lesson").set_value("ring-all").run()
    at.selectbox(key="mc:lesson").set_value("free").run()
    assert at.number_input(key="mc:steps:ring8").value == 3000
    # wgan-gp cannot be unrolled: a clear error, nothing lost
    at.selectbox(key="mc:lesson").set_value("free").run()
    at.selectbox(key="mc:objective").set_value("wgan-gp")
    at.radio(key="mc:remedy").set_value("unrolled")
    at.button(key="mc:run").click().run()
    assert not at.exception
    assert any("train.unroll" in e.value for e in at.error)
    assert len(at.session_state["mc:lab"].results) == 9   # nothing lost


@pytest.mark.parametrize("page, lab", [("labs/figure1.py", "figure1"), ("labs/playground.py", "playground"),
                                       ("labs/compare.py", "compare")])
def test_export_section_prepares_downloads(page, lab):
    at = _open(page)
    for _ in range(3):
        at.button(key=f"step:{lab}").click().run()
    at.selectbox(key=f"exp:{lab}:fmt").set_value("gif")
    at.number_input(key=f"exp:{lab}:w").set_value(160)
    at.number_input(key=f"exp:{lab}:h").set_value(160)
    at.button(key=f"exp:{lab}:go").click().run()
    assert not at.exception and not at.error
    fmt, data = at.session_state[f"exp:{lab}:data"]
    assert fmt == "gif" and data[:6] == b"GIF89a"
    offered = lambda: [d.proto.label for d in at.get("download_button") if d.proto.label.startswith("Download")]  # noqa: E731
    assert offered() == ["Download GIF"]
    # another format, or another size: the GIF is not offered for it (it was, as "Download GIF" under MP4)
    at.selectbox(key=f"exp:{lab}:fmt").set_value("mp4").run()
    assert offered() == [] and any("prepared before" in c.value for c in at.caption)
    at.selectbox(key=f"exp:{lab}:fmt").set_value("gif").run()
    assert offered() == ["Download GIF"]
    at.number_input(key=f"exp:{lab}:w").set_value(176).run()
    assert offered() == []
    at.number_input(key=f"exp:{lab}:w").set_value(160).run()
    at.selectbox(key=f"exp:{lab}:fmt").set_value("csv")
    at.button(key=f"exp:{lab}:go").click().run()
    fmt, data = at.session_state[f"exp:{lab}:data"]
    assert fmt == "csv" and len(data.decode().splitlines()) >= 3
    # an option that does not shape a CSV (the GIF's size, set under GIF) leaves the CSV offered
    at.selectbox(key=f"exp:{lab}:fmt").set_value("gif").run()
    at.number_input(key=f"exp:{lab}:w").set_value(176).run()
    at.selectbox(key=f"exp:{lab}:fmt").set_value("csv").run()
    assert offered() == ["Download CSV"]
    at.selectbox(key=f"exp:{lab}:fmt").set_value("json")
    at.button(key=f"exp:{lab}:go").click().run()
    assert b'"objective"' in at.session_state[f"exp:{lab}:data"][1]


def test_export_with_bad_options_shows_an_error():
    at = _open("labs/figure1.py")
    at.selectbox(key="exp:figure1:fmt").set_value("gif")
    at.multiselect(key="exp:figure1:panels").set_value([])
    at.button(key="exp:figure1:go").click().run()
    assert not at.exception
    assert any("panels" in e.value for e in at.error)


@pytest.mark.parametrize("payload, msg", [
    (lambda: b"{not json", "not valid JSON"),
    (lambda: __import__("pickle").dumps({"a": 1}), "not UTF-8"),
    (lambda: __import__("gantoy").presets.get("ring8").to_json().encode(), "2-D configuration"),
    (lambda: b'{"train": {"lr_d": -1}}', "train.lr_d"),
    (lambda: b'{"model": {"hidden": 8}, "extra": 1}', "extra"),
    (lambda: b" " * 1_000_001, "MB"),
])
def test_config_upload_refuses_bad_files(payload, msg):
    from gantoy.lessons.inputs import config_from_upload

    cfg, err = config_from_upload(payload(), 1)
    assert cfg is None and msg in err, err


def test_load_config_json_in_the_lab():
    from gantoy import presets
    from gantoy.lessons.inputs import config_from_upload

    cfg, err = config_from_upload(presets.get("bimodal1d").with_set("train.seed", 9).to_json().encode(), 1)
    assert err is None and cfg.train.seed == 9
    at = _open("labs/figure1.py")
    at.button(key="cfgjson:labs/figure1.py:go").click().run()  # no file chosen: says so, changes nothing
    assert not at.exception and any("choose a JSON file" in e.value for e in at.error)
    assert at.session_state["lab:figure1"].cfg == presets.get("figure1")


def _open_with(page, params):
    return open_page(page, params)


def test_collapse_lab_settings_come_from_the_url():
    at = _open_with("labs/collapse.py", {"mc:data": "grid25", "mc:objective": "wgan-gp", "mc:remedy": "pacgan",
                                         "mc:seeds": "12"})
    assert (at.selectbox(key="mc:data").value, at.selectbox(key="mc:objective").value,
            at.radio(key="mc:remedy").value, at.slider(key="mc:seeds").value) == ("grid25", "wgan-gp", "pacgan", 12)
    assert not at.warning
    at.selectbox(key="mc:data").set_value("ring8").run()  # the student moves on: no stale link warning
    assert not at.exception and not at.warning


def test_collapse_lab_tampered_url_warns_and_keeps_defaults():
    at = _open_with("labs/collapse.py", {"mc:data": "bogus", "mc:objective": "x" * 10_000, "mc:seeds": "1000",
                                         "foo": "1"})
    assert at.warning and "could not be used" in at.warning[0].value
    assert "foo" in at.warning[0].value and "mc:data" in at.warning[0].value
    assert (at.selectbox(key="mc:data").value, at.selectbox(key="mc:objective").value) == ("ring8", "nsgan")


def test_compare_lab_restores_a_comparison_from_the_url():
    at = _open_with("labs/compare.py", {"cmp:data": "bimodal1d", "cmp:mode": "k", "cmp:ks": ["1", "4"]})
    lab = at.session_state["lab:compare"]
    assert lab.labels == ["k = 1", "k = 4"] and lab.cfg.data.name == "bimodal1d" and not at.warning
    link = share_link(at)  # the Share expander's link holds the same comparison
    assert "cmp:data=bimodal1d" in link.replace("%3A", ":") and "cmp:ks=1&cmp:ks=4" in link.replace("%3A", ":")


def test_compare_lab_tampered_url_warns_and_keeps_defaults():
    at = _open_with("labs/compare.py", {"cmp:data": "nope", "cmp:ks": ["99"], "zzz": "1"})
    assert at.warning and all(k in at.warning[0].value for k in ("zzz", "cmp:data", "cmp:ks"))
    assert at.session_state["lab:compare"].labels == ["nsgan", "wgan-gp"]


def test_compare_lab_lays_a_collapse_recipe_over_its_runs_from_the_sidebar_and_the_link():
    """The Training recipe box: the Mode collapse lab's recipe on every run, said on the page and kept in the share link; a
    recipe for the 2-D mixtures on a 1-D lesson is an error that keeps the runs; a made-up one in a link is ignored."""
    at = _open("labs/compare.py")
    # the form's choices wait for Set up runs (a browser sends them only then): the sidebar says so
    assert any("take effect when you press **Set up runs**" in c.value for c in at.sidebar.caption)
    at.selectbox(key="cmp:recipe").set_value("ring8-short")
    at.button(key="FormSubmitter:cmp:setup-Set up runs").click().run()
    lab = at.session_state["lab:compare"]
    assert not at.exception and lab.length == 2000 and {c.train.lr_g for c in lab.cfgs} == {2e-3}
    assert {c.train.schedule for c in lab.cfgs} == {"cosine"} and lab.cfgs[1].train.k == 5
    assert any("the ring8-short recipe: learning-rate schedule cosine" in m.value for m in at.markdown)
    assert "cmp:recipe=ring8-short" in share_link(at).replace("%3A", ":")
    at.selectbox(key="cmp:data").set_value("figure1")
    at.button(key="FormSubmitter:cmp:setup-Set up runs").click().run()
    assert any("the ring8-short recipe is for the 2-D mixtures" in e.value for e in at.error)
    assert at.session_state["lab:compare"].cfg.data.name == "ring8"    # the previous runs kept
    opened = _open_with("labs/compare.py", {"cmp:data": "grid25", "cmp:recipe": "ring8"})
    assert compare.recipe_of(opened.session_state["lab:compare"].cfgs) == "ring8" and not opened.warning
    bad = _open_with("labs/compare.py", {"cmp:recipe": "fast"})
    assert bad.warning and "cmp:recipe" in bad.warning[0].value
    assert compare.recipe_of(bad.session_state["lab:compare"].cfgs) == "own"

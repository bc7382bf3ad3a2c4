"""The built-in quizzes' own runs (lessons/quiz.py, the teacher's section on Home): train each as its link sets it
up, to its length, and print what each question's check reads at its moment, plus the run's end. The teacher
texts ("observe") quote these numbers. Minutes, so not in the suite (it checks the checks on small rows).

    python bench/quizzes.py [--quizzes figure1,wasserstein,collapse]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gantoy import Trainer, presets  # noqa: E402
from gantoy.lessons import compare, links, quiz  # noqa: E402
from gantoy.measure.glossary import fmt  # noqa: E402
from gantoy.session.lab import EnsembleLab  # noqa: E402


def moments(z: quiz.Quiz, length: int) -> list:
    """The iterations the questions read (their moment, or the end), 0 and the end."""
    return sorted({0, length, *(q.at for q in z.questions),
                   *(q.about if q.about is not None else length for q in z.questions)})


def row(snap) -> dict:
    return {"iteration": snap.iteration, **{k: v for k, v in snap.metrics.items() if isinstance(v, (int, float))}}


def one_run(z: quiz.Quiz):
    """A figure1-page quiz: one run; its metric rows at the moments the questions read."""
    _, cfg, _, warns = links.decode({k: str(v) for k, v in z.params.items()}, "figure1")
    assert not warns, warns
    tr = Trainer(cfg)
    rows = []
    for it in moments(z, cfg.train.steps):
        tr.step(it - tr.iteration)
        rows.append(row(tr.snapshot()))
    return [rows], cfg.train.steps, 0


def ensemble(z: quiz.Quiz):
    """A compare-page quiz: its runs trained together, as the compare lab trains them."""
    p = z.params
    cfgs, labels = compare.build(presets.get(p["cmp:data"]), p["cmp:mode"], list(p["cmp:objs"]),
                                 p.get("cmp:recipe", compare.OWN))
    lab = EnsembleLab("compare", cfgs, labels, p["cmp:data"])
    length = cfgs[0].train.steps
    for it in moments(z, length):
        lab.trainer.step(it - lab.trainer.iteration)
        lab.snaps
    return [h.rows for h in lab.histories], length, len(lab.trainer.data.centers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quizzes", default=",".join(quiz.QUIZZES))
    a = ap.parse_args()
    for qid in a.quizzes.split(","):
        z = quiz.QUIZZES[qid]
        t0 = time.perf_counter()
        runs, length, modes = (ensemble if z.page == "compare" else one_run)(z)
        print(f"== {qid} ({z.page}, {length} iterations, {time.perf_counter() - t0:.0f} s)")
        for q in z.questions:
            came, numbers = quiz.outcome(q, runs[q.run], length, modes)
            print(f"  {q.text[:70]!r}: {'—' if came is None else q.options[came]!r} — {numbers}")
        for k, rows in enumerate(runs):
            end = rows[-1]
            print(f"  run {k} at {end['iteration']}: JS {fmt(end['js'])}, W1 {fmt(end['w1'])}"
                  + (f", modes {int(end['modes'])} ({int(end['modes_pub'])}), high quality {100 * end['hq']:.0f} %"
                     if "modes" in end else ""))


if __name__ == "__main__":
    main()

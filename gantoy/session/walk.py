"""One iteration of Algorithm 1 (Goodfellow et al. 2014), walked through in its parts: for each of the k
discriminator steps, sample noise, sample data, update D; then sample noise and update G — each part with one
sentence (with this run's numbers) and the formula being applied.

The parts are the trainer's own: ``peek_batch`` shows the minibatch the next update will draw (the random
generators are put back, so the update draws exactly that batch), ``step_d(1)`` and ``step_g(1)`` do the
updates, and ``end_iteration`` counts the iteration; together they are exactly ``step(1)``
(tests/test_walk.py). Single runs only (the Figure 1 and playground labs).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SHOWN = 64         # minibatch points drawn on the chart

# Algorithm 1's formulas (the minimax GAN); other objectives show their own value function
NOISE = r"\{z^{(1)}, \dots, z^{(m)}\} \sim p_g(z)"
DATA = r"\{x^{(1)}, \dots, x^{(m)}\} \sim p_{\mathrm{data}}(x)"
D_GAN = (r"\theta_d \leftarrow \theta_d + \eta\, \nabla_{\theta_d} \frac{1}{m} \sum_{i=1}^{m} \left[\log D\left(x^{(i)}"
         r"\right) + \log\left(1 - D\left(G\left(z^{(i)}\right)\right)\right)\right]")
G_GAN = (r"\theta_g \leftarrow \theta_g - \eta\, \nabla_{\theta_g} \frac{1}{m} \sum_{i=1}^{m} \log\left(1 - D\left(G"
         r"\left(z^{(i)}\right)\right)\right)")


@dataclass
class Part:
    kind: str                 # "noise", "data", "d", "gnoise", "g"
    j: int                    # which D step (0 … k-1) or G step
    sentence: str = ""        # what happened, with the numbers (filled in when done)
    latex: str = ""
    show: dict = field(default_factory=dict)   # what the chart overlays: real, fake, fake_after, d_before


class Walk:
    """The parts of the lab's next iteration; ``next()`` does one."""

    def __init__(self, lab):
        self.lab = lab
        tr = lab.trainer
        t = tr.cfg.train
        self.k, self.g_steps = t.k, t.g_steps
        self.start_iteration = tr.iteration
        self.parts = [Part(kind, j) for j in range(self.k) for kind in ("noise", "data", "d")]
        self.parts += [Part(kind, j) for j in range(self.g_steps) for kind in ("gnoise", "g")]
        self.at = -1              # index of the last part done
        self.batch = None
        self.stamp = self.now()   # the trainer as this walk left it (anything else changing it ends the walk)

    def now(self) -> tuple:
        t = self.lab.trainer
        return id(t), t.revision, t.d_updates, t.g_updates, t.iteration

    @property
    def stale(self) -> bool:
        """The trainer moved on outside the walk (Step, Train, Reset, a load, Continue from here): the minibatch
        shown is no longer the next one."""
        return self.now() != self.stamp

    @property
    def done(self) -> bool:
        return self.at >= len(self.parts) - 1

    @property
    def current(self):
        return self.parts[self.at] if self.at >= 0 else None

    def next(self) -> Part | None:
        """Do the next part; the last one also counts the iteration. Returns it (None when all are done or
        the trainer paused on a non-finite loss)."""
        tr = self.lab.trainer
        if self.done or tr.paused:
            return None
        self.at += 1
        p = self.parts[self.at]
        obj, _ = tr.objective(0)
        gan = obj.id == "gan"
        m = tr.cfg.train.batch_size
        step = f" (D step {p.j + 1} of {self.k})" if self.k > 1 and p.kind in ("noise", "data", "d") else ""
        if p.kind in ("noise", "gnoise"):
            self.batch = tr.peek_batch("d" if p.kind == "noise" else "g")
            p.latex = NOISE
            p.sentence = (f"Sample a minibatch of m = {m} noise samples z from the noise prior and map them through G"
                          f"{step}: the green marks are G(z) for {min(SHOWN, m)} of them.")
            p.show = {"fake": self.batch["fake"][:SHOWN]}
        elif p.kind == "data":
            p.latex = DATA
            p.sentence = f"Sample a minibatch of m = {m} examples x from the data{step}: the black marks."
            p.show = {"real": self.batch["real"][:SHOWN], "fake": self.batch["fake"][:SHOWN]}
        elif p.kind == "d":
            real, fake = self.batch["real"][:SHOWN], self.batch["fake"][:SHOWN]
            before = (tr.d_on(real).mean(), tr.d_on(fake).mean())
            d_grid = np.array(self.lab.snap.d, copy=True)
            if not tr.step_d(1):
                return None
            after = (tr.d_on(real).mean(), tr.d_on(fake).mean())
            word = "D" if obj.probability else obj.display_label
            p.latex = D_GAN if gan else obj.latex
            p.sentence = (f"Update the discriminator by ascending its stochastic gradient{step}: on this minibatch "
                          f"mean {word} on the data went {before[0]:.3f} → {after[0]:.3f}, on G(z) "
                          f"{before[1]:.3f} → {after[1]:.3f}. Grey: D before the update." +
                          ("" if gan else f" ({obj.name}: its own D loss, the value function above.)"))
            p.show = {"real": real, "fake": fake, "d_before": d_grid}
        else:   # "g"
            fake = self.batch["fake"][:SHOWN]
            if not tr.step_g(1):
                return None
            # the whole minibatch, then the shown part: a batch-normalised G maps z by its batch's statistics
            after = tr.generator(0, averaged=False)(self.batch["z"]).detach().numpy()[:SHOWN]
            moved = float(np.linalg.norm(after - fake, axis=-1).mean())
            p.latex = G_GAN if gan else obj.latex
            p.sentence = (f"Update the generator by descending its stochastic gradient: the same z now map to new "
                          f"G(z) — the arrows, {moved:.3g} on average, toward where D says data are." +
                          ("" if gan else f" ({obj.name}: G's loss of this objective.)"))
            p.show = {"fake": fake, "fake_after": after}
        if self.done:
            tr.end_iteration()
            p.sentence += f" Iteration {tr.iteration} of Algorithm 1 is complete."
        self.stamp = self.now()
        return p

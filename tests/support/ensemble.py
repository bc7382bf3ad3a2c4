"""A small compare-lab ensemble (16 hidden units) with a few recorded moments, for the export tests."""
from gantoy import presets


def comparison(preset, values=("nsgan", "wgan-gp"), moments=2, every=5, mode="objective"):
    """An EnsembleLab comparing ``values`` of ``mode`` on ``preset``, with its first moment and ``moments`` more
    recorded ``every`` iterations apart."""
    from gantoy.lessons import compare
    from gantoy.session.lab import EnsembleLab

    cfgs, labels = compare.build(presets.get(preset).with_sets({"model.hidden": 16}), mode, list(values))
    lab = EnsembleLab("compare", cfgs, labels, preset)
    lab.snaps
    for _ in range(moments):
        lab.trainer.step(every)
        lab.snaps
    return lab

"""Training speed with the border-weighted BCE against plain BCE, in alternating rounds.

    python bench/weighted_bce_speed.py [--rounds 3] [--steps 8]

The ISBI experiment's half-width U-Net (32-512, batch norm) trains on 256² ISBI tiles with
`Augment.isbi()`, batch 4, through the pipeline `needle_train --isbi` builds. `weighted_bce` adds the
U-Net weight map of every augmented mask (`with_weights`, computed in the tf.data pipeline); the goal is
at least 0.8x the speed of `bce`. Each side is warmed up first; rounds alternate the two so that this
machine's speed drifts hit both. Also reported: the weight map's own cost per batch, timed alone.
Results: bench/results/weighted_bce_speed.json and .md.
"""
import argparse, os, time
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '0')          # as onednn_note advises for these wide networks
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
from statistics import median
from _common import save

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rounds', type=int, default=3); ap.add_argument('--steps', type=int, default=8)
    a = ap.parse_args()
    import numpy as np
    from needle_nbdev.data import isbi_root
    from needle_nbdev.metrics import unet_weight_map
    from needle_nbdev.train import DEFAULTS, _sources, _build, with_weights
    root = isbi_root(required=True)
    base = {**DEFAULTS, 'filters': [32, 64, 128, 256, 512], 'batch_norm': True, 'size': [256, 256], 'augment': 'isbi',
            'batch_size': 4, 'train_slices': '0-21', 'val_slices': '22-24', 'steps_per_epoch': a.steps}
    sides = {}
    for loss in ('bce', 'weighted_bce'):
        cfg = {**base, 'loss': loss}
        ds, _, _ = _sources(None, None, root, cfg)
        ds = with_weights(ds) if loss == 'weighted_bce' else ds
        model = _build(cfg); model.fit(ds, steps_per_epoch=2, epochs=1, verbose=0)      # build and warm up
        sides[loss] = (model, ds)
    it = iter(sides['bce'][1]); masks = [next(it)[1].numpy()[..., 0] for _ in range(5)]
    t = time.perf_counter(); [[unet_weight_map(m) for m in b] for b in masks]
    wmap_ms = (time.perf_counter() - t) / len(masks) * 1000
    runs = {k: [] for k in sides}
    for _ in range(a.rounds):
        for loss, (model, ds) in sides.items():
            t = time.perf_counter(); model.fit(ds, steps_per_epoch=a.steps, epochs=1, verbose=0)
            runs[loss].append(a.steps * base['batch_size'] / (time.perf_counter() - t))
    ratios = [w / b for w, b in zip(runs['weighted_bce'], runs['bce'])]
    res = dict(img_per_s={k: [round(v, 3) for v in vs] for k, vs in runs.items()}, ratio_per_round=[round(r, 3) for r in ratios],
               ratio_median=round(median(ratios), 3), weight_map_ms_per_batch=round(wmap_ms, 1), batch=base['batch_size'],
               steps=a.steps, rounds=a.rounds)
    table = ("| loss | median img/s | runs (img/s) |\n|---|---|---|\n" +
             '\n'.join(f"| `{k}` | {median(v):.3f} | {', '.join(f'{x:.3f}' for x in v)} |" for k, v in runs.items()) +
             f"\n\n`weighted_bce` / `bce`, median of per-round ratios: **{res['ratio_median']:.2f}** "
             f"(goal ≥ 0.8). The weight maps of one batch of 4 masks take {wmap_ms:.1f} ms, computed alone.")
    save('weighted_bce_speed', res, table)

if __name__ == '__main__': main()

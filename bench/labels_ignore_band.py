"""Does an ignore band close the clicks' gap? An ablation of `labels_vs_masks.py` (issue 34), not a feature.

A mask drawn from two clicks is wrong near its edges: its width is estimated, the clicks are 1 px off, and the
real needle tapers and bends. Weakly supervised segmentation often leaves such pixels out of the loss (nnU-Net's
ignore label for partial annotations). This trains the clicks' arm again with the pixels within BAND px (network
input pixels) of each augmented drawn mask's edge left out of the loss (weight 0), except a 1 px core, and the
same BCE + soft IoU over the rest. The package is patched in the training process only: `needle_train` and its
plan are otherwise unchanged. The runs of `labels_vs_masks.py` (true masks, clicks alone) are scored again beside
it, on its 24 held-out frames and on a wider held-out set (12 insertions, every 2nd frame: 144 frames).

    python labels_vs_masks.py --minutes 5 --seeds 6          # from bench/, first: the two reference arms
    python labels_ignore_band.py --minutes 5 --seeds 6        # then: writes results/labels_ignore_band.{json,md}
    python labels_ignore_band.py --minutes 5 --seeds 6 --rescore   # score the saved runs again (no training)
"""
import argparse, json, subprocess, sys, time
import numpy as np
import labels_vs_masks as L
from _common import save, RESULTS

BAND = 1                                                # px of network input on either side of the edge
WIDE = tuple(range(201, 213)), 2                        # held-out insertions, every 2nd frame
ARMS = {'true masks': 'true_masks', 'clicks alone (--labels)': 'clicks_alone',
        'clicks, ignore band': 'ignore_band'}

def band_weights(m:np.ndarray, band:int=BAND) -> np.ndarray:
    "Loss weights of one H×W drawn mask: 0 within `band` px of its edge (a 1 px core kept), 1 elsewhere."
    import cv2
    from skimage.morphology import skeletonize
    m = (m > 0.5).astype(np.uint8)
    if not m.any(): return np.ones(m.shape, np.float32)
    core = cv2.erode(m, np.ones((3, 3), np.uint8))
    if core.sum() < 0.2 * m.sum(): core = skeletonize(m > 0).astype(np.uint8)   # too thin to erode
    outer = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1,) * 2))
    return (~((outer > 0) & (core == 0))).astype(np.float32)

def as_trainer(argv:list):
    """needle_train, to call from the script's top level, patched for the band: targets packed as
    (mask, weight), BCE + soft IoU over the pixels of weight 1."""
    import keras
    from keras import ops
    import needle_nbdev.train as T

    @keras.saving.register_keras_serializable(package='bench')
    class BandIouBce(keras.losses.Loss):
        def __init__(self, name='band_iou_bce', **kw): super().__init__(name=name, **kw)
        def call(self, y_true, y_pred):
            y = ops.cast(y_true, 'float32'); t, w = y[..., :1], y[..., 1:2]
            p = ops.clip(ops.cast(y_pred, 'float32'), 1e-7, 1 - 1e-7)
            bce = ops.sum(w * -(t * ops.log(p) + (1 - t) * ops.log(1 - p))) / (ops.sum(w) + 1e-6)
            i, u = ops.sum(w * t * p), ops.sum(w * (t + p - t * p))
            return bce + 1 - (i + 1) / (u + 1)

    T.unet_weight_map = lambda m, *_: band_weights(m)     # `with_weights` packs (mask, weight) with it
    T.LOSSES['weighted_bce'] = BandIouBce()
    from needle_nbdev.cli import needle_train
    sys.argv = ['needle_train', *argv, '--loss', 'weighted_bce']
    return needle_train

def train(name:str, args:list, minutes:float, opts:list) -> tuple:
    "This script as the trainer (niced) into WORK/runs/NAME; (run, wall seconds)."
    run = L.WORK / 'runs' / name; t0 = time.time()
    p = subprocess.run(['nice', '-n', '10', sys.executable, __file__, '--as_trainer', '--out', str(run),
                        '--minutes', str(minutes), '--force', *opts, *args], env=L.ENV, capture_output=True, text=True)
    if p.returncode: print(p.stdout[-2000:], p.stderr[-3000:], file=sys.stderr); raise SystemExit(f"{name} failed")
    return run, time.time() - t0

def score_arms(arms:dict, seeds:int, te, wide, train_arm) -> dict:
    """{arm: {'standard': [...], 'wide': [...]}}: each arm's run of each seed (`train_arm(tag, seed)` trains
    it and returns the run, or None: the saved run) scored on the benchmark's held-out set and the wide one."""
    res = {n: dict(standard=[], wide=[]) for n in arms}
    for s in range(seeds):
        for name, tag in arms.items():
            run = train_arm(tag, s) or L.WORK / 'runs' / f'{tag}_s{s}'
            ep = json.loads((run / 'config.json').read_text())['epochs_run']
            for k, d in (('standard', te), ('wide', wide)):
                r = L.score(run, d); r.pop('tip_errors')
                res[name][k].append(dict(seed=s, epochs=ep, **r))
            print(name, s, {k: round(v[-1]['iou'], 3) for k, v in res[name].items()}, flush=True)
    return res

def arms_table(res:dict, seeds:int, minutes:float) -> tuple:
    "(summaries per arm and held-out set, IoU ratios to the true masks', the markdown table) of `score_arms`."
    out, rows = {}, []
    for name, v in res.items():
        out[name] = {k: dict(L.summary(r), runs=r) for k, r in v.items()}
        for k in ('seeds', 'wall_s', 'wall_s_sd'): [o.pop(k, None) for o in out[name].values()]
        st, wd = out[name]['standard'], out[name]['wide']
        rows.append(f"| {name} | {st['iou']:.3f} ± {st['iou_sd']:.3f} | {wd['iou']:.3f} ± {wd['iou_sd']:.3f} | "
                    f"{wd['tip_within_10px']:.2f} | {wd['detection_recall']:.2f} |")
    ratio = {n: {k: round(out[n][k]['iou'] / out['true masks'][k]['iou'], 3) for k in ('standard', 'wide')}
             for n in list(res)[1:]}
    table = (f"| trained from ({seeds} seeds, {minutes:g} min each) | held-out IoU, {len(L.TEST)} insertions "
             f"(mean ± sd) | held-out IoU, {len(WIDE[0])} insertions (mean ± sd) | tips within {L.TIP_OK:g} px, "
             f"{len(WIDE[0])} insertions | detection recall, {len(WIDE[0])} insertions |\n|---|---|---|---|---|\n"
             + '\n'.join(rows) + "\n\nIoU over the true masks' IoU: " +
             '; '.join(f"{n}: {q['standard']:.2f}x ({len(L.TEST)} insertions), {q['wide']:.2f}x "
                       f"({len(WIDE[0])} insertions)" for n, q in ratio.items()) + '.')
    return out, ratio, table

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--minutes', type=float, default=5.0)
    ap.add_argument('--seeds', type=int, default=6)
    ap.add_argument('--rescore', action='store_true', help='score the saved runs again, without training')
    a = ap.parse_args()
    L.WORK = L.ROOT / 'runs' / 'labels_vs_masks'
    tr, te = L.WORK / 'data' / 'train', L.WORK / 'data' / 'test'
    wide = L.write_insertions(L.ROOT / 'runs' / 'labels_ignore_band' / 'test_wide', *WIDE)
    miss = [f'{t}_s{s}' for t in list(ARMS.values())[:2] for s in range(a.seeds)
            if not (L.WORK / 'runs' / f'{t}_s{s}' / 'model.keras').is_file()]
    if miss: raise SystemExit(f"run labels_vs_masks.py --minutes {a.minutes:g} --seeds {a.seeds} first: "
                              f"no {', '.join(miss)} in {L.WORK / 'runs'}")
    band = lambda tag, s: (train(f'{tag}_s{s}', ['--images', str(tr / 'images'), '--labels', str(tr / 'clicks.csv')],
                                 a.minutes, ['--seed', str(s)])[0] if tag == 'ignore_band' and not a.rescore else None)
    out, ratio, table = arms_table(score_arms(ARMS, a.seeds, te, wide, band), a.seeds, a.minutes)
    ref = json.loads((RESULTS / 'labels_vs_masks.json').read_text())
    save('labels_ignore_band', dict(reference=dict(results='labels_vs_masks', commit=ref['commit'], date=ref['date'],
                                                   command=ref['command']),
                                    minutes=a.minutes, seeds=a.seeds, band_px=BAND, test_insertions=L.TEST,
                                    wide_insertions=WIDE[0], wide_step=WIDE[1], arms=out, ratio=ratio), table)

if __name__ == '__main__':
    if '--as_trainer' in sys.argv:                      # fastcore parses sys.argv only from a script's top level
        needle_train = as_trainer([a for a in sys.argv[1:] if a != '--as_trainer'])
        needle_train()
    else: main()

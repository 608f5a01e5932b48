"""Few frames of one scene: train on one ultrasound-like insertion (30 frames), test on another (20 frames).
The test insertion is the first after the training one whose needle is visible in gray (contrast-to-noise >= 1);
a reference row trains on 30 other frames of the test insertion, to show that its frames can be learned.
Compares, in the same budget: the defaults (the plan, which starts needle-like gray frames from the shipped
prior and, for one scene, averages the fine-tuned weights with the prior's), the same without that average
(`--wise 1`), the same with rendered batches mixed in (rehearsal), the same with the prior's encoder frozen, the plan from scratch (`--init none`), the plan started from the synthetic-needle
pretrained model (`--init synth`), the plan without the one-scene guard, and the fixed defaults (`--no_plan`);
and the shipped prior with no training at all.

    python one_scene.py --minutes 2.5          # from bench/; writes results/one_scene.{json,md}

The pretraining (once per architecture, cached in runs/plan_exp/cache) is timed apart, not inside the runs.
"""
import argparse, functools, json
from plan_experiment import WORK, _write, scene, run_one
from _common import save, rerun_meta, stamp
from pathlib import Path
RESULTS = Path(__file__).resolve().parent / 'results' / 'one_scene.json'

@functools.cache
def contrast(seed:int, n:int=30) -> float:
    "Median contrast-to-noise of an insertion's needle in gray, against a 7 px ring around it."
    import numpy as np, cv2
    from needle_nbdev.synth import synth_sequence
    c = []
    for x, m, _ in list(synth_sequence(seed, n, (440, 720)))[::6]:
        if m.sum() == 0: continue
        g = cv2.GaussianBlur(x.mean(-1).astype(np.float32), (0, 0), 1.0)
        ring = (cv2.dilate(m, np.ones((15, 15))) > 0) & (m == 0)
        c.append((g[m > 0].mean() - g[ring].mean()) / g[ring].std())
    return float(np.median(c))

def test_seed(start:int=12) -> int:
    "The first insertion from `start` whose needle is visible in gray (contrast-to-noise >= 1)."
    return next(s for s in range(start, start + 100) if contrast(s) >= 1)

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--minutes', type=float, default=2.5)
    ap.add_argument('--only', default=None, help='run these configurations only (names before any colon, '
                    'separated by ";"); keep the others')
    a = ap.parse_args()
    d = WORK / 'data'
    ts = test_seed()          # many synthetic needles are nearly invisible in gray: no model could find them
    print(f"training insertion 11 (contrast {contrast(11):.2f}), test insertion {ts} ({contrast(ts):.2f})")
    if not (d / 'scene_test').exists():
        _write(d / 'scene', list(scene(11, 30)))
        _write(d / 'scene_test', list(scene(ts, 20)))
    if not (d / 'scene_b').exists():              # the test insertion's later frames: is it learnable?
        _write(d / 'scene_b', list(scene(ts, 50))[20:])
    fold_b = ['--images', str(d / 'scene_b' / 'images'), '--masks', str(d / 'scene_b' / 'masks'),
              '--minutes', str(a.minutes)]
    fold = ['--images', str(d / 'scene' / 'images'), '--masks', str(d / 'scene' / 'masks'),
            '--minutes', str(a.minutes)]
    cfgs = {'defaults (the plan: from the prior)': fold,
            'plan without the WiSE mix (--wise 1)': fold + ['--wise', '1'],
            'plan with rehearsal (--rehearse 0.5)': fold + ['--rehearse', '0.5'],
            'plan, encoder frozen (--freeze encoder)': fold + ['--freeze', 'encoder'],
            'plan from scratch (--init none)': fold + ['--init', 'none'],
            'plan --init synth': fold + ['--init', 'synth'],
            'plan without the one-scene guard': ['plan_no_guard.py'] + fold,
            'fixed defaults (--no_plan)': fold + ['--no_plan'],
            'reference: the plan trained on the test insertion\'s other 30 frames': fold_b}
    old = RESULTS.is_file() and json.loads(RESULTS.read_text())
    res = dict(old['results']['runs']) if a.only and old else {}
    if not a.only or 'prior' in a.only.split(';'):       # no training at all: the shipped prior
        from plan_experiment import score
        res['prior, zero-shot (no training)'] = dict(wall_s=0.0, epochs=0, mode='resize', size=[320, 576],
                                                     **score('prior', d / 'scene_test', False),
                                                     measured=stamp())
    for name, args in cfgs.items():
        if a.only and name.split(':')[0] not in a.only.split(';'): continue
        res[name] = dict(run_one('scene', name, args, d / 'scene_test'), measured=stamp())
        print(name, res[name], flush=True)
    rows = [f"| {n} | {r['mode']} {r['size'][1]}x{r['size'][0]} | {r['wall_s'] / 60:.1f} | {r['epochs']} | "
            f"{r['iou']:.3f} | {r.get('tip_error_median') or float('nan'):.1f} | {r.get('detection_recall', float('nan')):.2f} |"
            for n, r in res.items()]
    table = ("| configuration | input | wall min | epochs | held-out scene IoU | median tip error px | detection recall |\n"
             "|---|---|---|---|---|---|---|\n" + '\n'.join(rows))
    save('one_scene', dict(minutes=a.minutes, runs=res, train_insertion=11, test_insertion=ts,
                           contrast=dict(train=round(contrast(11), 2), test=round(contrast(ts), 2))), table,
         rerun_meta(old) if a.only and old else None)

if __name__ == '__main__': main()

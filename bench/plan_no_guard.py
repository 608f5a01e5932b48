"""A planned `needle_train` with the one-scene guard turned off: the plan as if the frames came from many scenes.
For `plan_experiment.py`, which measures what the guard is worth.

    python plan_no_guard.py --images DIR --masks DIR --out RUN --minutes 2.5
"""
import argparse, time
from needle_nbdev.plan import plan_folders, show_plan
from needle_nbdev.train import train

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    for k in ('--images', '--masks', '--out'): ap.add_argument(k, required=True)
    ap.add_argument('--minutes', type=float, default=None); ap.add_argument('--force', action='store_true')
    a = ap.parse_args()
    p = plan_folders(a.images, a.masks, a.minutes, one_scene=False)
    print(show_plan(p), flush=True)
    opts = dict(p['options']); tip = opts.pop('tip_head', False)   # as needle_train: after the U-Net
    run = train(a.images, a.masks, a.out, force=a.force, **opts, plan=p)
    if tip:
        from needle_nbdev.cli import _tip_head
        _tip_head(run, asked=False)

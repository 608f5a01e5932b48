"""No training at all: the shipped prior against the demo's model (trained on the original renderer only), on
frames of the randomised families (`needle_nbdev.families`) from seeds neither was trained on, and on the
labelled real microscope frames.

    python bench/families_zero_shot.py --demo ../runs/needle_demo_out/run     # from bench/; about 2 min

The prior trained on these families (other seeds: it starts at 10,000,000; these use 424,242); the demo model
never saw them. Writes results/families_zero_shot.{json,md}.
"""
import argparse
import numpy as np
from _common import save
from real_frames import score as real_score, split, rows

def family_scores(run, fam:str, n:int=20) -> dict:
    "Mean IoU and median tip error (px) of a run, with its own tip head as predict uses it, on n frames of one family."
    from needle_nbdev.families import random_needle_scene
    from needle_nbdev.predict import predict
    from needle_nbdev.runs import load_run
    from needle_nbdev.localize import locate
    from needle_nbdev.tiphead import run_tip_head, refine_tip
    mc, head = load_run(run), run_tip_head(run); fr = [random_needle_scene((424242, i), fam, (360, 640)) for i in range(n)]
    iou, tip = [], []
    for (x, m, pose), (p, pm) in zip(fr, predict(mc, [x for x, _, _ in fr])):
        t, q = m > 0, pm > 0
        iou.append(float((t & q).sum() / max(1, (t | q).sum())))
        pose_ = locate(p, mc[1]); pt = (refine_tip(head, x, pose_) if head else pose_).tip
        tip.append(float(np.hypot(*np.subtract(pt, pose['tip']))) if pt is not None else float('inf'))
    return dict(iou_mean=round(float(np.mean(iou)), 3), tip_median_px=round(float(np.median(tip)), 1))

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--demo', default='../runs/needle_demo_out/run')
    a = ap.parse_args()
    from needle_nbdev.families import FAMILIES
    models = {'demo model (original renderer only)': a.demo, 'shipped prior': 'prior'}
    res = {k: {f: family_scores(r, f) for f in FAMILIES} for k, r in models.items()}
    _, rep = split(rows())
    for k, r in models.items(): res[k]['real microscope (report frames)'] = real_score(r, rep)
    cols = list(res['shipped prior'])
    table = ("| model | " + ' | '.join(cols) + " |\n|---|" + '---|' * len(cols) + '\n' + '\n'.join(
        f"| {k} | " + ' | '.join(f"{v[c]['iou_mean']:.3f} IoU, {v[c]['tip_median_px']:.1f} px" for c in cols)
        + ' |' for k, v in res.items()))
    save('families_zero_shot', res, table)

if __name__ == '__main__': main()

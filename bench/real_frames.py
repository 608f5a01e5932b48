"""Real needles: the shipped prior and few-frame training, scored on real microscope frames against our own
labels (`bench/labels/needle_camera`; how they were made is in its README).

    python bench/real_frames.py                           # the shipped prior, zero-shot (about a minute)
    python bench/real_frames.py --fewshot --minutes 2.5   # also: needle_train on the development frames

Each score also says where the labelled tip lies in the predicted axis's frame (medians): how far beyond the
predicted tip along the axis (positive: the mask stops short of the needle's end) and how far to its side.

Frames 0-100 are the development frames: we looked at them while building the renderer and choosing the prior,
and few-frame runs train on them. Frames 115-245 are the report frames, used for nothing else. Writes
results/real_frames.{json,md}.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, cv2
from _common import save
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / 'labels' / 'needle_camera'))
from make_masks import rows, draw                                   # noqa: E402
FRAMES = HERE.parents[1] / 'shared' / 'data' / 'needle_camera' / 'images'
DEV_LAST = 100                                                       # frames <= 100: development

def split(rs:list) -> tuple:
    "The development and report rows."
    k = lambda r: int(r['frame'].split('_')[1])
    return [r for r in rs if k(r) <= DEV_LAST], [r for r in rs if k(r) > DEV_LAST]

def score(run, rs:list) -> dict:
    "IoU (needle frames), tip error (px) and empty-frame false positives of a run on labelled frames."
    from needle_nbdev.predict import predict
    from needle_nbdev.runs import load_run
    from needle_nbdev.localize import locate
    from needle_nbdev.tiphead import run_tip_head, refine_tip
    from needle_nbdev.io import read_raw
    mc, head = load_run(run), run_tip_head(run)                  # the run's own tip head, as predict
    res = predict(mc, [FRAMES / f"{r['frame']}.png" for r in rs])
    iou, tip, tip0, fp, off = [], [], [], [], []
    err = lambda q, r: (float(np.hypot(q.tip[0] - float(r['tip_x']), q.tip[1] - float(r['tip_y'])))
                        if q.tip is not None else float('inf'))
    for r, (p, m) in zip(rs, res):
        t = draw(r) > 0
        if not t.any(): fp.append(int(m.sum())); continue
        iou.append(float((t & (m > 0)).sum() / ((t | (m > 0)).sum())))
        pose = locate(p, mc[1]); tip0.append(err(pose, r))         # without the run's tip head, too
        if head is not None and pose: pose = refine_tip(head, read_raw(FRAMES / f"{r['frame']}.png"), pose)
        tip.append(err(pose, r))
        if pose.tip is not None: off.append(tip_offset(pose, r))
    med = lambda i: round(float(np.median([o[i] for o in off])), 1) if off else None
    return dict(n=len(iou), iou_mean=round(float(np.mean(iou)), 3), tip_median_px=round(float(np.median(tip)), 1),
                found=int(np.isfinite(tip).sum()), empty_frames=len(fp), tip_head=head is not None,
                tip_median_px_without_head=round(float(np.median(tip0)), 1), empty_fp_px_median=float(np.median(fp)) if fp else None,
                tip_short_px_median=med(0), tip_side_px_median=med(1))

def tip_offset(pose, r:dict) -> tuple:
    "The labelled tip in the predicted axis's frame: (px beyond the predicted tip along the axis, px to its side)."
    t, e = np.asarray(pose.tip, float), np.asarray(pose.entry, float)
    u = (t - e) / max(float(np.hypot(*(t - e))), 1e-9)
    d = np.array([float(r['tip_x']), float(r['tip_y'])]) - t
    return float(d @ u), float(abs(u[0] * d[1] - u[1] * d[0]))

def write_folder(rs:list, d:Path) -> Path:
    "The rows' frames and drawn masks as an images/ and masks/ folder pair (outside the repository)."
    for s in ('images', 'masks'): (d / s).mkdir(parents=True, exist_ok=True)
    for r in rs:
        os.symlink(FRAMES / f"{r['frame']}.png", d / 'images' / f"{r['frame']}.png")
        cv2.imwrite(str(d / 'masks' / f"{r['frame']}.png"), draw(r))
    return d

def fewshot(dev:list, minutes:float, work:Path) -> dict:
    "needle_train on the development frames: the plan from scratch (--init none) and the default."
    d, out = write_folder(dev, work / 'dev'), {}
    for name, extra in [('plan from scratch (--init none)', ['--init', 'none']), ('defaults (the plan)', [])]:
        run = work / name.split(' ')[0]
        t0 = time.time()
        p = subprocess.run(['needle_train', '--images', str(d / 'images'), '--masks', str(d / 'masks'),
                            '--out', str(run), '--minutes', str(minutes), '--force'] + extra,
                           capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3'))
        if p.returncode: sys.exit(f"{name}: {p.stderr.strip().splitlines()[-1]}")
        out[name] = dict(run=run, wall_s=round(time.time() - t0, 1),
                         init=json.loads((run / 'config.json').read_text()).get('init'))
    return out

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--fewshot', action='store_true')
    ap.add_argument('--minutes', type=float, default=2.5)
    a = ap.parse_args()
    if not FRAMES.is_dir(): sys.exit(f"{FRAMES}: not found (the real frames of ../shared/data/needle_camera)")
    dev, rep = split(rows())
    res = {'prior, zero-shot': dict(dev=score('prior', dev), report=score('prior', rep))}
    if a.fewshot:
        with tempfile.TemporaryDirectory() as tmp:
            for name, r in fewshot(dev, a.minutes, Path(tmp)).items():
                res[name] = dict(report=score(r.pop('run'), rep), minutes=a.minutes, n_train=len(dev), **r)
    table = ("| model | frames | mean IoU | tip median (px) | without the run's tip head | found "
             "| false-positive px on empty frames |\n|---|---|---|---|---|---|---|\n" + '\n'.join(
                 f"| {k} | {s} ({v[s]['n']}) | {v[s]['iou_mean']:.3f} | {v[s]['tip_median_px']:.1f} | "
                 f"{v[s]['tip_median_px_without_head']:.1f} | "
                 f"{v[s]['found']}/{v[s]['n']} | {v[s]['empty_fp_px_median']} |"
                 for k, v in res.items() for s in ('dev', 'report') if s in v))
    save('real_frames', res, table)

if __name__ == '__main__': main()

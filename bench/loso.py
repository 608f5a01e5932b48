"""Leave-one-scene-out on a folder of rendered scenes of two different looks (camera and microscope frames from
`needle_nbdev.families`): one run per scene, trained with the defaults (the plan) on the other scenes' frames in
the same budget, and scored on the scene it never saw; beside it, what each run's own validation said.

    python loso.py --minutes 1          # from bench/; about 2 runs x (budget + 1 min); writes results/loso.{json,md}

The frames are written once into runs/loso/data_N_SIZE_FAMILIES (names camera_00000.png, microscope_00001.png, ...: the
file-name rule makes them two scenes). Each run's training folder holds links to the other scenes' frames.
"""
import argparse, json, os, subprocess, sys
from pathlib import Path
from _common import save

WORK = Path(__file__).resolve().parent.parent / 'runs' / 'loso'

def data(n:int, size:int, families:tuple) -> Path:
    "The labelled frames of every scene, in one folder (written once)."
    from needle_nbdev.families import write_family_dataset
    d = WORK / f"data_{n}_{size}_{'_'.join(families)}"
    if not (d / 'poses.csv').is_file():
        write_family_dataset(d, n, seed=515151, shape=(size, size), families=families, force=True)
    return d

def without(d:Path, scene:str, scenes:dict) -> Path:
    "A folder of links to every frame not of `scene` (images and masks), made afresh."
    import shutil
    from needle_nbdev.io import pair_files
    out = WORK / f'train_without_{scene}'
    shutil.rmtree(out, ignore_errors=True)
    for sub in ('images', 'masks'): (out / sub).mkdir(parents=True)
    for ip, mp in pair_files(d / 'images', d / 'masks'):
        if scenes[ip.name] != scene:
            os.symlink(ip, out / 'images' / ip.name); os.symlink(mp, out / 'masks' / mp.name)
    return out

def run(train_dir:Path, out:Path, minutes:float) -> Path:
    "needle_train with the defaults (the plan) in the budget, as a user runs it."
    cmd = ['needle_train', '--images', str(train_dir / 'images'), '--masks', str(train_dir / 'masks'), '--out', str(out),
           '--minutes', str(minutes), '--force']
    r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3'))
    if r.returncode: raise SystemExit(f"needle_train failed:\n{r.stderr[-3000:]}")
    print('\n'.join(l for l in r.stdout.splitlines() if l.startswith(('validation', 'done'))), flush=True)
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=1.0, help='budget of each run')
    ap.add_argument('--n', type=int, default=24, help='frames in all (the families alternate)')
    ap.add_argument('--size', type=int, default=160, help='frame side, px')
    ap.add_argument('--families', default='camera,microscope')
    a = ap.parse_args()
    from needle_nbdev.io import pair_files
    from needle_nbdev.runs import load_run, read_config
    from needle_nbdev.scenes import scene_groups
    from needle_nbdev.predict import evaluate
    d = data(a.n, a.size, tuple(a.families.split(',')))
    pairs = pair_files(d / 'images', d / 'masks'); sc = scene_groups(pairs)
    res, prior = {}, load_run('prior')
    for s in sorted(set(sc.values())):
        r = run(without(d, s, sc), WORK / f'run_without_{s}', a.minutes)
        cfg = read_config(r); mc = load_run(r)
        held = [p for p in pairs if sc[p[0].name] == s]
        ev = evaluate(mc, pairs=held, progress=False, scenes={p[0].name: p[0].name for p in held})
        res[s] = dict(frames=len(held), trained_on=sorted(set(sc.values()) - {s}),
                      own_validation=cfg['validation']['kind'], own_val_iou=round(cfg['val_full']['iou'], 3),
                      iou=round(ev['iou'], 3), tip_median_px=ev['tip_error_median'] and round(ev['tip_error_median'], 1),
                      tips=[v['tip_error_median'] for v in ev['scenes'].values()],
                      ious=[v['iou'] for v in ev['scenes'].values()])
        z = evaluate(prior, pairs=held, progress=False)          # the shipped prior, no training at all
        res[s].update(prior_iou=round(z['iou'], 3), prior_tip_median_px=z['tip_error_median'] and round(z['tip_error_median'], 1))
    import numpy as np
    ious = [x for v in res.values() for x in v['ious']]; tips = [x for v in res.values() for x in v['tips'] if x is not None]
    overall = dict(frames=len(ious), iou=round(float(np.mean(ious)), 3),
                   tip_median_px=round(float(np.median(tips)), 1) if tips else None)
    table = ("| held-out scene | frames | trained on | the run's own validation (kind, IoU) | IoU on the held-out scene | "
             "tip median (px) | the prior, no training: IoU, tip median (px) |\n|---|---|---|---|---|---|---|\n" + '\n'.join(
                 f"| {s} | {v['frames']} | {', '.join(v['trained_on'])} | {v['own_validation']}, {v['own_val_iou']:.3f} | "
                 f"{v['iou']:.3f} | {v['tip_median_px']} | {v['prior_iou']:.3f}, {v['prior_tip_median_px']} |"
                 for s, v in res.items())
             + f"\n| **overall** (every frame scored by a run that never saw its scene) | {overall['frames']} | | | "
               f"**{overall['iou']:.3f}** | **{overall['tip_median_px']}** | |\n\n"
               f"{a.n} frames of {a.size}x{a.size} ({a.families}, alternating), one run per held-out scene with "
               f"the defaults (the plan) and a {a.minutes:g} min budget each.")
    save('loso', dict(per_scene=res, overall=overall, minutes=a.minutes, n=a.n, size=a.size,
                      families=a.families.split(',')), table)

if __name__ == '__main__': main()

"""How to fine-tune the prior on one scene: which weights train, and how much of the prior to keep (WiSE-FT).

One-scene runs that start from the needle prior end with their weights averaged with the prior's: `--wise A`
keeps the share A of the fine-tuned weights. Two recipes are compared: every weight trained (the plan), and
the prior's encoder frozen (`--freeze encoder`). Each development run here is the plan with
`--wise 1` (no mix) and one recipe; its model is then mixed with the prior at every share and scored on frames
it never saw:
- cross-scene: two synthetic ultrasound-like insertion pairs (train insertions 40 and 70, each tested on the
  next insertion whose needle is visible in gray), never one_scene.py's pair (11 and its test insertion);
- same video: the real microscope frames' development frames (0-100), two folds, each tested on the other's.
The report frames of real_frames.py and one_scene.py's insertions are not used.

Two summaries per recipe and share (above 0: share 0 is the prior alone, no run): the mean IoU over the four
cases, and how many cases meet issue 36's targets (IoU >= 0.5 and a median tip error <= 20 px).

    python wise_sweep.py --minutes 2.5      # from bench/; about 35 min; writes results/wise_sweep.{json,md}
"""
import argparse, json, shutil
from pathlib import Path
from _common import save
from plan_experiment import WORK, _write, scene, run_one
from one_scene import test_seed
import real_frames as RF
SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
RECIPES = {'every weight trained': [], 'encoder frozen': ['--freeze', 'encoder']}

def synthetic(tr:int, minutes:float, extra:list) -> tuple:
    "Train on insertion `tr` (30 frames, no mix, the recipe's `extra` options); (run, scorer)."
    d = WORK / 'data' / f'wise{tr}'
    if not (d / 'test').exists():
        _write(d / 'train', list(scene(tr, 30))); _write(d / 'test', list(scene(test_seed(tr + 1), 20)))
    args = ['--images', str(d / 'train' / 'images'), '--masks', str(d / 'train' / 'masks'),
            '--minutes', str(minutes), '--wise', '1'] + extra
    name = 'unmixed' + '_frozen' * bool(extra)
    run_one(f'wise{tr}', name, args, d / 'test')
    from plan_experiment import score
    return WORK / 'runs' / f'wise{tr}' / name, lambda run: score(run, d / 'test', False)

def real(fold:str, minutes:float, extra:list) -> tuple:
    "Train on one fold of the real development frames (no mix, `extra` options); (run, scorer)."
    import subprocess
    dev, _ = RF.split(RF.rows()); needles = [r for r in dev if r['tip_x']]
    a = [r for r in needles if r['frame'][-3:] in ('040', '060', '075', '100')]
    tr = a if fold == 'A' else [r for r in needles if r not in a]
    empty = [r for r in dev if not r['tip_x']]
    d = WORK / 'data' / f'wise_real{fold}'; shutil.rmtree(d, ignore_errors=True)
    RF.write_folder(tr + empty, d); run = WORK / 'runs' / (f'wise_real{fold}' + '_frozen' * bool(extra))
    subprocess.run(['needle_train', '--images', str(d / 'images'), '--masks', str(d / 'masks'), '--out',
                    str(run), '--minutes', str(minutes), '--wise', '1', '--force'] + extra, check=True,
                   capture_output=True)
    te = [r for r in dev if r not in tr]
    def sc(run):
        s = RF.score(run, te); t = s['tip_median_px']
        return dict(iou=s['iou_mean'], tip_error_median=t if t < float('inf') else None)
    return run, sc

def sweep(run:Path, scorer) -> dict:
    "Score the run's model mixed with the prior at every share."
    import keras
    from needle_nbdev.unet import copy_weights
    from needle_nbdev.runs import run_dir
    out = {}
    for a in SHARES:
        t = run.parent / f'{run.name}_mix{a}'; shutil.rmtree(t, ignore_errors=True); t.mkdir()
        for f in ('config.json', 'tip_head.keras'):
            if (run / f).exists(): shutil.copy(run / f, t / f)
        m = keras.models.load_model(run / 'model.keras', compile=False)
        copy_weights(m, run_dir('prior'), share=1 - a); m.save(t / 'model.keras')
        s = scorer(t); out[str(a)] = dict(iou=round(s['iou'], 3), tip=s.get('tip_error_median'))
        print(run.name, a, out[str(a)], flush=True)
    return out

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--minutes', type=float, default=2.5)
    a = ap.parse_args()
    cases = {'cross-scene: insertion 40 to its test insertion': lambda e: synthetic(40, a.minutes, e),
             'cross-scene: insertion 70 to its test insertion': lambda e: synthetic(70, a.minutes, e),
             'same video: real fold A to fold B': lambda e: real('A', a.minutes, e),
             'same video: real fold B to fold A': lambda e: real('B', a.minutes, e)}
    res = {name: {rec: sweep(*make(e)) for rec, e in RECIPES.items()} for name, make in cases.items()}
    mean = {(rec, s): sum(r[rec][str(s)]['iou'] for r in res.values()) / len(res)
            for rec in RECIPES for s in SHARES}
    (rec, s), m = max(((k, v) for k, v in mean.items() if k[1] > 0), key=lambda kv: kv[1])  # 0: no run
    ok = lambda v: v['iou'] >= 0.5 and v['tip'] is not None and v['tip'] <= 20
    met = {(k, s): sum(ok(r[k][str(s)]) for r in res.values()) for k in RECIPES for s in SHARES if s > 0}
    f = lambda v: f"{v['iou']:.3f} ({v['tip']:.0f} px)" if v['tip'] is not None else f"{v['iou']:.3f} (none)"
    table = ("| development case | recipe | " + ' | '.join(f"share {s:g}" for s in SHARES) + " |\n|---|---|"
             + "---|" * len(SHARES) + "\n" + '\n'.join(
                 f"| {n} | {k} | " + ' | '.join(f(v[str(s)]) for s in SHARES) + " |"
                 for n, r in res.items() for k, v in r.items())
             + f"\n\nHighest mean IoU over the four cases (share > 0): {rec}, share {s:g} ({m:.3f}). "
             + "Cases meeting the targets: " + '; '.join(f"{k} {v:g}: {met[k, v]}" for k, v in met) + ".")
    save('wise_sweep', dict(minutes=a.minutes, shares=list(SHARES), recipes=RECIPES, cases=res,
                            best=dict(recipe=rec, share=s, mean_iou=round(m, 3)),
                            targets_met={f'{k} {v:g}': n for (k, v), n in met.items()}), table)

if __name__ == '__main__': main()

"""Point labels against masks: the same `needle_train` (the same budget and way of choosing options) trained once from the true
masks of synthetic insertions and once from clicks alone (each frame's entry and tip, with 1 px of click noise,
drawn into masks at the width `estimate_width` measures on the frame), both scored on held-out insertions.
The goal (issue 34): the clicks' model reaches at least 0.9x the masks' model, in IoU and in tip accuracy
(the masks' median tip error over the clicks'). Each model's median tip error is over the frames where it found
a needle, so the tips are also compared on the same frames: the share of needle frames whose tip is within
TIP_OK px (a miss counts as wrong), and the median tip error on the frames where both models of a seed found it.

    python labels_vs_masks.py --minutes 5                  # from bench/; writes results/labels_vs_masks.{json,md}
    python labels_vs_masks.py --minutes 5 --seeds 1        # one seed each (a third of the time)
    python labels_vs_masks.py --minutes 5 --config fixed   # the fixed configuration below instead of the plan
    python labels_vs_masks.py --minutes 5 --seeds 6 --rescore  # score the saved runs again (no training)
    python labels_vs_masks.py --minutes 10 --name labels_vs_masks_10min  # results/NAME.*, runs/NAME/

The runs train one after the other (`nice`), on the same data, alternating between the two kinds of label
seed by seed, so that they share the machine's load. Each figure is the mean over the seeds (3 by default):
a single short run on a 2-core machine is noisy, and the standard deviation over the seeds shows how much.
`--config plan` (the default) trains what a user gets: `needle_train`'s plan for each folder (the drawn masks'
fingerprint differs from the true masks', so the plan may pick another input size). `--config fixed`
trains one small configuration (`--no_plan`, a small U-Net at 192x320 from scratch, a cosine schedule over the
whole budget, no early stopping); run on a quiet 2-core machine (2026-12-06), its masks' model found almost
nothing on the held-out insertions: too weak a reference to compare labels against.
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path
import numpy as np, cv2
from _common import save, RESULTS, this_command

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / 'runs' / 'labels_vs_masks'                # main() sets runs/NAME (--name)
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3', PYTHONUNBUFFERED='1')
TRAIN, TEST, SIZE, N = tuple(range(101, 113)), tuple(range(201, 205)), (360, 640), 24
STEP = dict(train=3, test=4)                            # every 3rd (4th) frame: many needles, few frames each
FIXED = ['--no_plan', '--size', '192,320', '--filters', '8,16,32,64', '--batch_size', '8', '--epochs', '100000',
         '--cosine', '--early_stopping', '0', '--reduce_lr', '0', '--seed', '0']
CLICK_SD = 1.0                                          # px: two clicks are not exact
TIP_OK = 10.0                                           # px: a tip found within this is correct

def write_insertions(d:Path, seeds, step:int, noise:float=0.0, seed:int=0):
    "Frames, true masks and the true poses (and clicks with `noise`) of synthetic insertions."
    from needle_nbdev.synth import synth_sequence
    from needle_nbdev.io import write_poses
    if (d / 'clicks.csv').is_file(): return d
    for s in ('images', 'masks'): (d / s).mkdir(parents=True, exist_ok=True)
    rng, poses, clicks = np.random.default_rng(seed), [], []
    for s in seeds:
        for k, (x, m, p) in enumerate(synth_sequence(s, N, SIZE)):
            if k % step: continue
            name = f'ins{s}_{k:03d}.png'
            cv2.imwrite(str(d / 'images' / name), cv2.cvtColor(x, cv2.COLOR_RGB2BGR))
            cv2.imwrite(str(d / 'masks' / name), m * 255)
            poses.append((name, p))
            jit = lambda q: tuple(np.clip(np.add(q, rng.normal(0, noise, 2)), 0, np.array(SIZE[::-1]) - 1))
            clicks.append((name, p if p['tip'] is None else dict(p, tip=jit(p['tip']), entry=jit(p['entry']))))
    write_poses(d / 'poses.csv', poses)
    write_poses(d / 'clicks.csv', clicks)             # the package's own writer: what needle_review saves
    return d

def train(name:str, args:list, minutes:float, opts:list) -> tuple:
    "needle_train (niced) into WORK/runs/NAME; (run, wall seconds)."
    run = WORK / 'runs' / name; t0 = time.time()
    p = subprocess.run(['nice', '-n', '10', 'needle_train', '--out', str(run), '--minutes', str(minutes),
                        '--force', *opts, *args], env=ENV, capture_output=True, text=True)
    if p.returncode: print(p.stdout[-2000:], p.stderr[-3000:], file=sys.stderr); raise SystemExit(f"{name} failed")
    return run, time.time() - t0

def score(run:Path, test:Path) -> dict:
    """Held-out IoU and tip errors (needle_evaluate's path, against the true masks and poses), and each needle
    frame's tip error (None: no needle found), so that tips can also be compared on the same frames."""
    from needle_nbdev.predict import evaluate
    from needle_nbdev.runs import load_run
    from needle_nbdev.io import pair_files, read_poses
    r = evaluate(run, test / 'images', test / 'masks', test / 'poses.csv', progress=False)
    out = {k: r[k] for k in ('iou', 'dice', 'tip_error_median', 'detection_recall') if k in r}
    mc, head = load_run(run), run / 'tip_head.keras'
    per, gt = {}, read_poses(test / 'poses.csv')
    for ip, mp in pair_files(test / 'images', test / 'masks'):
        if gt[ip.name]['tip'] is None: continue                   # tips are scored on needle frames
        f = evaluate(mc, pairs=[(ip, mp)], poses=test / 'poses.csv', progress=False,
                     tip_head=str(head) if head.is_file() else 'none')
        per[ip.name] = f.get('tip_error_median')                  # None: the needle was missed
    out['tip_errors'] = per
    out['tip_within_10px'] = round(sum(e is not None and e <= TIP_OK for e in per.values()) / max(len(per), 1), 4)
    return out

def one_run(name:str, args:list, minutes:float, opts:list, te:Path, before:dict|None=None) -> dict:
    "Train one configuration with one seed (or, with `before`, rescore its run) on the held-out insertions."
    if before is None: run, wall = train(name, args, minutes, opts)
    else: run, wall = WORK / 'runs' / name, before['wall_s']
    cfg = json.loads((run / 'config.json').read_text())
    load = before['load_1min'] if before else round(os.getloadavg()[0], 1)  # the load when this run ended
    r = dict(wall_s=round(wall, 1), epochs=cfg['epochs_run'], size=cfg['size'], load_1min=load,
             init=cfg.get('init'), filters=cfg.get('filters'), channels=cfg.get('channels'), **score(run, te))
    if (run / 'labels' / 'labels.json').is_file():
        w = [v for v in json.loads((run / 'labels' / 'labels.json').read_text())['widths'].values() if v]
        r['drawn_width_median_px'] = round(float(np.median(w)), 2)
    return r

def summary(per_seed:list) -> dict:
    "The mean of each figure over the seeds, its standard deviation (`*_sd`) and the runs themselves."
    nan, out = float('nan'), dict(seeds=per_seed)
    for k in ('wall_s', 'epochs', 'iou', 'dice', 'tip_error_median', 'detection_recall', 'tip_within_10px'):
        v = np.array([r.get(k) if r.get(k) is not None else nan for r in per_seed], float)
        out[k], out[f'{k}_sd'] = round(float(np.mean(v)), 4), round(float(np.std(v, ddof=1)) if len(v) > 1 else 0.0, 4)
    return out

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--minutes', type=float, default=5.0)
    ap.add_argument('--config', choices=('plan', 'fixed'), default='plan')
    ap.add_argument('--seeds', type=int, default=3, help='seeds per kind of label (runs alternate between them)')
    ap.add_argument('--rescore', action='store_true', help="score the last run's models again, without training")
    ap.add_argument('--name', default='labels_vs_masks', help='results/NAME.{json,md} and the work folder runs/NAME')
    a = ap.parse_args()
    global WORK
    WORK = ROOT / 'runs' / a.name
    tr = write_insertions(WORK / 'data' / 'train', TRAIN, STEP['train'], CLICK_SD)
    te = write_insertions(WORK / 'data' / 'test', TEST, STEP['test'])
    cfgs = {'true masks': ['--images', str(tr / 'images'), '--masks', str(tr / 'masks')],
            'clicks alone (--labels)': ['--images', str(tr / 'images'), '--labels', str(tr / 'clicks.csv')]}
    last = json.loads((RESULTS / f'{a.name}.json').read_text()) if a.rescore else None
    runs = {n: [] for n in cfgs}
    for seed in range(a.seeds):                       # masks, clicks, masks, ...: both see the same load
        opts = FIXED[:-1] + [str(seed)] if a.config == 'fixed' else ['--seed', str(seed)]
        for name, args in cfgs.items():
            tag = name.split(' (')[0].replace(' ', '_') + f'_s{seed}'
            before = last['results']['runs'][name]['seeds'][seed] if last else None
            runs[name].append(dict(seed=seed, **one_run(tag, args, a.minutes, opts, te, before)))
            print(name, {k: v for k, v in runs[name][-1].items() if k != 'tip_errors'}, flush=True)
    res = {n: summary(v) for n, v in runs.items()}
    m, c = res['true masks'], res['clicks alone (--labels)']
    nan = float('nan'); te_ = lambda r: r.get('tip_error_median') or nan
    both = [(a_['tip_errors'][f], b_['tip_errors'][f]) for a_, b_ in zip(runs['true masks'], runs['clicks alone (--labels)'])
            for f in a_['tip_errors'] if a_['tip_errors'][f] is not None and b_['tip_errors'].get(f) is not None]
    paired = dict(frames=len(both), masks_px=round(float(np.median([p[0] for p in both])), 2) if both else None,
                  clicks_px=round(float(np.median([p[1] for p in both])), 2) if both else None)
    ratio = dict(iou=round(c['iou'] / m['iou'], 3) if m['iou'] else nan,
                 tip_accuracy=round(te_(m) / te_(c), 3),
                 tip_within_10px=round(c['tip_within_10px'] / m['tip_within_10px'], 3) if m['tip_within_10px'] else nan,
                 tip_paired=round(paired['masks_px'] / paired['clicks_px'], 3) if both else nan)
    rows = [f"| {n} | {r['wall_s'] / 60:.1f} | {r['epochs']:.0f} | {r['iou']:.3f} ± {r['iou_sd']:.3f} | "
            f"{te_(r):.1f} ± {r['tip_error_median_sd']:.1f} | {r['detection_recall']:.2f} |" for n, r in res.items()]
    table = (f"| trained from | wall min | epochs | held-out IoU (mean ± sd of {a.seeds} seeds) | "
             "median tip error px | detection recall |\n|---|---|---|---|---|---|\n" + '\n'.join(rows) +
             f"\n\nClicks / masks: IoU {ratio['iou']:.2f}x, tip accuracy (masks' error / clicks' error) "
             f"{ratio['tip_accuracy']:.2f}x (goal: at least 0.9x each).\n\n"
             f"Each median tip error above is over the frames where that model found a needle, so a model that "
             f"finds more needles is scored on harder frames. On the same frames: the share of held-out needle "
             f"frames whose tip is found within {TIP_OK:g} px (a missed needle counts as wrong): masks "
             f"{m['tip_within_10px']:.2f}, clicks {c['tip_within_10px']:.2f} ({ratio['tip_within_10px']:.2f}x); "
             f"the median tip error on the {paired['frames']} frames (all seeds) where both models of a seed found "
             f"the needle: masks {paired['masks_px']} px, clicks {paired['clicks_px']} px "
             f"({ratio['tip_paired']:.2f}x).")
    save(a.name, dict(minutes=a.minutes, config=a.config, seeds=a.seeds,
                      options=['--seed', 'N'] if a.config == 'plan' else FIXED,
                      train_insertions=TRAIN, test_insertions=TEST, size=SIZE,
                      frames_per_insertion={k: N // v for k, v in STEP.items()}, click_sd_px=CLICK_SD,
                      tip_ok_px=TIP_OK, paired=paired, runs=res, ratio=ratio), table,
         meta=dict(last, commands=last.get('commands', [last['command']]) + [this_command()]) if last else None)

if __name__ == '__main__': main()

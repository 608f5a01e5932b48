"""Training from snapped clicks (issue 34): the clicks of `labels_vs_masks.py`'s training insertions moved onto the
needle by the package's `needle_snap`, then `needle_train --labels` on the snapped polylines (CVAT XML), the way a user runs both.
Same data, budget, plan and seeds as the reference arms (true masks; clicks alone), which are not trained again:
their per-seed scores are read from REF's results file, which must come from the same kind of machine (the runs
are time-budgeted). Scored on the 4 held-out insertions of `labels_vs_masks.py` and the 12 of the wide set.

    python labels_snap.py --minutes 5 --seeds 6                 # from bench/; writes results/labels_snap.{json,md}
    python labels_snap.py --minutes 5 --seeds 6 --ref labels_ignore_band   # the reference arms' results (default)
"""
import argparse, json, subprocess
import numpy as np
import labels_vs_masks as L
from _common import save, RESULTS, machine
from labels_ignore_band import WIDE, arms_table

REF_ARMS = ('true masks', 'clicks alone (--labels)')
ARM = 'snapped clicks (needle_snap)'

def drawn_iou(d, csv_name:str) -> float:
    "Mean IoU with the true masks of the masks `needle_train --labels` draws from d/CSV_NAME (needle frames)."
    from needle_nbdev.io import read_mask
    from needle_nbdev.labels import read_labels, label_mask
    from needle_nbdev import metrics as M
    lab = read_labels(d / csv_name)
    return round(float(np.mean([M.iou(read_mask(d / 'masks' / n), label_mask(d / 'images' / n, p)[0])
                                for n, p in lab.items() if p is not None])), 4)

def paired(res:dict, key:str='wide') -> dict:
    "The snapped arm's IoU less the clicks' arm's, paired by seed: mean, standard error, seeds higher."
    g = np.array([a['iou'] - b['iou'] for a, b in zip(res[ARM][key], res[REF_ARMS[1]][key])])
    return dict(mean=round(float(g.mean()), 4), se=round(float(g.std(ddof=1) / np.sqrt(len(g))), 4) if len(g) > 1
                else None, higher=int((g > 0).sum()), seeds=len(g))

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--minutes', type=float, default=5.0)
    ap.add_argument('--seeds', type=int, default=6); ap.add_argument('--ref', default='labels_ignore_band')
    a = ap.parse_args()
    ref = json.loads((RESULTS / f'{a.ref}.json').read_text())
    if ref['machine'].split(',')[0] != machine().split(',')[0]:
        raise SystemExit(f"{a.ref} ran on {ref['machine']}; this is {machine()}: time-budgeted runs do not compare")
    L.WORK = L.ROOT / 'runs' / 'labels_vs_masks'
    tr = L.write_insertions(L.WORK / 'data' / 'train', L.TRAIN, L.STEP['train'], L.CLICK_SD)
    te = L.write_insertions(L.WORK / 'data' / 'test', L.TEST, L.STEP['test'])
    wide = L.write_insertions(L.ROOT / 'runs' / 'labels_ignore_band' / 'test_wide', *WIDE)
    snap = subprocess.run(['needle_snap', '--images', str(tr / 'images'), '--labels', str(tr / 'clicks.csv'),
                           '--out', str(tr / 'clicks_snapped.xml'), '--force'], capture_output=True, text=True)
    if snap.returncode: raise SystemExit(snap.stderr)
    drawn = dict(clicks=drawn_iou(tr, 'clicks.csv'), snapped=drawn_iou(tr, 'clicks_snapped.xml'),
                 needle_snap=snap.stdout.strip().splitlines()[-1])
    print(drawn, flush=True)
    res = {n: {k: ref['results']['arms'][n][k]['runs'][:a.seeds] for k in ('standard', 'wide')} for n in REF_ARMS}
    res[ARM] = dict(standard=[], wide=[])
    for s in range(a.seeds):
        run, _ = L.train(f'snapped_s{s}', ['--images', str(tr / 'images'), '--labels', str(tr / 'clicks_snapped.xml')],
                         a.minutes, ['--seed', str(s)])
        ep = json.loads((run / 'config.json').read_text())['epochs_run']
        for k, d in (('standard', te), ('wide', wide)):
            r = L.score(run, d); r.pop('tip_errors'); res[ARM][k].append(dict(seed=s, epochs=ep, **r))
        print(ARM, s, {k: round(v[-1]['iou'], 3) for k, v in res[ARM].items()}, flush=True)
    out, ratio, table = arms_table(res, a.seeds, a.minutes)
    pw, ps = paired(res), paired(res, 'standard')
    tips = round(out[ARM]['wide']['tip_within_10px'] / out['true masks']['wide']['tip_within_10px'], 3)
    table = (f"Drawn masks of the training frames, mean IoU with the true masks: from the clicks "
             f"{drawn['clicks']:.3f}, from the snapped clicks {drawn['snapped']:.3f} (`{drawn['needle_snap']}`). "
             f"The first two rows are read from `{ref['command']}` ({ref['date']}, {ref['commit']}, "
             f"{ref['machine'].split(',')[0]}).\n\n" + table +
             f"\n\nSnapped clicks less clicks alone, paired by seed: {pw['mean']:+.3f} IoU (se {pw['se']:.3f}; higher "
             f"in {pw['higher']} of {pw['seeds']} seeds) on {len(WIDE[0])} insertions, {ps['mean']:+.3f} (se "
             f"{ps['se']:.3f}) on {len(L.TEST)}. Tips within {L.TIP_OK:g} px, {len(WIDE[0])} insertions, over the "
             f"true masks': {tips:.2f}x.")
    save('labels_snap', dict(reference=dict(results=a.ref, command=ref['command'], date=ref['date'],
                                            commit=ref['commit'], machine=ref['machine']),
                             minutes=a.minutes, seeds=a.seeds, drawn_iou=drawn, test_insertions=L.TEST,
                             wide_insertions=WIDE[0], wide_step=WIDE[1], arms=out, ratio=ratio,
                             tip_within_10px_ratio=tips, paired=dict(wide=pw, standard=ps)), table)

if __name__ == '__main__': main()

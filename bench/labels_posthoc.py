"""Do the clicks' and the masks' models differ only in how sure they are? An ablation of `labels_vs_masks.py`
(issue 34), not a feature: it trains nothing, and scores the saved runs of that benchmark again.

A model trained on masks drawn from clicks learns from labels whose edges, and sometimes whole ends, are wrong;
such a model may find the needle but give it probabilities under 0.5, so that the mask, and the tip, lose it.
Two levers act after training, on both arms alike:
- a mask threshold chosen by each run on its own validation frames, against its own labels (the drawn masks
  for the clicks' runs: what a user who clicked has), from 0.05 to 0.95 in steps of 0.05;
- flip test-time augmentation (`tta='flip'`), with its own validation-chosen threshold.
Each is scored on a wide held-out set (insertions 201-212, every 2nd frame: 144 frames) exactly as
`needle_evaluate` scores a run (IoU per frame, then the mean; tips by `locate` at the run's threshold and the
run's tip head), at the threshold 0.5 that runs use today and at the chosen one.

    python labels_vs_masks.py --minutes 5 --seeds 6 --name NAME   # from bench/, first: the two arms
    python labels_posthoc.py --name NAME --seeds 6                  # writes results/labels_posthoc.{json,md}
"""
import argparse, json
import numpy as np
import labels_vs_masks as L
from _common import save, RESULTS
from labels_ignore_band import WIDE

TH = np.round(np.arange(0.05, 0.951, 0.05), 2)       # thresholds a run may choose from
ARMS = {'true masks': 'true_masks', 'clicks alone (--labels)': 'clicks_alone'}
LEVERS = {'threshold 0.5': (False, False), 'validation threshold': (False, True),
          'flip TTA, threshold 0.5': ('flip', False), 'flip TTA, validation threshold': ('flip', True)}

def probs(mc, pairs:list, tta) -> tuple:
    "Frames as stored, their probabilities (needle_predict's path) and true masks."
    from needle_nbdev.predict import predict
    from needle_nbdev.io import read_raw, read_mask
    raws = [read_raw(ip) for ip, _ in pairs]
    ps = [predict(mc, [(ip.name, r)], tta=tta)[0][0] for (ip, _), r in zip(pairs, raws)]
    return raws, ps, [read_mask(mp, size=p.shape) for (_, mp), p in zip(pairs, ps)]

def iou_by_threshold(ps:list, ts:list) -> np.ndarray:
    "Mean per-frame IoU at each of TH (the package's `iou`, as `needle_evaluate` takes it)."
    from needle_nbdev import metrics as M
    return np.array([[M.iou(t, p, threshold=th) for th in TH] for p, t in zip(ps, ts)]).mean(0)

def scores(mc, head, raws, ps, ts, gts, th:float) -> dict:
    "IoU, tips and detection of a run's held-out frames at mask threshold `th`."
    from needle_nbdev.localize import locate, needle_scores
    from needle_nbdev.tiphead import refine_tip
    from needle_nbdev import metrics as M
    cfg = dict(mc[1], threshold=th); ests = [locate(p, cfg) for p in ps]
    ests = [refine_tip(head, r, e) if head else e for r, e in zip(raws, ests)]
    r = needle_scores([(p >= th).astype(np.float32) for p in ps], ts, ests, gts)
    tips = [M.tip_error(e.tip, g['tip']) if e else None for e, g in zip(ests, gts) if g['tip'] is not None]
    return dict(iou=r['iou'], detection_recall=r.get('detection_recall'), tip_error_median=r['tip_error_median'],
                tip_within_10px=float(np.mean([e is not None and e <= L.TIP_OK for e in tips])))

def one_run(run, tr, wide) -> dict:
    "Every lever on one saved run: its chosen thresholds and its held-out scores."
    from needle_nbdev.runs import load_run
    from needle_nbdev.tiphead import run_tip_head
    from needle_nbdev.io import pair_files, read_poses
    mc, head = load_run(run), run_tip_head(run)
    d = run / 'labels' if (run / 'labels').is_dir() else tr          # the run's own labels
    vp = [p for p in pair_files(d / 'images', d / 'masks') if p[0].name in set(mc[1]['data']['val_files'])]
    wp, gt = pair_files(wide / 'images', wide / 'masks'), read_poses(wide / 'poses.csv')
    gts, out = [gt[ip.name] for ip, _ in wp], {}
    for tta in (False, 'flip'):
        v = iou_by_threshold(*probs(mc, vp, tta)[1:])
        raws, ps, ts = probs(mc, wp, tta)
        for lever, (t, cal) in LEVERS.items():
            if t != tta: continue
            th = float(TH[int(np.argmax(v))]) if cal else 0.5
            out[lever] = dict(threshold=th, val_frames=len(vp), **scores(mc, head, raws, ps, ts, gts, th))
    return out

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--name', default='labels_vs_masks')
    ap.add_argument('--seeds', type=int, default=6)
    a = ap.parse_args()
    L.WORK = L.ROOT / 'runs' / a.name
    ref = json.loads((RESULTS / f'{a.name}.json').read_text())
    wide = L.write_insertions(L.ROOT / 'runs' / 'labels_ignore_band' / 'test_wide', *WIDE)
    res = {n: {lv: [] for lv in LEVERS} for n in ARMS}
    for s in range(a.seeds):
        for name, tag in ARMS.items():
            r = one_run(L.WORK / 'runs' / f'{tag}_s{s}', L.WORK / 'data' / 'train', wide)
            for lv, v in r.items(): res[name][lv].append(dict(seed=s, **v))
            print(name, s, {lv: (v['threshold'], round(v['iou'], 3)) for lv, v in r.items()}, flush=True)
    mean = lambda rs, k: float(np.mean([r[k] for r in rs]))
    out = {n: {lv: dict(iou=round(mean(rs, 'iou'), 4), iou_sd=round(float(np.std([r['iou'] for r in rs], ddof=1)), 4),
                        tip_within_10px=round(mean(rs, 'tip_within_10px'), 4),
                        detection_recall=round(mean(rs, 'detection_recall'), 4),
                        threshold_median=float(np.median([r['threshold'] for r in rs])), runs=rs)
               for lv, rs in v.items()} for n, v in res.items()}
    m, c = out['true masks'], out['clicks alone (--labels)']
    ratio = {lv: dict(iou=round(c[lv]['iou'] / m[lv]['iou'], 3),
                      tip_within_10px=round(c[lv]['tip_within_10px'] / m[lv]['tip_within_10px'], 3)) for lv in LEVERS}
    rows = [f"| {lv} | {m[lv]['threshold_median']:g} / {c[lv]['threshold_median']:g} | "
            f"{m[lv]['iou']:.3f} ± {m[lv]['iou_sd']:.3f} | {c[lv]['iou']:.3f} ± {c[lv]['iou_sd']:.3f} | "
            f"{ratio[lv]['iou']:.2f}x | {m[lv]['tip_within_10px']:.2f} / {c[lv]['tip_within_10px']:.2f} | "
            f"{m[lv]['detection_recall']:.2f} / {c[lv]['detection_recall']:.2f} |" for lv in LEVERS]
    table = (f"Runs: `{ref['command']}` ({ref['date']}, {ref['commit']}), {a.seeds} seeds per arm, scored on "
             f"{len(WIDE[0])} held-out insertions (every {WIDE[1]}nd frame).\n\n"
             "| after training | threshold (median; masks / clicks) | IoU, masks | IoU, clicks | clicks / masks | "
             f"tips within {L.TIP_OK:g} px (masks / clicks) | detection recall (masks / clicks) |\n"
             "|---|---|---|---|---|---|---|\n" + '\n'.join(rows))
    save('labels_posthoc', dict(reference=dict(results=a.name, command=ref['command'], date=ref['date'],
                                               commit=ref['commit'], machine=ref['machine']),
                                seeds=a.seeds, wide_insertions=WIDE[0], wide_step=WIDE[1], thresholds=TH.tolist(),
                                arms=out, ratio=ratio), table)

if __name__ == '__main__': main()

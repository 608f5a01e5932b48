"""Does moving the clicks onto the needle close the clicks' gap? An ablation of `labels_vs_masks.py` (issue 34),
not a feature.

Two clicks 1 px off draw a line that is off the needle along its whole length. Across the needle, the frame says
where the needle is: this script samples 31 profiles across the clicked line (in the frame's gray level and its two
CIE Lab colour axes; the one where the needle stands out most), aligns them on their mean by cross-correlation, and
fits a straight line (with outliers trimmed) to how far each lies from the clicked line. It then moves the entry
and the tip across by that line, and writes the moved clicks as a CSV in the same schema. `needle_train --labels`
trains on it as it is (its width estimated on the moved line): the package is not changed. Over the training
insertions, the drawn masks' IoU with the true masks is measured for both CSVs, then the clicks' arm is trained
again from the moved clicks (same data, budget, plan and seeds as NAME's runs) and scored on the 4 held-out
insertions and on the 12 of `labels_ignore_band.py`.

    python labels_vs_masks.py --minutes 5 --seeds 6 --name NAME   # from bench/, first: the two reference arms
    python labels_aligned.py --name NAME --minutes 5 --seeds 6     # writes results/labels_aligned.{json,md}
"""
import argparse, json
import numpy as np, cv2
import labels_vs_masks as L
from _common import save, RESULTS
from labels_ignore_band import WIDE, score_arms, arms_table

S = np.arange(-20, 20.125, 0.25, dtype=np.float32)   # samples across the line, px
SHIFT = 16                                           # samples (4 px) each profile may move

def profiles(img:np.ndarray, e, t, n:int=31) -> np.ndarray:
    "n × len(S) profiles across the line e→t (20-80 % of its length), in the channel the needle stands out in."
    e, t = np.asarray(e, float), np.asarray(t, float); u = (t - e) / max(np.hypot(*(t - e)), 1e-9)
    at = e + np.linspace(0.2, 0.8, n)[:, None] * (t - e); nv = np.array([-u[1], u[0]])
    xy = (at[:, None, :] + S[None, :, None] * nv).astype(np.float32)
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2Lab)
    out = []
    for k in range(3):
        P = cv2.remap(np.ascontiguousarray(lab[..., k]), xy[..., 0], xy[..., 1], cv2.INTER_LINEAR,
                      borderMode=cv2.BORDER_REFLECT)
        P = P - np.median(P, 1, keepdims=True); ref = np.median(P, 0)
        core = np.abs(S) <= 6; far = (np.abs(S) > 6) & (np.abs(S) <= 12)
        out.append((np.abs(ref[core]).max() / (ref[far].std() + 1e-6), P))
    return max(out, key=lambda o: o[0])[1]

def moved_clicks(img:np.ndarray, e, t) -> tuple:
    "The entry and tip moved across the line onto the needle (a trimmed straight-line fit of the offsets)."
    P = profiles(img, e, t); ks, core = range(-SHIFT, SHIFT + 1), slice(SHIFT, len(S) - SHIFT)
    ref = np.median(P, 0)
    for _ in range(2):
        k = np.array([max(ks, key=lambda q: float(np.roll(p, q)[core] @ ref[core])) for p in P])
        ref = np.mean([np.roll(p, q) for p, q in zip(P, k)], 0)
    w = np.abs(ref) * (np.abs(S) <= 6); c = float(S @ w / max(w.sum(), 1e-9))      # the mean's centre
    off, f = c - k * (S[1] - S[0]), np.linspace(0.2, 0.8, len(P))                   # each profile's needle
    A = np.c_[np.ones_like(f), f]; keep = np.ones(len(f), bool)
    for _ in range(3):
        coef = np.linalg.lstsq(A[keep], off[keep], rcond=None)[0]
        r = np.abs(A @ coef - off); keep = r <= max(1.0, 2.5 * np.median(r))
    e, t = np.asarray(e, float), np.asarray(t, float); u = (t - e) / max(np.hypot(*(t - e)), 1e-9)
    nv = np.array([-u[1], u[0]])
    return tuple(e + coef[0] * nv), tuple(t + coef.sum() * nv)

def write_moved(d) -> tuple:
    "d/clicks_moved.csv from d/clicks.csv; the drawn masks' mean IoU with the true masks, for both."
    from needle_nbdev.io import read_poses, write_poses, read_mask
    from needle_nbdev.labels import label_mask
    from needle_nbdev import metrics as M
    clicks, rows, ious = read_poses(d / 'clicks.csv'), [], dict(clicks=[], moved=[])
    for name, p in clicks.items():
        img = cv2.cvtColor(cv2.imread(str(d / 'images' / name)), cv2.COLOR_BGR2RGB).astype(np.float32) / 255
        q = p if p['tip'] is None else dict(p, **dict(zip(('entry', 'tip'), moved_clicks(img, p['entry'], p['tip']))))
        h, w = img.shape[:2]
        if q['tip'] is not None and not all(0 <= v[0] <= w - 1 and 0 <= v[1] <= h - 1 for v in (q['entry'], q['tip'])):
            q = p                                                       # moved outside the frame: keep the clicks
        rows.append((name, q)); t = read_mask(d / 'masks' / name)
        if p['tip'] is None: continue
        for k, r in (('clicks', p), ('moved', q)):
            ious[k].append(M.iou(t, label_mask(d / 'images' / name, [r['entry'], r['tip']])[0]))
    write_poses(d / 'clicks_moved.csv', rows)
    return {k: round(float(np.mean(v)), 4) for k, v in ious.items()}

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--name', default='labels_vs_masks')
    ap.add_argument('--minutes', type=float, default=5.0); ap.add_argument('--seeds', type=int, default=6)
    a = ap.parse_args()
    L.WORK = L.ROOT / 'runs' / a.name; tr, te = L.WORK / 'data' / 'train', L.WORK / 'data' / 'test'
    ref = json.loads((RESULTS / f'{a.name}.json').read_text())
    wide = L.write_insertions(L.ROOT / 'runs' / 'labels_ignore_band' / 'test_wide', *WIDE)
    drawn = write_moved(tr); print('drawn masks, mean IoU with the true masks:', drawn, flush=True)
    arms = {'true masks': 'true_masks', 'clicks alone (--labels)': 'clicks_alone', 'moved clicks': 'moved_clicks'}
    moved = lambda tag, s: (L.train(f'{tag}_s{s}', ['--images', str(tr / 'images'), '--labels',
                                                    str(tr / 'clicks_moved.csv')], a.minutes, ['--seed', str(s)])[0]
                            if tag == 'moved_clicks' else None)
    out, ratio, table = arms_table(score_arms(arms, a.seeds, te, wide, moved), a.seeds, a.minutes)
    table = (f"Drawn masks of the training frames, mean IoU with the true masks: from the clicks {drawn['clicks']:.3f}, "
             f"from the moved clicks {drawn['moved']:.3f}. Reference runs: `{ref['command']}` ({ref['date']}, "
             f"{ref['commit']}).\n\n" + table)
    save('labels_aligned', dict(reference=dict(results=a.name, command=ref['command'], date=ref['date'],
                                               commit=ref['commit'], machine=ref['machine']),
                                minutes=a.minutes, seeds=a.seeds, drawn_iou=drawn, test_insertions=L.TEST,
                                wide_insertions=WIDE[0], wide_step=WIDE[1], arms=out, ratio=ratio), table)

if __name__ == '__main__': main()

"""Bare `needle_train` (the plan) against today's defaults (`--no_plan`) and hand-set flags, in the same
time budget, on three kinds of data, each scored on held-out frames the runs never saw.

    python plan_experiment.py --minutes 3            # from bench/; writes results/plan_experiment.{json,md}
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path
import numpy as np, cv2
from _common import save, rerun_meta

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / 'runs' / 'plan_exp'
RESULTS_FILE = Path(__file__).resolve().parent / 'results' / 'plan_experiment.json'
HERE = Path(__file__).resolve().parent
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3', PYTHONUNBUFFERED='1', NEEDLE_NBDEV_CACHE=str(WORK / 'cache'))
ISBI = ROOT.parent / 'shared' / 'data' / 'isbi2012'
TAIL = ['--epochs', '100000', '--cosine', '--early_stopping', '0', '--reduce_lr', '0', '--force']

def _write(d:Path, frames):
    "Write (uint8 image, 0/1 mask) pairs as PNG folders d/images, d/masks."
    for s in ('images', 'masks'): (d / s).mkdir(parents=True, exist_ok=True)
    for k, (x, m) in enumerate(frames):
        cv2.imwrite(str(d / 'images' / f'f{k:03d}.png'), x)
        cv2.imwrite(str(d / 'masks' / f'f{k:03d}.png'), (m > 0).astype(np.uint8) * 255)

def blobs(seed:int, size:int=1024):
    "Gray 1024² frame: 60 small blobs (r 3-7 px) and 6 thin curved fibres (2 px) on a textured background."
    rs = np.random.default_rng(seed); m = np.zeros((size, size), np.uint8)
    for cx, cy, r in zip(*rs.integers(20, size - 20, (2, 60)), rs.integers(3, 8, 60)):
        cv2.circle(m, (int(cx), int(cy)), int(r), 1, -1)
    for _ in range(6):
        pts = np.cumsum(rs.normal(0, 25, (12, 2)), 0) + rs.integers(100, size - 100, 2)
        cv2.polylines(m, [pts.astype(np.int32)], False, 1, 2)
    bg = cv2.GaussianBlur(rs.normal(0, 1, (size, size)), (0, 0), 12); bg = 90 + 40 * bg / bg.std()
    x = bg + m * 50 + rs.normal(0, 12, m.shape)
    return x.clip(0, 255).astype(np.uint8), m

def scene(seed:int, n:int, size=(440, 720)):
    "An ultrasound-like scene: one synthetic insertion (`synth_sequence`), gray, speckled and blurred."
    from needle_nbdev.synth import synth_sequence
    rs = np.random.default_rng(seed + 7)
    for x, m, _ in synth_sequence(seed, n, size):
        g = x.mean(-1).astype(np.float32) * rs.gamma(4.0, 0.25, size)          # multiplicative speckle
        yield cv2.GaussianBlur(g, (0, 0), 1.0).clip(0, 255).astype(np.uint8), m

def datasets():
    "Train and held-out test folders for each kind of data (written once)."
    from needle_nbdev.io import load_isbi
    from needle_nbdev.synth import write_synth_dataset
    d = WORK / 'data'
    if not (d / 'isbi_test').exists():
        x, y, _ = load_isbi(ISBI)
        _write(d / 'isbi', [(x[i], y[i] > 0) for i in range(25)])
        _write(d / 'isbi_test', [(x[i], y[i] > 0) for i in range(25, 30)])
    if not (d / 'needles720_test').exists():
        write_synth_dataset(d / 'needles720', n=40, seed=0, progress=False)
        write_synth_dataset(d / 'needles720_test', n=20, seed=100, progress=False)
    for name, hw in (('needles480', (480, 640)), ('needles1080', (1080, 1920))):
        if not (d / f'{name}_test').exists():
            write_synth_dataset(d / name, n=40, seed=0, size=hw, progress=False)
            write_synth_dataset(d / f'{name}_test', n=20, seed=100, size=hw, progress=False)
    if not (d / 'blobs_test').exists():
        _write(d / 'blobs', [blobs(s) for s in range(12)])
        _write(d / 'blobs_test', [blobs(100 + s) for s in range(6)])
    return d

def configs(d:Path, minutes:float) -> dict:
    "{dataset: {config: needle_train arguments}}."
    B = ['--minutes', str(minutes)]
    crops = dict(needles480='33,67,100,150', needles1080='75,150,300,450')   # scale_crop of the margins
    def fold(n): return ['--images', str(d / n / 'images'), '--masks', str(d / n / 'masks')]
    return {
        'isbi': {'plan': fold('isbi') + B, 'defaults': fold('isbi') + B + ['--no_plan'],
                 'hand: --isbi recipe': ['--isbi', str(ISBI), '--size', '256,256', '--augment', 'isbi',
                     '--filters', '32,64,128,256,512', '--batch_norm', '--loss', 'bce', '--batch_size', '4',
                     '--lr', '0.001', '--train_slices', '0-21', '--val_slices', '22-24'] + B + TAIL},
        'needles720': {'plan': fold('needles720') + B, 'defaults': fold('needles720') + B + ['--no_plan'],
                 'hand: the demo recipe': fold('needles720') + B + ['--preset', 'fast', '--crop', 'needle',
                     '--size', '320,448', '--batch_size', '16', '--lr', '0.003', '--reduce_lr', '8',
                     '--patch', '128,192', '--patch_fg', '0.5', '--steps_per_epoch', '21', '--epochs', '200',
                     '--early_stopping', '0', '--no_plan', '--force']},
        **{n: {'plan': fold(n) + B, 'defaults': fold(n) + B + ['--no_plan'],
               'hand: the demo recipe': fold(n) + B + ['--preset', 'fast', '--crop', crops[n],
                   '--size', '320,448', '--batch_size', '16', '--lr', '0.003', '--reduce_lr', '8',
                   '--patch', '128,192', '--patch_fg', '0.5', '--steps_per_epoch', '21', '--epochs', '200',
                   '--early_stopping', '0', '--no_plan', '--force']} for n in ('needles480', 'needles1080')},
        'blobs': {'plan': fold('blobs') + B, 'defaults': fold('blobs') + B + ['--no_plan'],
                  'hand: tiles': fold('blobs') + B + ['--mode', 'tile', '--size', '128,128', '--filters',
                      '16,32,64,128', '--batch_norm', '--loss', 'iou_bce', '--patch_fg', '0.5', '--batch_size', '8',
                      '--lr', '0.001', '--steps_per_epoch', '50', '--augment', 'isbi', '--no_plan'] + TAIL}}

def pretrain(args:list):
    "Pretrain (once, cached) the network the plan chooses, so that the run's wall time excludes it."
    code = ("import sys; from needle_nbdev.plan import plan_folders; from needle_nbdev.pretrained import synth_init; "
            "a = sys.argv[1:]; o = plan_folders(a[a.index('--images') + 1], a[a.index('--masks') + 1], "
            "float(a[a.index('--minutes') + 1]), progress=False, init='synth')['options']; "
            "print(synth_init(o['filters'], channels=o['channels'], batch_norm=o['batch_norm']))")
    t0 = time.time()
    p = subprocess.run([sys.executable, '-c', code] + args, env=ENV, capture_output=True, text=True)
    if p.returncode: print(p.stderr[-2000:], file=sys.stderr); raise SystemExit("pretraining failed")
    print(f"pretrained model: {p.stdout.strip().splitlines()[-1]} ({time.time() - t0:.0f} s)", flush=True)

def score(run:Path, test:Path, isbi:bool) -> dict:
    "IoU on the held-out frames at their original size (needle_evaluate's path); for ISBI also Rand and pixel error."
    from needle_nbdev.predict import evaluate, predict
    from needle_nbdev.io import pair_files, read_mask
    from needle_nbdev import metrics as M
    r = evaluate(run, test / 'images', test / 'masks', progress=False)
    out = {k: r[k] for k in ('iou', 'dice', 'object_f1', 'tip_error_median', 'detection_recall') if k in r}
    if isbi:
        ps = pair_files(test / 'images', test / 'masks')
        prob = np.stack([p for p, _ in predict(run, [ip for ip, _ in ps])])
        lab = np.stack([read_mask(mp) for _, mp in ps])
        out.update(rand_error=M.rand_error(prob, lab, cell_prob=True), pixel_error=M.pixel_error(prob, lab, cell_prob=True))
    return out

def run_one(ds:str, name:str, args:list, test:Path) -> dict:
    "Train one configuration (needle_train, or a bench script) and score it on the held-out frames."
    run = WORK / 'runs' / ds / name.split(':')[0].replace(' ', '_')
    prog = [sys.executable, str(HERE / args[0])] if args[0].endswith('.py') else ['needle_train']
    args = args[1:] if args[0].endswith('.py') else args
    if '--init' in args and args[args.index('--init') + 1] == 'synth': pretrain(args)
    t0 = time.time()
    p = subprocess.run(prog + ['--out', str(run)] + args + (['--force'] if '--force' not in args else []),
                       env=ENV, capture_output=True, text=True)
    wall = time.time() - t0
    if p.returncode: print(p.stderr[-2000:], file=sys.stderr); raise SystemExit(f"{ds}/{name} failed")
    cfg = json.loads((run / 'config.json').read_text())
    return dict(wall_s=round(wall, 1), epochs=cfg['epochs_run'], mode=cfg.get('mode'), size=cfg['size'],
                val_full=cfg.get('val_full', {}).get('iou'), **score(run, test, ds == 'isbi'))

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--minutes', type=float, default=3.0)
    ap.add_argument('--only', default=None); ap.add_argument('--config', default=None)
    a = ap.parse_args()
    d = datasets(); old = RESULTS_FILE.is_file() and json.loads(RESULTS_FILE.read_text())
    part = (a.only or a.config) and old                  # --only, --config: keep the other results
    res = {k: dict(v) for k, v in old['results']['runs'].items()} if part else {}
    for ds, cfgs in configs(d, a.minutes).items():
        if a.only and ds not in a.only.split(','): continue
        for name, args in cfgs.items():
            if a.config and name != a.config: continue
            res.setdefault(ds, {})[name] = run_one(ds, name, args, d / f'{ds}_test')
            print(ds, name, res[ds][name], flush=True)
    rows = [f"| {ds} | {n} | {r['mode']} {r['size'][1]}x{r['size'][0]} | {r['wall_s'] / 60:.1f} | {r['epochs']} | "
            f"{r['iou']:.3f} | {r.get('rand_error', float('nan')):.4f} |" for ds, c in res.items() for n, r in c.items()]
    table = ("| data | configuration | input | wall min | epochs | held-out IoU | held-out Rand error (ISBI) |\n"
             "|---|---|---|---|---|---|---|\n" + '\n'.join(rows))
    save('plan_experiment', dict(minutes=a.minutes, runs=res), table,
         rerun_meta(old) if part else None)

if __name__ == '__main__': main()

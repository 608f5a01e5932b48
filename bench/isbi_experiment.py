"""The ISBI 2012 experiment: several networks, the same CPU time budget each, scored as the challenge scores.

    python bench/isbi_experiment.py [--minutes 30] [--only NAME ...] [--eval_only | --render]

Each configuration trains with `needle_train --isbi` on slices 0-21 for `--minutes` of training
(cosine learning-rate decay over the budget), validates on slices 22-24 (checkpoint choice), and is
then scored with `evaluate` on slices 22-24 (to choose between the configurations) and on the
held-out slices 25-29 (to report; nothing is tuned on them). Runs go to runs/isbi_exp/NAME; a
finished run is reused, so `--eval_only` rescores saved models without training. Training runs in a
fresh process per configuration, with oneDNN set as `onednn_note` advises for these wide networks.
Results: bench/results/isbi_experiment.json and .md.
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path
os.environ['TF_ENABLE_ONEDNN_OPTS'] = '0'      # before needle_nbdev, so the machine line says what the runs used
from _common import save

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / 'runs' / 'isbi_exp'
COMMON = ['--size', '256,256', '--augment', 'isbi', '--epochs', '1000', '--lr', '0.001', '--cosine',
          '--early_stopping', '0', '--train_slices', '0-21', '--val_slices', '22-24', '--force']
CONFIGS = {  # name: (what it is, needle_train options)
    'classic_bce': ("classic U-Net, 64-1024, BCE",
                    ['--preset', 'isbi', '--batch_norm', '--loss', 'bce', '--batch_size', '4']),
    'half_bce': ("half-width, 32-512, BCE",
                 ['--filters', '32,64,128,256,512', '--batch_norm', '--loss', 'bce', '--batch_size', '4']),
    'half_wbce': ("half-width, 32-512, weighted BCE",
                  ['--filters', '32,64,128,256,512', '--batch_norm', '--loss', 'weighted_bce', '--batch_size', '4']),
}
ENV = dict(os.environ, TF_ENABLE_ONEDNN_OPTS='0', TF_CPP_MIN_LOG_LEVEL='3', PYTHONUNBUFFERED='1')   # as onednn_note advises

def _finished(run:Path) -> bool: return (run / 'config.json').is_file() and not (run / 'INCOMPLETE').exists()

def _train(name:str, isbi:str, minutes:float):
    "Train one configuration with needle_train in a fresh process."
    cmd = ['needle_train', '--isbi', isbi, '--out', str(RUNS / name), '--minutes', str(minutes)] + COMMON + CONFIGS[name][1]
    print('$', ' '.join(cmd), flush=True)
    subprocess.run(cmd, env=ENV, check=True)

EVAL = """
import json, sys
from needle_nbdev.predict import evaluate
from needle_nbdev.runs import load_run, read_config
run, isbi = sys.argv[1], sys.argv[2]
mc = load_run(run)
cfg = read_config(run)
out = dict(params=mc[0].count_params(), train_min=round(cfg['elapsed_s'] / 60, 1), epochs=cfg['epochs_run'],
           best_val_loss=cfg['best_val_loss'])
for s in ('22-24', '25-29'):
    r = evaluate(mc, isbi=isbi, slices=s, progress=False)
    out[s] = {k: round(v, 4) for k, v in r.items() if isinstance(v, float)}
print('RESULT', json.dumps(out))
"""

def _evaluate(name:str, isbi:str) -> dict:
    "Score a finished run on slices 22-24 and 25-29 in a fresh process (the current metrics code)."
    p = subprocess.run([sys.executable, '-c', EVAL, str(RUNS / name), isbi], env=ENV, capture_output=True, text=True)
    line = [l for l in p.stdout.splitlines() if l.startswith('RESULT ')]
    if p.returncode or not line: raise RuntimeError(f"evaluating {name} failed:\n{p.stderr[-2000:]}")
    return json.loads(line[0][7:])

def _table(res:dict) -> str:
    "Markdown table of the results, the configuration chosen on slices 22-24 in bold."
    best = min(res, key=lambda k: res[k]['22-24']['rand_error'])
    rows = [f"| {'**' + k + '**' if k == best else k} | {CONFIGS[k][0]} | {r['params'] / 1e6:.1f} M | {r['train_min']} "
            f"| {r['epochs']} | {r['22-24']['rand_error']:.4f} | {r['25-29']['rand_error']:.4f} "
            f"| {r['25-29']['info_error']:.4f} | {r['25-29']['pixel_error']:.4f} |" for k, r in res.items()]
    head = ("| run | network (all with batch norm, batch 4), loss | params | min | epochs | Rand 22-24 (choice) "
            "| Rand 25-29 | info 25-29 | pixel 25-29 |\n|---|---|---|---|---|---|---|---|---|\n")
    return head + '\n'.join(rows) + f"\n\nChosen on slices 22-24: **{best}**. Errors: 0 is perfect."

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--minutes', type=float, default=30); ap.add_argument('--only', nargs='*', default=list(CONFIGS))
    ap.add_argument('--eval_only', action='store_true'); ap.add_argument('--isbi', default=None)
    ap.add_argument('--render', action='store_true', help='measure nothing: rewrite the table from the saved JSON')
    a = ap.parse_args()
    old = ROOT / 'bench' / 'results' / 'isbi_experiment.json'
    if a.render:
        d = json.loads(old.read_text()); return save('isbi_experiment', d['results'], _table(d['results']), meta=d)
    from needle_nbdev.data import isbi_root
    isbi = str(isbi_root(a.isbi) or sys.exit('ISBI 2012 stacks not found: pass --isbi DIR'))
    res = json.loads(old.read_text())['results'] if old.is_file() else {}
    for name in a.only:
        t0 = time.time()
        if not a.eval_only and not _finished(RUNS / name): _train(name, isbi, a.minutes)
        if not _finished(RUNS / name): print(f"{name}: no finished run, skipped"); continue
        res[name] = {**_evaluate(name, isbi), 'minutes_budget': a.minutes}
        print(name, json.dumps(res[name]), f"({time.time() - t0:.0f} s)", flush=True)
        save('isbi_experiment', {k: res[k] for k in CONFIGS if k in res}, _table({k: res[k] for k in CONFIGS if k in res}))

if __name__ == '__main__': main()

"""The end-of-run stall (issue 33): how long `model.fit` takes to return after its last epoch, with tf.data's
autotune on (the old pipelines) and off (today's `data._data_options`), in planned runs from the needle prior.

    python bench/end_stall.py [--runs 3] [--minutes 2.5] [--append]   # from bench/; about 7 min a pair of runs

The data are `one_scene.py`'s training insertion (30 rendered ultrasound-like frames; run that first, or
any `needle_synth` folder with --data). The arms alternate, each run a fresh `needle_train` process with
the plan's defaults. The "autotune on" arm starts the same console script through a two-line wrapper
that turns autotune back on in `_data_options`. From each run's config.json: `timing.after_last_epoch_s`
(fit's return after its last epoch), and training steps per second (epochs × steps per epoch over
`timing.train_s`: the plan sets steps per epoch per run, so epochs alone do not compare); and the wall
time from process start to exit. `--append` keeps the saved runs (each run records its invocation in `rerun`).
Results: results/end_stall.{json,md}.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
from _common import save, rerun_meta, RESULTS as _R
RESULTS = _R / 'end_stall.json'
HERE = Path(__file__).resolve().parent
ON = ("import needle_nbdev.data as D; o0 = D._data_options\n"
      "def f(threads=None):\n    o = o0(threads); o.autotune.enabled = True; return o\n"
      "D._data_options = f\n"
      "from needle_nbdev.cli import needle_train\nneedle_train()\n")   # a file: call_parse reads argv

def one(data:Path, out:Path, minutes:float, autotune:bool) -> dict:
    "One planned run; its timings."
    if autotune: (w := out.parent / 'needle_train_autotune.py').write_text(ON)
    cmd = ([sys.executable, str(w)] if autotune else ['needle_train']) + [
        '--images', str(data / 'images'), '--masks', str(data / 'masks'), '--out', str(out),
        '--minutes', str(minutes), '--force']
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3'))
    wall = time.perf_counter() - t
    if r.returncode: sys.exit(f"needle_train failed:\n{r.stderr[-2000:]}")
    cfg = json.loads((out / 'config.json').read_text())
    tm, steps = cfg.get('timing', {}), cfg['epochs_run'] * cfg['steps_per_epoch']
    return dict(autotune=autotune, wall_s=round(wall, 1), epochs=cfg['epochs_run'], steps=steps,
                steps_per_s=round(steps / tm['train_s'], 3), **tm, load=round(os.getloadavg()[0], 2))

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--minutes', type=float, default=2.5)
    ap.add_argument('--append', action='store_true', help='keep the saved runs and add these')
    ap.add_argument('--data', default=str(HERE.parent / 'runs' / 'plan_exp' / 'data' / 'scene'))
    a = ap.parse_args()
    data = Path(a.data)
    if not (data / 'images').is_dir(): sys.exit(f"{data}: no images/ (run one_scene.py first, or pass --data)")
    old = json.loads(RESULTS.read_text()) if a.append and RESULTS.is_file() else None
    runs, k0 = (old['results']['runs'], 1 + max(r.get('rerun', 1) for r in old['results']['runs'])) if old else ([], 1)
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(a.runs):
            for at in (True, False):
                runs.append(dict(one(data, Path(tmp) / f"r{k}_{at}", a.minutes, at), rerun=k0))
                print(runs[-1], flush=True)
    res = dict(minutes=a.minutes, data=str(data), runs=runs)
    save('end_stall', res, table(res), rerun_meta(old) if old else None)

def table(res:dict) -> str:
    "The markdown table of `res`: one row per arm, a value per run ('-' where a run did not record it)."
    arm = lambda at: [r for r in res['runs'] if r['autotune'] == at]
    col = lambda at, k, f: ', '.join('-' if r.get(k) is None else f.format(r[k]) for r in arm(at))
    rows = [f"| {'on (before)' if at else 'off (now)'} | {col(at, 'after_last_epoch_s', '{:.1f}')} | "
            f"{col(at, 'wall_s', '{:.0f}')} | {col(at, 'steps_per_s', '{:.2f}')} |" for at in (True, False)]
    return (f"Budget {res['minutes']:g} min ({res['minutes'] * 60:.0f} s), runs alternating.\n\n"
            "| tf.data autotune | fit's return after the last epoch (s) | wall, start to exit (s) | "
            "training steps per second |\n|---|---|---|---|\n" + '\n'.join(rows))

if __name__ == '__main__': main()

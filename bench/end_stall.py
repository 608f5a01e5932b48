"""The end-of-run stall (issue 33): how long `model.fit` takes to return after its last epoch, with tf.data's
autotune on (the old pipelines) and off (today's `data._data_options`), in planned runs from the needle prior.

    python bench/end_stall.py [--runs 3] [--minutes 2.5]      # from bench/; about 7 min a pair of runs

The data are `one_scene.py`'s training insertion (30 rendered ultrasound-like frames; run that first, or
any `needle_synth` folder with --data). The arms alternate, each run a fresh `needle_train` process with
the plan's defaults. The "autotune on" arm starts the same console script through a two-line wrapper
that turns autotune back on in `_data_options`. From each run's config.json: `timing.after_last_epoch_s`
(fit's return after its last epoch), and training steps per second (epochs × steps per epoch over
`timing.train_s`: the plan sets steps per epoch per run, so epochs alone do not compare); and the wall
time from process start to exit. Results: results/end_stall.{json,md}.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
from _common import save
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
    ap.add_argument('--data', default=str(HERE.parent / 'runs' / 'plan_exp' / 'data' / 'scene'))
    a = ap.parse_args()
    data = Path(a.data)
    if not (data / 'images').is_dir(): sys.exit(f"{data}: no images/ (run one_scene.py first, or pass --data)")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(a.runs):
            for at in (True, False):
                runs.append(one(data, Path(tmp) / f"r{k}_{at}", a.minutes, at)); print(runs[-1], flush=True)
    arm = lambda at: [r for r in runs if r['autotune'] == at]
    rows = [f"| {'on (before)' if at else 'off (now)'} | "
            + ', '.join(f"{r['after_last_epoch_s']:.1f}" for r in arm(at)) + ' | '
            + ', '.join(f"{r['wall_s']:.0f}" for r in arm(at)) + ' | '
            + ', '.join(f"{r['steps_per_s']:.2f}" for r in arm(at)) + ' |' for at in (True, False)]
    table = (f"Budget {a.minutes:g} min ({a.minutes * 60:.0f} s), data {data.name}, runs alternating.\n\n"
             "| tf.data autotune | fit's return after the last epoch (s) | wall, start to exit (s) | "
             "training steps per second |\n"
             "|---|---|---|---|\n" + '\n'.join(rows))
    save('end_stall', dict(minutes=a.minutes, data=str(data), runs=runs), table)

if __name__ == '__main__': main()

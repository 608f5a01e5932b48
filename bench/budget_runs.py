"""Consecutive planned runs of one time budget: does each end on time, and how much of it trains?

    python bench/budget_runs.py [--runs 12] [--minutes 2.5] [--nice 10]

Writes a small synthetic folder once (`needle_synth`: 40 frames of 360x640, seed 3), then starts the same
planned `needle_train --minutes M` on it `--runs` times in a row, each a fresh process under `nice`, and
times each from the start of the process to its exit. Each run's `config.json` says how long its
training loop ran (first epoch's start to the last epoch's end: `timing.train_s`), how long Keras' `fit`
took to return after the last epoch (`timing.after_last_epoch_s`, the end-of-run stall of issue 33) and
how long the final validation took (`timing.final_val_s`); a needle plan then trains the run's tip head
(`timing.tip_head_s`), which counts as training in the table. The machine is shared: the 1-minute load
average is recorded before and after every run. A run is on time when its wall time is within 10% of its
budget. The runs share a step-time cache that starts empty (`XDG_CACHE_HOME` in the temporary folder): the first
run times the plan's networks, as on a fresh machine; the others read the times, as a user's next run does. Results: bench/results/budget_runs.json and .md.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
from _common import save

def one(syn:Path, out:Path, minutes:float, nice:int) -> dict:
    "One planned run, timed from process start to exit; its timings from config.json."
    load0 = os.getloadavg()[0]; t = time.perf_counter()
    r = subprocess.run(['nice', '-n', str(nice), 'needle_train', '--images', str(syn / 'images'),
                        '--masks', str(syn / 'masks'), '--out', str(out), '--minutes', str(minutes),
                        '--force'], capture_output=True, text=True,
                       env=dict(os.environ, XDG_CACHE_HOME=str(out.parent / 'cache')))  # fresh at first
    wall = time.perf_counter() - t
    if r.returncode: raise SystemExit(f"needle_train failed:\n{r.stderr[-2000:]}")
    cfg = json.loads((out / 'config.json').read_text()); tm = cfg.get('timing', {})
    return dict(wall_s=round(wall, 1), budget_s=minutes * 60, time_limit_s=cfg.get('time_limit'),
                epochs=cfg.get('epochs_run'), **{k: round(v, 1) for k, v in tm.items()},
                load_before=round(load0, 2), load_after=round(os.getloadavg()[0], 2))

def table(runs:list, minutes:float) -> str:
    "The markdown table of the runs and one summary line."
    b, nan = minutes * 60, float('nan')
    tr = lambda r: r.get('train_s', 0) + r.get('tip_head_s', 0)      # the U-Net's and the tip head's
    rest = lambda r: r['wall_s'] - tr(r) - r.get('after_last_epoch_s', 0) - r.get('final_val_s', 0)
    rows = [f"| {k} | {r['wall_s']:.0f} | {r['wall_s'] / b:.0%} | {r.get('train_s', nan):.0f} "
            f"| {r.get('tip_head_s', nan):.0f} | {tr(r) / b:.0%} | {r.get('after_last_epoch_s', nan):.1f} "
            f"| {r.get('final_val_s', nan):.1f} | {rest(r):.0f} | {r['load_before']:.1f} / {r['load_after']:.1f} |"
            for k, r in enumerate(runs, 1)]
    ok = sum(abs(r['wall_s'] - b) <= 0.1 * b for r in runs)
    share = sorted(tr(r) / b for r in runs)
    return ("| run | wall s | of budget | U-Net training s | tip head s | training share "
            "| fit return after last epoch s | final validation s | the rest s (start-up, plan, files) "
            "| load avg before / after |\n|---|---|---|---|---|---|---|---|---|---|\n"
            + '\n'.join(rows) + f"\n\n{ok} of {len(runs)} runs ended within 10% of the {b:.0f} s budget; "
            f"training (the U-Net and its tip head) took {share[0]:.0%} to {share[-1]:.0%} of it "
            f"(median {share[len(share) // 2]:.0%}).")

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--runs', type=int, default=12); ap.add_argument('--minutes', type=float, default=2.5)
    ap.add_argument('--nice', type=int, default=10)
    a = ap.parse_args()
    from needle_nbdev.synth import write_synth_dataset
    tmp = Path(tempfile.mkdtemp(prefix='needle_budget_'))
    syn = write_synth_dataset(tmp / 'syn', n=40, seed=3, size=(360, 640), progress=False)
    runs = []
    for k in range(a.runs):
        runs.append(one(syn, tmp / 'run', a.minutes, a.nice)); print(k + 1, runs[-1], flush=True)
        res = dict(minutes=a.minutes, budget_s=a.minutes * 60, nice=a.nice, cores=os.cpu_count(), runs=runs,
                   frames=dict(n=40, size=[360, 640], seed=3))
        save('budget_runs', res, table(runs, a.minutes))              # after every run: a partial file
    res['within_10pct'] = sum(abs(r['wall_s'] - res['budget_s']) <= 0.1 * res['budget_s'] for r in runs)
    save('budget_runs', res, table(runs, a.minutes))

if __name__ == '__main__': main()

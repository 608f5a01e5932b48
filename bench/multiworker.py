"""Multi-worker training on one machine: 1 worker against 2 workers on the same global batch.

    python bench/multiworker.py [--steps 20] [--batch 8] [--size 128] [--rounds 3]

Both runs use the same code path (`needle_train --strategy multiworker`, the custom loop of the
distributed chapter), the same 40 synthetic frames, the same global batch and the same steps per
epoch; the 2 workers are two processes with TF_CONFIG on loopback ports. Each configuration runs for
1 and for 3 epochs, and the time of 2 epochs is the difference, so start-up (imports, building the
model, tracing the step) cancels out. Start-up varies by seconds from one process to the next, so the three
configurations (1 worker; 2 workers; 2 workers with `NEEDLE_SYNC_BN=1`) alternate over `--rounds` rounds and the
medians are reported. Frames/s = steps x global batch / seconds per epoch.
Two workers on one 2-core machine share its cores and add a gradient all-reduce over loopback gRPC
after every step; whether they are faster depends on how well one TensorFlow process uses the cores
for such small steps. The ratio is a property of this set-up, not a prediction for several machines.
Results: bench/results/multiworker.json and .md.
"""
import argparse, json, os, socket, statistics, subprocess, tempfile, time
from pathlib import Path
from _common import save

def _ports(k):
    socks = [socket.socket() for _ in range(k)]
    for s in socks: s.bind(('127.0.0.1', 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks: s.close()
    return ports

def run(args, n:int, nice:int=0, **extra_env) -> float:
    "Wall seconds for `n` workers to finish `needle_train args` (all must exit 0), at `nice`."
    hosts = [f'127.0.0.1:{p}' for p in _ports(n)]
    env = lambda i: dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3', **extra_env, TF_CONFIG=json.dumps(
        dict(cluster=dict(worker=hosts), task=dict(type='worker', index=i))))
    t = time.perf_counter()
    cmd = ['nice', '-n', str(nice), 'needle_train', *args, '--strategy', 'multiworker', '--force']
    ps = [subprocess.Popen(cmd, env=env(i), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
          for i in range(n)]
    errs = [p.communicate(timeout=1800)[1] for p in ps]
    if any(p.returncode for p in ps): raise SystemExit(f"a worker failed:\n{errs[0][-2000:]}")
    return time.perf_counter() - t

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=20); ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--size', type=int, default=128)
    ap.add_argument('--rounds', type=int, default=3, help='rounds of the three configurations, alternating')
    a = ap.parse_args()
    from needle_nbdev.synth import write_synth_dataset
    tmp = Path(tempfile.mkdtemp(prefix='needle_mw_bench_'))
    syn = write_synth_dataset(tmp / 'syn', n=40, seed=5, size=(360, 640), p_empty=0.0, progress=False)
    base = ['--images', str(syn / 'images'), '--masks', str(syn / 'masks'), '--preset', 'fast', '--crop', 'needle',
            '--size', str(a.size), '--batch_size', str(a.batch), '--steps_per_epoch', str(a.steps),
            '--early_stopping', '0', '--reduce_lr', '0', '--out', str(tmp / 'run')]
    base[base.index('needle')] = ','.join(str(round(v / 2)) for v in (50, 100, 200, 300))   # CROP at 360x640
    cfgs = {'1_worker': (1, {}), '2_worker': (2, {}), '2_worker_sync_bn': (2, {'NEEDLE_SYNC_BN': '1'})}
    per = {k: [] for k in cfgs}
    for r in range(a.rounds):                      # alternating: each round sees the machine's state
        for k, (n, extra) in cfgs.items():
            t1, t3 = run([*base, '--epochs', '1'], n, **extra), run([*base, '--epochs', '3'], n, **extra)
            per[k].append(dict(seconds_per_epoch=round((t3 - t1) / 2, 2), wall_1_epoch=round(t1, 1),
                               wall_3_epochs=round(t3, 1)))
            print(k, r, per[k][-1], flush=True)
    med = lambda k: statistics.median(x['seconds_per_epoch'] for x in per[k])
    res = {k: dict(seconds_per_epoch=round(med(k), 2), frames_per_s=round(a.steps * a.batch / med(k), 2),
                   rounds=per[k]) for k in cfgs}
    ratio = lambda k: statistics.median(x['seconds_per_epoch'] / y['seconds_per_epoch']
                                        for x, y in zip(per['1_worker'], per[k]))
    res['ratio_2_to_1'], res['ratio_sync_bn_to_1'] = round(ratio('2_worker'), 3), round(ratio('2_worker_sync_bn'), 3)
    res['setup'] = dict(preset='fast', size=a.size, global_batch=a.batch, steps_per_epoch=a.steps, frames=40,
                        rounds=a.rounds)
    names = {'1_worker': '1', '2_worker': '2 (batch norm pooled each epoch: the default)',
             '2_worker_sync_bn': '2 with `NEEDLE_SYNC_BN=1` (synchronised each step)'}
    table = (f"| workers | s per epoch (median of {a.rounds} rounds) | frames/s |\n|---|---|---|\n" + "\n".join(
        f"| {names[k]} | {res[k]['seconds_per_epoch']:.2f} | {res[k]['frames_per_s']:.1f} |" for k in cfgs)
        + f"\n\n2 workers run at {res['ratio_2_to_1']:.2f}x the frames/s of 1 worker, and at "
        f"{res['ratio_sync_bn_to_1']:.2f}x with `NEEDLE_SYNC_BN=1` (median of the per-round ratios; global batch {a.batch}, "
        f"`fast` preset at {a.size}², {a.steps} steps per epoch).")
    save('multiworker', res, table)

if __name__ == '__main__': main()

"""Held-out IoU of 1 worker against 2 workers, on the same global batch and the same time budget, over seeds.

    python bench/multiworker_iou.py [--minutes 1.5] [--seeds 0,1,2] [--batch 8] [--size 128]

Both configurations run the same code path (`needle_train --strategy multiworker`: the custom loop of the
distributed chapter; with two workers, their batch-norm statistics pooled at each epoch's end, the default) on the same 40
synthetic training frames, with the `fast` preset (batch normalisation throughout), the same global batch
and the same time limit on the training loop (`--minutes`); the two workers are two processes on loopback
ports and share this machine's cores. Each run is then scored on 20 held-out synthetic frames (another
seed of the generator, never seen in training) with `evaluate`, at the frames' own resolution. The
configurations alternate within each seed, so a change in the machine's load falls on both. A short
budget (1.5 minutes of training by default) measures the start of training, not where it converges.
Results: bench/results/multiworker_iou.json and .md.
"""
import argparse, os, statistics, tempfile
from pathlib import Path
from _common import save
from multiworker import run

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--minutes', type=float, default=1.5); ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--batch', type=int, default=8); ap.add_argument('--size', type=int, default=128)
    ap.add_argument('--steps', type=int, default=20)
    a = ap.parse_args(); seeds = [int(s) for s in a.seeds.split(',')]
    from needle_nbdev.synth import write_synth_dataset
    from needle_nbdev.io import pair_files
    from needle_nbdev.runs import load_run, read_config
    from needle_nbdev.predict import evaluate
    tmp = Path(tempfile.mkdtemp(prefix='needle_mw_iou_'))
    syn = write_synth_dataset(tmp / 'syn', n=40, seed=5, size=(360, 640), p_empty=0.0, progress=False)
    test = write_synth_dataset(tmp / 'test', n=20, seed=105, size=(360, 640), p_empty=0.0, progress=False)
    crop = ','.join(str(round(v / 2)) for v in (50, 100, 200, 300))                  # CROP at 360x640
    res = {f'{n}_worker': dict(runs=[]) for n in (1, 2)}
    for s in seeds:
        for n in (1, 2):
            out = tmp / f'run{n}_{s}'
            args = ['--images', str(syn / 'images'), '--masks', str(syn / 'masks'), '--preset', 'fast',
                    '--crop', crop, '--size', str(a.size), '--batch_size', str(a.batch), '--steps_per_epoch',
                    str(a.steps), '--epochs', '100000', '--minutes', str(a.minutes), '--early_stopping', '0',
                    '--reduce_lr', '0', '--seed', str(s), '--out', str(out)]
            wall = run(args, n, nice=10); cfg = read_config(out)
            m = evaluate(load_run(out), pairs=pair_files(test / 'images', test / 'masks'), progress=False)
            res[f'{n}_worker']['runs'].append(dict(seed=s, iou=round(m['iou'], 4), epochs=cfg['epochs_run'],
                                                   steps=cfg['epochs_run'] * a.steps, wall_s=round(wall, 1),
                                                   load=round(os.getloadavg()[0], 2)))
            print(n, res[f'{n}_worker']['runs'][-1], flush=True)
    for v in res.values():
        ious = [r['iou'] for r in v['runs']]
        v.update(iou_mean=round(statistics.mean(ious), 4), iou_sd=round(statistics.stdev(ious), 4) if len(ious) > 1 else 0.0,
                 steps_mean=round(statistics.mean(r['steps'] for r in v['runs']), 1))
    res['setup'] = dict(preset='fast', size=a.size, global_batch=a.batch, steps_per_epoch=a.steps, minutes=a.minutes,
                        seeds=seeds, train_frames=40, test_frames=20, cores=os.cpu_count())
    def row(n):
        v = res[f'{n}_worker']; ious = ' '.join(f"{r['iou']:.3f}" for r in v['runs'])
        return f"| {n} | {ious} | {v['iou_mean']:.3f} ± {v['iou_sd']:.3f} | {v['steps_mean']:.0f} |"
    table = (f"| workers | held-out IoU, seeds {a.seeds} | mean ± sd | steps trained (mean) |\n|---|---|---|---|\n"
             + '\n'.join(row(n) for n in (1, 2))
             + f"\n\nGlobal batch {a.batch}, `fast` preset at {a.size}², {a.minutes:g} min of training per run "
             f"(a short budget), {len(seeds)} seeds; IoU on 20 held-out frames.")
    save('multiworker_iou', res, table)

if __name__ == '__main__': main()

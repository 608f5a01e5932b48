"""Training throughput of the needle U-Net at 256², batch 8, with and without on-the-fly augmentation.

Streams synthetic 720×1280 frames from disk through `make_dataset` (crop, gray, resize to 256²) and times
`model.fit` for a fixed number of steps after a warm-up, for: no augmentation, `Augment.needle()` and
`Augment.isbi()`. Each measurement gets a fresh pipeline; rounds alternate the order of the configurations.

This machine's speed drifts by tens of percent over minutes, so a ratio of two measurements taken minutes apart
means little. The script therefore reports, per configuration, the median over rounds of the ratio to the `none`
measurement of the same round (adjacent in time), next to the best img/s of each configuration.

    python bench/augment_throughput.py [--steps 4] [--warmup 1] [--rounds 6]
"""
import argparse, os, tempfile, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
from _common import save, rounds_table
from needle_nbdev.data import write_synth_dataset, pair_files, make_dataset, CROP
from needle_nbdev.augment import Augment
from needle_nbdev.unet import needle_unet
from needle_nbdev.metrics import iou_loss

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=4); ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--rounds', type=int, default=6); ap.add_argument('--n', type=int, default=48)
    a = ap.parse_args()
    bs, size = 8, (256, 256)
    d = write_synth_dataset(os.path.join(tempfile.mkdtemp(), 'synth'), n=a.n, seed=0, progress=False)
    pairs = pair_files(d / 'images', d / 'masks')
    model = needle_unet((*size, 1)); model.compile('adam', iou_loss)
    cfgs = {'none': None, 'needle': Augment.needle(), 'isbi': Augment.isbi()}
    runs = {k: [] for k in cfgs}
    for r in range(a.rounds):
        for k, aug in (cfgs.items() if r % 2 == 0 else reversed(cfgs.items())):     # alternate the order between rounds
            ds = make_dataset(pairs, size, bs, augment=aug, crop=CROP, repeat=True, seed=1)   # a fresh pipeline per measurement
            model.fit(ds, steps_per_epoch=a.warmup, epochs=1, verbose=0)
            t = time.perf_counter(); model.fit(ds, steps_per_epoch=a.steps, epochs=1, verbose=0); dt = time.perf_counter() - t
            runs[k].append(a.steps * bs / dt)
            print(f"round {r + 1}, {k:>6}: {runs[k][-1]:.2f} img/s", flush=True)
    save('augment_throughput', *rounds_table(runs, 'none', 'augmentation'))

if __name__ == '__main__': main()

"""Can the `fast` preset's streaming training keep up with in-memory arrays at 256²? Two remedies, measured.

Suite part 1 found the `fast` preset at 256² streaming with `Augment.needle()` at about 0.7× the in-memory
style (preloaded arrays, no augmentation): its training step is short, so decoding, cropping and resizing a
720×1280 frame on the input pipeline's one thread shows. This script measures, for the `fast` preset at 256²,
batch 8, in alternating rounds (this machine's speed drifts by tens of percent over minutes):

- in memory: preloaded arrays, no augmentation, `model.fit` on arrays (the original notebooks' style);
- streaming: `make_dataset(..., augment=Augment.needle())` with its default thread budget;
- streaming with `threads=2`: the pipeline may use both cores;
- streaming with `cache=True`: decoded, resized frames stay in memory, augmentation stays on the fly.

It reports the best and median img/s and the median over rounds of the ratio to the in-memory measurement of
the same round.

    python bench/fast_streaming.py [--steps 8] [--rounds 5]
"""
import argparse, os, tempfile, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np
from _common import save, rounds_table
from needle_nbdev.data import write_synth_dataset, pair_files, make_dataset, load_pair, CROP
from needle_nbdev.augment import Augment
from needle_nbdev.unet import fast_unet
from needle_nbdev.metrics import iou_loss

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=8); ap.add_argument('--rounds', type=int, default=5)
    a = ap.parse_args(); bs, S, n = 8, (256, 256), 48
    d = write_synth_dataset(os.path.join(tempfile.mkdtemp(), 's'), n=n, seed=0, progress=False)
    pairs = pair_files(d / 'images', d / 'masks')
    m = fast_unet((*S, 1)); m.compile('adam', iou_loss)
    xy = [load_pair(*p, CROP, S) for p in pairs]
    x = np.stack([u for u, _ in xy]).astype('float32'); y = np.stack([v for _, v in xy])[..., None].astype('float32')
    k = min(n, a.steps * bs) // bs * bs                                    # whole batches only: no retracing
    cfgs = {'in memory': None, 'streaming': {}, 'streaming threads=2': dict(threads=2), 'streaming cache=True': dict(cache=True)}
    runs = {c: [] for c in cfgs}
    for r in range(a.rounds):
        for c, kw in (cfgs.items() if r % 2 == 0 else reversed(cfgs.items())):   # alternate the order between rounds
            if kw is None:
                m.fit(x[:bs], y[:bs], batch_size=bs, epochs=1, verbose=0)
                t = time.perf_counter(); m.fit(x[:k], y[:k], batch_size=bs, epochs=1, verbose=0); runs[c].append(k / (time.perf_counter() - t))
            else:
                ds = make_dataset(pairs, S, bs, augment=Augment.needle(), crop=CROP, repeat=True, seed=r, **kw)
                m.fit(ds, steps_per_epoch=n // bs if kw.get('cache') else 1, epochs=1, verbose=0)   # the cache fills in its first pass
                t = time.perf_counter(); m.fit(ds, steps_per_epoch=a.steps, epochs=1, verbose=0); runs[c].append(a.steps * bs / (time.perf_counter() - t))
            print(f"round {r + 1}, {c:>21}: {runs[c][-1]:.2f} img/s", flush=True)
    save('fast_streaming', *rounds_table(runs, 'in memory', '`fast` preset, 256², batch 8', 'in-memory'))

if __name__ == '__main__': main()

"""Streaming vs in-memory training of the needle U-Net at 256², batch 8, and the effect of tf.data's thread budget.

Measures `model.fit` img/s from preloaded arrays (the notebooks' style), the input pipeline alone, and streaming with
tf.data's default thread pool (`threads=0`) and with `make_dataset`'s default budget (half the cores without a GPU).

    python bench/streaming_threads.py [--steps 6]
"""
import argparse, os, tempfile, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np
from _common import save
from needle_nbdev.data import write_synth_dataset, pair_files, make_dataset, load_pair, CROP
from needle_nbdev.unet import needle_unet
from needle_nbdev.metrics import iou_loss

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0]); ap.add_argument('--steps', type=int, default=6)
    a = ap.parse_args(); bs, S = 8, (256, 256)
    d = write_synth_dataset(os.path.join(tempfile.mkdtemp(), 's'), n=48, seed=0, progress=False)
    pairs = pair_files(d / 'images', d / 'masks')
    m = needle_unet((*S, 1)); m.compile('adam', iou_loss)
    xy = [load_pair(*p, CROP, S) for p in pairs]
    x = np.stack([u for u, _ in xy]); y = np.stack([v for _, v in xy])[..., None].astype('float32')
    m.fit(x[:16], y[:16], batch_size=bs, epochs=1, verbose=0)
    t = time.perf_counter(); m.fit(x, y, batch_size=bs, epochs=1, verbose=0); mem = len(x) / (time.perf_counter() - t)
    res = dict(in_memory=mem)
    ds = make_dataset(pairs, S, bs, crop=CROP, repeat=True, threads=0)
    t = time.perf_counter(); n = sum(bs for _ in ds.take(6)); res['pipeline_only_default_threads'] = n / (time.perf_counter() - t)
    for name, th in [('streaming_default_threads', 0), ('streaming_thread_budget', None)]:
        ds = make_dataset(pairs, S, bs, crop=CROP, repeat=True, threads=th)
        m.fit(ds, steps_per_epoch=2, epochs=1, verbose=0)
        t = time.perf_counter(); m.fit(ds, steps_per_epoch=a.steps, epochs=1, verbose=0); res[name] = a.steps * bs / (time.perf_counter() - t)
        print(name, round(res[name], 2), flush=True)
    res = {k: round(v, 2) for k, v in res.items()}
    rows = '\n'.join(f"| {k.replace('_', ' ')} | {v:.2f} |" for k, v in res.items())
    save('streaming_threads', res, "| needle U-Net 256², batch 8 | img/s |\n|---|---|\n" + rows)

if __name__ == '__main__': main()

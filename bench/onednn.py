"""Training and inference speed with TensorFlow's oneDNN kernels off and on, in alternating rounds.

TensorFlow turns its oneDNN (Intel MKL-DNN) CPU kernels on by default only on CPUs with AVX-512 VNNI/BF16 or AMX;
importing `needle_nbdev` turns them on everywhere (`TF_ENABLE_ONEDNN_OPTS=1`, unless you set it yourself). The flag is
read once, when TensorFlow is imported, so every measurement runs in a fresh process.

    python bench/onednn.py [--rounds 2] [--steps 4]

The ISBI U-Net is predicted at 256², not 512²: at 512² a single oneDNN forward pass did not finish within 5 minutes
on the 2-core AVX2 reference machine (Eigen: about 4 s). There oneDNN runs NHWC convolutions as im2col + GEMM
(`ONEDNN_VERBOSE=1` shows `x64:gemm:jit`), which is slow for wide layers at high resolution.
"""
import argparse, json, os, subprocess, sys, statistics
from _common import save

CASES = [('train', 'needle', 8, (256, 256)), ('train', 'needle', 4, (512, 512)), ('train', 'fast', 16, (128, 192)),
         ('train', 'isbi', 2, (256, 256)), ('predict', 'needle', 4, (512, 512)), ('predict', 'fast', 1, (256, 256)),
         ('predict', 'isbi', 1, (256, 256))]

def _worker(steps:int):
    "Run every case in this process and print one JSON line of img/s."
    import time, numpy as np, keras
    from needle_nbdev.unet import PRESETS
    from needle_nbdev.metrics import iou_loss
    from needle_nbdev.runs import _onednn
    rng, out = np.random.default_rng(0), {}
    for kind, preset, b, (h, w) in CASES:
        x = rng.random((b, h, w, 1), np.float32); y = (rng.random((b, h, w, 1)) > 0.9).astype(np.float32)
        m = PRESETS[preset]((h, w, 1))
        if kind == 'train': m.compile(keras.optimizers.Adam(1e-4), iou_loss); f = lambda: m.train_on_batch(x, y)
        else: f = lambda: m.predict_on_batch(x)
        for _ in range(2): f()                                     # build and warm up
        t = time.perf_counter()
        for _ in range(steps): f()
        out[f'{kind} {preset} {h}x{w} b{b}'] = b * steps / (time.perf_counter() - t)
    print(json.dumps(dict(onednn=_onednn(), speeds=out)))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rounds', type=int, default=2); ap.add_argument('--steps', type=int, default=4); ap.add_argument('--worker', action='store_true')
    a = ap.parse_args()
    if a.worker: return _worker(a.steps)
    runs = {'0': [], '1': []}
    for r in range(a.rounds):
        for flag in '01':
            env = {**os.environ, 'TF_ENABLE_ONEDNN_OPTS': flag, 'TF_CPP_MIN_LOG_LEVEL': '3'}
            p = subprocess.run([sys.executable, __file__, '--worker', '--steps', str(a.steps)], env=env, capture_output=True, text=True, check=True)
            res = json.loads(p.stdout.strip().splitlines()[-1])
            if res['onednn'] != (flag == '1'): raise RuntimeError(f"TF_ENABLE_ONEDNN_OPTS={flag} but TensorFlow reports oneDNN {res['onednn']}")
            runs[flag].append(res['speeds']); print(f"round {r + 1}, oneDNN {'on' if flag == '1' else 'off'}:", res['speeds'], flush=True)
    res = {}
    for k in runs['0'][0]:
        off, on = [s[k] for s in runs['0']], [s[k] for s in runs['1']]
        res[k] = dict(off=round(statistics.median(off), 2), on=round(statistics.median(on), 2),
                      ratio=round(statistics.median(b / a_ for a_, b in zip(off, on)), 2))
    rows = '\n'.join(f"| {k} | {v['off']:.2f} | {v['on']:.2f} | {v['ratio']:.2f}× |" for k, v in res.items())
    save('onednn', res, "| case (batch of random inputs) | oneDNN off, img/s | oneDNN on, img/s | on / off (median of paired rounds) |\n|---|---|---|---|\n" + rows)

if __name__ == '__main__': main()

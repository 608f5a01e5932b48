"""The benchmark suite: this project's way of working against the original notebooks' way, in the same run.

    python bench/run_all.py [--parts 1,2,3,4,5] [--sizes 256,512] [--presets needle,isbi,fast] [--rounds 3]

1. training throughput (img/s) per preset: streaming from disk with on-the-fly augmentation vs everything
   preloaded in memory and `model.fit` on arrays (the notebooks' style); same model, same batch, in alternating
   rounds in one process (the ratio of the best measurements and the median per-round ratio: this machine
   runs in spells of different speed);
2. inference throughput at 512² (img/s, MP/s) and achieved FLOP/s against this machine's float32 matmul rate;
3. overlap-tile prediction of a 4096×4096 image vs a naive loop predicting one tile at a time: speed and peak RSS;
4. accuracy vs speed of the `fast` preset against `needle_unet` on the same held-out synthetic frames
   (uses the runs written by the training chapter and by `needle_demo`);
5. peak RSS of a training epoch streaming 200 vs 2,000 frames at 256².
Each part writes bench/results/suite_<part>.json and .md (so rerunning one part keeps the others); every measurement runs in its own process.
"""
import argparse, json, os, subprocess, sys, tempfile, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
from pathlib import Path
from _common import save, RESULTS
HERE = Path(__file__).resolve().parent

def _child(code:str, env:dict|None=None) -> dict:
    "Run code in a fresh Python (with extra environment variables env); it prints one JSON line last; add its peak RSS (MB)."
    wrapped = "import needle_nbdev  # first: it turns on oneDNN before TensorFlow loads\n" + code + "\nimport resource, json as _j; print(_j.dumps({**RESULT, 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"
    r = subprocess.run([sys.executable, '-c', wrapped], capture_output=True, text=True, cwd=HERE, env={**os.environ, **(env or {})})
    if r.returncode: raise RuntimeError(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])

def part1(sizes, presets=('needle', 'isbi', 'fast'), rounds=3):
    "Streaming + augmentation vs in-memory arrays, per preset and size, in alternating rounds; isbi runs with oneDNN off (see onednn_note) and batch 4 at 512²."
    out = {}
    for size in sizes:
        for preset in presets:
            isbi = preset == 'isbi'
            bs = 4 if isbi and size >= 512 else 8
            steps = 2 if isbi else 6 if preset == 'fast' else 4         # images per measurement: steps * batch (at most the 48 frames)
            code = f"""
import os, time, tempfile, numpy as np
from statistics import median
from needle_nbdev.runs import _onednn
from needle_nbdev.data import write_synth_dataset, pair_files, make_dataset, load_pair, CROP
from needle_nbdev.augment import Augment
from needle_nbdev.unet import PRESETS
from needle_nbdev.metrics import iou_loss
S, bs, steps, rounds = {size}, {bs}, {steps}, {rounds if preset != 'fast' else rounds + 2}; k = steps * bs
d = write_synth_dataset(os.path.join(tempfile.mkdtemp(), 's'), n=48, seed=0, progress=False)
pairs = pair_files(d/'images', d/'masks')
m = PRESETS['{preset}']((S, S, 1)); m.compile('adam', iou_loss)
ds = make_dataset(pairs, (S, S), bs, augment=Augment.needle(), crop=CROP, repeat=True)
xy = [load_pair(*p, CROP, (S, S)) for p in pairs]                       # the notebooks' style: everything in memory
x = np.stack([a for a, _ in xy]).astype('float32'); y = np.stack([b for _, b in xy])[..., None].astype('float32')
m.fit(ds, steps_per_epoch=1, epochs=1, verbose=0); m.fit(x[:bs], y[:bs], batch_size=bs, epochs=1, verbose=0)   # warm up both
def stream():
    t = time.perf_counter(); m.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0); return k / (time.perf_counter() - t)
def mem():
    t = time.perf_counter(); m.fit(x[:k], y[:k], batch_size=bs, epochs=1, verbose=0); return k / (time.perf_counter() - t)
st, me = [], []
for r in range(rounds):                                                # adjacent pairs, alternating order: this machine drifts
    if r % 2: me.append(mem()); st.append(stream())
    else: st.append(stream()); me.append(mem())
RESULT = dict(batch=bs, onednn=_onednn(), rounds=rounds, streaming_img_s=round(median(st), 3), in_memory_img_s=round(median(me), 3),
              ratio=round(median([a / b for a, b in zip(st, me)]), 3), streaming_runs=[round(v, 3) for v in st], in_memory_runs=[round(v, 3) for v in me])
"""
            out[f'{preset}@{size}'] = r = _child(code, {'TF_ENABLE_ONEDNN_OPTS': '0'} if isbi else None); print('part 1', preset, size, r, flush=True)
    return out

def part2(size=512, batches=4, bs=4):
    "Inference throughput and achieved FLOP/s vs measured float32 matmul rate."
    code = f"""
import time, numpy as np, tensorflow as tf
from needle_nbdev.unet import needle_unet, unet_flops
a = tf.random.normal((2048, 2048)); b = tf.random.normal((2048, 2048)); tf.matmul(a, b)
best = 0
for _ in range(5):
    t = time.perf_counter(); c = tf.matmul(a, b); _ = c.numpy(); best = max(best, 2 * 2048**3 / (time.perf_counter() - t))
m = needle_unet(({size}, {size}, 1)); x = np.random.rand({bs}, {size}, {size}, 1).astype('float32')
f = tf.function(lambda v: m(v, training=False)); f(x)
t = time.perf_counter()
for _ in range({batches}): f(x).numpy()
ips = {batches * bs} / (time.perf_counter() - t)
RESULT = dict(img_s=round(ips, 3), mpix_s=round(ips * {size}**2 / 1e6, 3), gflop_s=round(ips * unet_flops(m) / 1e9, 1),
              matmul_gflop_s=round(best / 1e9, 1), fraction_of_matmul=round(ips * unet_flops(m) / best, 3))
"""
    r = _child(code); print('part 2', r, flush=True); return r

def part3(n=4096, tile=512):
    "Overlap-tile (batched, blended) vs a naive one-tile-at-a-time loop, each in its own process."
    common = f"""
import time, numpy as np
from needle_nbdev.unet import fast_unet
m = fast_unet(({tile}, {tile}, 1)); img = np.random.default_rng(0).random(({n}, {n})).astype('float32')
"""
    tiled = common + f"""
from needle_nbdev.predict import predict_tiled
predict_tiled(m, img[:{tile}, :{tile}])
t = time.perf_counter(); out = predict_tiled(m, img, tile={tile}, overlap=64); dt = time.perf_counter() - t   # default batch of tiles
RESULT = dict(seconds=round(dt, 2), shape=list(out.shape))
"""
    naive = common + f"""
out = np.zeros_like(img); m.predict(img[None, :{tile}, :{tile}, None], verbose=0)
t = time.perf_counter()
for y in range(0, {n}, {tile}):
    for x in range(0, {n}, {tile}): out[y:y + {tile}, x:x + {tile}] = m.predict(img[None, y:y + {tile}, x:x + {tile}, None], verbose=0)[0, ..., 0]
RESULT = dict(seconds=round(time.perf_counter() - t, 2), shape=list(out.shape))
"""
    a, b = _child(tiled), _child(naive)
    r = dict(overlap_tile=a, naive_loop=b, speed_ratio=round(b['seconds'] / a['seconds'], 3)); print('part 3', r, flush=True); return r

def part4():
    "fast vs needle preset: accuracy on the same held-out frames, and frames/s at 256²."
    runs = HERE.parent / 'runs'
    code = f"""
import os, time, numpy as np, tensorflow as tf
from needle_nbdev.predict import evaluate
from needle_nbdev.runs import load_run
from needle_nbdev.unet import fast_unet, needle_unet
res = {{}}
for name, run in [('needle', {str(runs / 'needle_synth60')!r}), ('fast', {str(runs / 'needle_demo_out' / 'run')!r})]:
    ev = evaluate(run, {str(runs / 'synth_test30' / 'images')!r}, {str(runs / 'synth_test30' / 'masks')!r}, {str(runs / 'synth_test30' / 'poses.csv')!r}, progress=False)
    res[name] = dict(run=os.path.relpath(run, {str(HERE.parent)!r}), iou=round(ev['iou'], 4), tip_error_median=ev['tip_error_median'], input=list(load_run(run)[1]['size']))
for name, mk in [('needle', needle_unet), ('fast', fast_unet)]:
    m = mk((256, 256, 1)); x = np.random.rand(1, 256, 256, 1).astype('float32')
    f = tf.function(lambda v: m(v, training=False)); f(x)                  # one frame per call, as in real-time use
    t = time.perf_counter()
    for _ in range(20): f(x).numpy()
    res[name]['frames_s_256'] = round(20 / (time.perf_counter() - t), 2)
RESULT = res
"""
    r = _child(code); print('part 4', r, flush=True); return r

def part5(ns=(200, 2000)):
    "Peak RSS of one streaming training epoch over n synthetic 256² frames (fast preset)."
    out = {}
    for n in ns:
        code = f"""
import os, tempfile
from needle_nbdev.data import write_synth_dataset, pair_files, make_dataset
from needle_nbdev.unet import fast_unet
from needle_nbdev.metrics import iou_loss
d = write_synth_dataset(os.path.join(tempfile.mkdtemp(), 's'), n={n}, seed=0, size=(256, 256), progress=False, p_empty=0.1)
pairs = pair_files(d/'images', d/'masks')
m = fast_unet((256, 256, 1)); m.compile('adam', iou_loss)
m.fit(make_dataset(pairs, (256, 256), 8), epochs=1, verbose=0)
RESULT = dict(frames={n})
"""
        out[n] = r = _child(code); print('part 5', n, r, flush=True)
    return out

def _table1(r):
    "Part 1: best of the rounds per side (the machine's slow spells only ever lower a measurement), their ratio, and the median per-round ratio."
    best = lambda v, k: max(v[f'{k}_runs'])
    return "\n".join(["### 1. Training throughput (img/s): streaming + `Augment.needle()` vs in-memory arrays, same model and batch, alternating rounds", "",
        "| preset@size | batch | oneDNN | rounds | streaming, best | in memory, best | ratio of bests | median ratio within a round |", "|---|---|---|---|---|---|---|---|"] +
        [f"| {k} | {v['batch']} | {'on' if v['onednn'] else 'off'} | {v['rounds']} | {best(v, 'streaming'):.3g} | {best(v, 'in_memory'):.3g} | "
         f"{best(v, 'streaming') / best(v, 'in_memory'):.2f} | {v['ratio']:.2f} |" for k, v in r.items()])

def _table2(r):
    return "\n".join(["### 2. Inference, needle U-Net at 512², batch 4", "", "| img/s | MP/s | GFLOP/s | matmul GFLOP/s | fraction |", "|---|---|---|---|---|",
        f"| {r['img_s']:.2f} | {r['mpix_s']:.2f} | {r['gflop_s']} | {r['matmul_gflop_s']} | {r['fraction_of_matmul']:.2f} |"])

def _table3(r):
    return "\n".join(["### 3. 4096×4096 image, fast preset, 512² tiles", "", "| method | seconds | peak RSS (MB) |", "|---|---|---|",
        f"| overlap-tile (overlap 64, batch 4, blended) | {r['overlap_tile']['seconds']} | {r['overlap_tile']['peak_rss_mb']:.0f} |",
        f"| naive loop, one tile per call, no overlap | {r['naive_loop']['seconds']} | {r['naive_loop']['peak_rss_mb']:.0f} |", "",
        f"Speed ratio (naive / overlap-tile): {r['speed_ratio']:.2f}"])

def _table4(r):
    return "\n".join(["### 4. `fast` vs `needle_unet` on 30 held-out synthetic frames (720×1280)", "",
        "| preset | run | trained input | IoU | median tip error (px) | frames/s at 256² |", "|---|---|---|---|---|---|"] +
        [f"| {k} | {v['run']} | {'x'.join(map(str, v['input']))} | {v['iou']:.3f} | {v['tip_error_median']:.1f} | {v['frames_s_256']:.1f} |" for k, v in r.items() if isinstance(v, dict)])

def _table5(r):
    return "\n".join(["### 5. Peak RSS of one streaming training epoch (fast preset, 256² frames)", "", "| frames | peak RSS (MB) |", "|---|---|"] +
        [f"| {k} | {v['peak_rss_mb']:.0f} |" for k, v in r.items()])

PARTS = {1: ('suite_1_training', lambda a: part1([int(s) for s in a.sizes.split(',')], a.presets.split(','), a.rounds), _table1),
         2: ('suite_2_inference', lambda a: part2(), _table2), 3: ('suite_3_overlap_tile', lambda a: part3(), _table3),
         4: ('suite_4_fast_vs_needle', lambda a: part4(), _table4), 5: ('suite_5_rss', lambda a: part5(), _table5)}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--parts', default='1,2,3,4,5'); ap.add_argument('--rounds', type=int, default=3, help='part 1: alternating rounds (fast: 2 more)'); ap.add_argument('--sizes', default='256,512')
    ap.add_argument('--presets', default='needle,isbi,fast', help='part 1 presets; isbi is by far the slowest (436.8 GFLOP per forward pass at 512²)')
    ap.add_argument('--render', action='store_true', help="measure nothing: rewrite the parts' markdown tables from their saved JSON (command, machine and date kept)")
    a = ap.parse_args()
    for p in [int(p) for p in a.parts.split(',')]:
        name, run, table = PARTS[p]
        if a.render:
            f = RESULTS / f'{name}.json'
            if not f.exists(): raise SystemExit(f"run_all: {f} does not exist: run --parts {p} first")
            d = json.loads(f.read_text()); save(name, d['results'], table(d['results']), meta=d)
        else: r = run(a); save(name, r, table(r))

if __name__ == '__main__': main()

"""Every inference runtime side by side on one machine, in one run: Keras, ONNX Runtime, LiteRT (and
OpenVINO where installed), float32 and int8, on the same frames.

    python bench/runtimes.py --model RUN [--n 20] [--rounds 1]

For each runtime (`needle_nbdev.export.open_model`'s models; int8 calibrated on 16 frames of 16 other
synthetic scenes, seed 301: one insertion's frames span too narrow a range of intensities, and int8
calibrated on them lost the needle on frames of another insertion):
- parity against the Keras model on the first 32 frames of the insertion (`export.parity`: max |Δp|,
  mean mask IoU, the median tip error against the insertion's true tips beside the Keras model's, and
  the largest tip move in frame pixels);
- inference alone: seconds per call on a batch of 8 network inputs (`export.time_model`, median of 5),
  as frames/s and as GFLOP/s from the model's convolution FLOPs (`unet.unet_flops`), against the
  machine's float32 matmul rate measured in the same run (numpy, 2048×2048, best of 5): the compute
  bound this CPU offers;
- end to end at 1280×720: `predict_folder(..., localize=True, track=True)` on an MP4 of one synthetic
  insertion (seed 300, as bench/realtime.py), rate 4N / (t(5N) - t(N)) frames/s, beside `before`
  (bench/realtime.py's `predict_folder` of commit 6d9e91f, the frame loop the issue measured).
Every path runs once on the first N frames before it is timed (tracing, thread pools, caches), so
that start-up does not leak into the difference on a machine whose speed varies.
The load average before and after is recorded: on a shared machine the figures are lower bounds.
Results: bench/results/runtimes.json and .md.
"""
import argparse, os, shutil, statistics, tempfile, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
from pathlib import Path
import numpy as np
from _common import save
from realtime import inputs, before_rate

def matmul_gflops(n:int=2048, reps:int=5) -> float:
    "The machine's float32 matmul rate (numpy), best of `reps`, in GFLOP/s."
    a, b = (np.random.default_rng(k).random((n, n), np.float32) for k in (0, 1))
    a @ b; ts = []
    for _ in range(reps): t = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t)
    return 2 * n ** 3 / min(ts) / 1e9

def models(run, tmp:Path, calib:list) -> dict:
    "{(runtime, precision): (model, config)} of every runtime installed here."
    from needle_nbdev import export as E
    from needle_nbdev.runs import load_run
    keras_model, cfg = load_run(run); size = cfg['size']
    E.to_onnx(keras_model, tmp / 'm.onnx'); shutil.copy(tmp / 'm.onnx', tmp / 'q.onnx')
    E.quantize_onnx(tmp / 'q.onnx', calib)
    ms = {('keras', 'fp32'): keras_model, ('onnx', 'fp32'): E.onnx_runtime(tmp / 'm.onnx'),
          ('onnx', 'int8'): E.onnx_runtime(tmp / 'q.onnx'),
          ('litert', 'fp32'): E.litert_runtime(E.to_tflite(keras_model, size=size)),
          ('litert', 'int8'): E.litert_runtime(E.to_tflite(keras_model, calib=calib, size=size))}
    if E.runtime_available('openvino'):
        ms[('openvino', 'fp32')] = E.openvino_runtime(tmp / 'm.onnx')
        ms[('openvino', 'int8')] = E.openvino_runtime(tmp / 'q.onnx')
    return {k: (m, cfg) for k, m in ms.items()}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', required=True); ap.add_argument('--n', type=int, default=20)
    ap.add_argument('--rounds', type=int, default=1)
    a = ap.parse_args()
    import needle_nbdev  # noqa: F401  (turns on oneDNN before TensorFlow loads)
    from needle_nbdev import export as E
    from needle_nbdev.predict import predict_folder
    from needle_nbdev.synth import write_synth_dataset
    from needle_nbdev.unet import unet_flops
    load0 = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix='needle_runtimes_'))
    ins = inputs(tmp, a.n)
    cal = write_synth_dataset(tmp / 'calib', n=16, seed=301, progress=False)   # 16 scenes, not one
    mcs = models(a.model, tmp, E.calib_inputs(cal / 'images', E.load_run(a.model)[1]))
    ref, cfg = mcs[('keras', 'fp32')]
    flops = unet_flops(E.fixed_input(ref, cfg['size']))
    frames = E.parity_frames(tmp / 'seq' / 'images', 32)     # the frames of ins, with poses.csv
    gf = matmul_gflops()
    rows = {}
    for k, mc in mcs.items():
        p = E.parity(mcs[('keras', 'fp32')], mc, frames)
        t = E.time_model(mc[0], cfg, batch=8, reps=5)
        rows[k] = dict(max_abs_dp=p['max_abs_dp'], mean_iou=p['mean_iou'],
                       tip_err_max_px=p['tip_err_max_px'], tip_err_median_px=p['tip_err_median_px'],
                       tip_truth_px=p['tip_truth_px'], tip_truth_ref_px=p['tip_truth_ref_px'],
                       infer_frames_per_s=8 / t,
                       gflops_per_s=flops * 8 / t / 1e9, e2e=[])
        print(f"{k}: parity {p['max_abs_dp']:.2g}, IoU {p['mean_iou']:.4f}, inference "
              f"{8 / t:.1f} frames/s", flush=True)
    before = []
    for r in range(a.rounds):
        before.append(before_rate(a.model, ins, a.n, tmp))
        print(f"round {r}: before {before[-1]:.1f} frames/s", flush=True)
        for k, mc in mcs.items():
            t = {}
            for n in ('warm', a.n, 5 * a.n):          # warm: tracing, threads, caches
                k_ = a.n if n == 'warm' else n
                o = tmp / f'out_{n}'; shutil.rmtree(o, ignore_errors=True)
                t0 = time.perf_counter()
                predict_folder(mc, ins[k_][1], o, localize=True, track=True, progress=False)
                t[n] = time.perf_counter() - t0
            rows[k]['e2e'].append(4 * a.n / (t[5 * a.n] - t[a.n]))
            print(f"round {r}: {k} end to end {rows[k]['e2e'][-1]:.1f} frames/s", flush=True)
    b = statistics.median(before)
    for v in rows.values():
        v['e2e_frames_per_s'] = statistics.median(v.pop('e2e'))
        v['e2e_vs_before'] = v['e2e_frames_per_s'] / b
        v['share_of_matmul'] = v['gflops_per_s'] / gf
    res = dict(runtimes={f'{r} {q}': {k: float(f'{x:.4g}') for k, x in v.items()}
                         for (r, q), v in rows.items()},
               before_frames_per_s=round(b, 2), before_rounds=[round(x, 2) for x in before],
               matmul_gflops_per_s=round(gf, 1), model_gflop_per_frame=round(flops / 1e9, 3),
               load_average_before=[round(x, 2) for x in load0],
               load_average_after=[round(x, 2) for x in os.getloadavg()],
               setup=dict(frame=[720, 1280], n=a.n, rounds=a.rounds, model=str(a.model),
                          input_size=cfg['size'], preset=cfg.get('preset'), cpus=os.cpu_count(),
                          versions=E._versions()))
    table = ("| runtime | max \\|Δp\\| | mask IoU | tip error (px) | tip moves: median, max (px) "
             "| inference frames/s | GFLOP/s | of matmul | end to end frames/s | × before |\n"
             "|---|---|---|---|---|---|---|---|---|---|\n"
             + "\n".join(f"| {k} | {v['max_abs_dp']:.2g} | {v['mean_iou']:.4f} | "
                         f"{v['tip_truth_px']:.2f} | {v['tip_err_median_px']:.2f}, "
                         f"{v['tip_err_max_px']:.2f} | {v['infer_frames_per_s']:.1f} | "
                         f"{v['gflops_per_s']:.1f} | {v['share_of_matmul']:.0%} | "
                         f"{v['e2e_frames_per_s']:.1f} | {v['e2e_vs_before']:.2f} |"
                         for k, v in res['runtimes'].items())
             + f"\n\nTip error: the median distance from the located tip to the true one, on the"
             f" insertion's first 32 frames. `before` (commit 6d9e91f's frame loop): {b:.1f} frames/s. Matmul: {gf:.0f} GFLOP/s;"
             f" the model: {flops / 1e9:.2f} GFLOP a frame at {cfg['size'][1]}×{cfg['size'][0]}. "
             f"Load average (1, 5, 15 min) before: {', '.join(map(str, res['load_average_before']))};"
             f" after: {', '.join(map(str, res['load_average_after']))}.")
    save('runtimes', res, table)
    shutil.rmtree(tmp, ignore_errors=True)

if __name__ == '__main__': main()

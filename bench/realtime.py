"""End-to-end speed of needle prediction on 1280×720 frames: decode, crop and resize, predict,
localize, track, write the masks and poses.csv.

    python bench/realtime.py --model RUN [--n 40] [--rounds 3]

Input: one synthetic insertion (`write_synth_dataset(..., sequence=True)`, seed 300) of 5N frames
of 1280×720, as a folder of PNGs and as an MP4 video (OpenCV's mp4v codec). Three paths, in the same
process (or a child process), alternating in rounds (this machine runs in spells of different speed):
- `before`: `predict_folder(..., localize=True)` of the package before streaming (git commit
  6d9e91f, extracted with `git archive` and run in a child process): the frame-by-frame loop the
  issue measured;
- `frame_loop`: the same frame-by-frame loop (decode, `predict` one frame per model call, `locate`,
  write the mask; poses.csv at the end; no tracking), written out here on today's library functions,
  which are faster than before (cropping before the float conversion, a faster `locate`);
- `stream_png`: `predict_folder(..., localize=True, track=True)` on the PNG folder;
- `stream_video`: the same on the MP4 video;
- `stream_video_head`: the same with the shipped tip head (`tip_head='synth'`), as the chapter
  recommends.
Each path runs on the first N frames and on all 5N; its rate is 4N / (t(5N) - t(N)) frames/s, so
start-up (loading the model, tracing, starting threads) cancels out. Results:
bench/results/realtime.json and .md.
"""
import argparse, os, shutil, statistics, tempfile, time
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
from pathlib import Path
from _common import save

def frame_loop(mc, files, out:Path):
    "The frame-by-frame loop of predict_folder before streaming (masks and poses.csv)."
    from needle_nbdev.io import read_image, write_poses
    from needle_nbdev.predict import predict, save_masks
    from needle_nbdev.localize import locate
    (out / 'masks').mkdir(parents=True); poses = []
    for f in files:
        raw = read_image(f, gray=None)
        prob, m = predict(mc, [(f.name, raw)])[0]
        save_masks([m], out / 'masks', [f.name])
        poses.append((f.name, locate(prob, mc[1])))
    write_poses(out / 'poses.csv', poses)

BEFORE = '6d9e91f'

def before_rate(model, ins:dict, n:int, tmp:Path) -> float:
    """Frames/s of `predict_folder` at commit BEFORE, in a child process, after one warm-up call on the
    first n frames (model loading and tracing stay out of the difference): 4n / (t(5n) - t(n))."""
    import json, subprocess, sys
    src = tmp / 'before'
    if not src.exists():
        src.mkdir(); repo = Path(__file__).resolve().parent.parent
        subprocess.run(f"git -C {repo} archive {BEFORE} needle_nbdev | tar -x -C {src}", shell=True,
                       check=True)
    code = f"""import sys, time, json, shutil
sys.path.insert(0, {str(src)!r})
import needle_nbdev
assert needle_nbdev.__file__.startswith({str(src)!r}), needle_nbdev.__file__
from needle_nbdev.predict import predict_folder
t = {{}}
for k, d in [('warm', {str(ins[n][0])!r}), ({n}, {str(ins[n][0])!r}), ({5 * n}, {str(ins[5 * n][0])!r})]:
    o = {str(tmp)!r} + f'/before_out_{{k}}'; shutil.rmtree(o, ignore_errors=True)
    t0 = time.perf_counter(); predict_folder({str(model)!r}, d, o, localize=True, progress=False)
    t[k] = time.perf_counter() - t0
print(json.dumps(t))"""
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    if r.returncode: raise SystemExit(r.stderr[-2000:])
    t = json.loads(r.stdout.strip().splitlines()[-1])
    return 4 * n / (t[str(5 * n)] - t[str(n)])

def inputs(tmp:Path, n:int) -> dict:
    "{n: (png folder, mp4)} for the first n and all 5n frames of one synthetic insertion."
    import cv2
    from needle_nbdev.synth import write_synth_dataset
    from needle_nbdev.io import list_images, read_raw
    from needle_nbdev.video import video_writer
    seq = write_synth_dataset(tmp / 'seq', n=5 * n, seed=300, sequence=True, progress=False)
    files, res = list_images(seq / 'images'), {}
    for k in (n, 5 * n):
        d = tmp / f'png{k}'; d.mkdir()
        for f in files[:k]: os.link(f, d / f.name)
        with video_writer(tmp / f'clip{k}.mp4', fps=30) as add:
            for f in files[:k]: add(read_raw(f))
        res[k] = (d, tmp / f'clip{k}.mp4')
    return res

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', required=True); ap.add_argument('--n', type=int, default=40)
    ap.add_argument('--rounds', type=int, default=3)
    a = ap.parse_args()
    import needle_nbdev  # noqa: F401  (turns on oneDNN before TensorFlow loads)
    from needle_nbdev.runs import load_run
    from needle_nbdev.io import list_images
    from needle_nbdev.predict import predict_folder
    tmp = Path(tempfile.mkdtemp(prefix='needle_realtime_'))
    ins, mc = inputs(tmp, a.n), load_run(a.model)
    paths = dict(frame_loop=lambda k, o: frame_loop(mc, list_images(ins[k][0]), o),
                 stream_png=lambda k, o: predict_folder(a.model, ins[k][0], o, localize=True,
                                                        track=True, progress=False),
                 stream_video=lambda k, o: predict_folder(a.model, ins[k][1], o, localize=True,
                                                          track=True, progress=False),
                 stream_video_head=lambda k, o: predict_folder(a.model, ins[k][1], o, localize=True,
                                                               track=True, tip_head='synth',
                                                               progress=False))
    rates = {p: [] for p in ['before', *paths]}
    for r in range(a.rounds):
        rates['before'].append(before_rate(a.model, ins, a.n, tmp))
        print(f"round {r}: before {rates['before'][-1]:.1f} frames/s", flush=True)
        for p, fn in paths.items():
            t = {}
            for k in (a.n, 5 * a.n):
                o = tmp / f'out_{p}_{k}'; shutil.rmtree(o, ignore_errors=True)
                t0 = time.perf_counter(); fn(k, o); t[k] = time.perf_counter() - t0
            rates[p].append(4 * a.n / (t[5 * a.n] - t[a.n]))
            print(f"round {r}: {p} {rates[p][-1]:.1f} frames/s", flush=True)
    med = {p: statistics.median(v) for p, v in rates.items()}
    cfg = mc[1]
    res = dict(frames_per_s={p: round(v, 2) for p, v in med.items()},
               rounds={p: [round(x, 2) for x in v] for p, v in rates.items()},
               ratio_stream_png_to_before=round(statistics.median(
                   [s / f for s, f in zip(rates['stream_png'], rates['before'])]), 3),
               ratio_stream_png_to_frame_loop=round(statistics.median(
                   [s / f for s, f in zip(rates['stream_png'], rates['frame_loop'])]), 3),
               setup=dict(frame=[720, 1280], n=a.n, model=str(a.model), preset=cfg.get('preset'),
                          input_size=cfg.get('size'), batch=8))
    table = ("| path | frames/s (median of rounds) | rounds |\n|---|---|---|\n" + "\n".join(
        f"| `{p}` | {med[p]:.1f} | {', '.join(f'{x:.1f}' for x in rates[p])} |" for p in rates)
        + f"\n\nStreaming (PNG folder), median of the per-round ratios: "
        f"{res['ratio_stream_png_to_before']:.2f}× `predict_folder` before streaming, "
        f"{res['ratio_stream_png_to_frame_loop']:.2f}× the frame-by-frame loop on today's functions")
    save('realtime', res, table)
    shutil.rmtree(tmp, ignore_errors=True)

if __name__ == '__main__': main()

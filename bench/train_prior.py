"""Train the needle prior that ships with the package, on frames rendered on the fly by the
domain-randomised renderer (`needle_nbdev.families`) and the original renderer (`needle_nbdev.synth`).

    KERAS_BACKEND=jax python bench/train_prior.py --minutes 7 --out .prior     # on a GPU machine
    python bench/train_prior.py --minutes 1 --out /tmp/prior --workers 2 --batch 4   # a CPU smoke run
    python bench/train_prior.py --ship .prior     # here: check and copy into needle_nbdev/prior/

Rendering runs in a pool of worker processes (forked before Keras is imported); training uses any
Keras 3 backend. Writes OUT/model.keras (no optimizer state) and OUT/train_prior.json (frames seen, seconds,
machine, the loss per block of steps); `pretrained` turns them into the shipped prior. No real frame is ever used for training.
"""
import argparse, json, os, sys, time, platform, datetime, multiprocessing as mp
from pathlib import Path
import numpy as np, cv2

ROOT = Path(__file__).resolve().parents[1]
SIZE = (320, 576)                                    # network input (H, W); divisible by 2**6
FILTERS = (16, 32, 48, 64, 96, 128, 192)
SEED0 = 10_000_000                                   # render seeds: far from every test and benchmark

def _fit(x:np.ndarray, m:np.ndarray, rng) -> tuple:
    "Gray frame and mask resized to SIZE (the prediction path resizes the same way), flipped at random."
    if x.ndim == 3: x = cv2.cvtColor(x, cv2.COLOR_RGB2GRAY)
    x = cv2.resize(x, SIZE[::-1], interpolation=cv2.INTER_AREA)
    m = cv2.resize(m.astype(np.float32), SIZE[::-1], interpolation=cv2.INTER_AREA) >= 0.5
    if rng.random() < 0.5: x, m = x[:, ::-1], m[:, ::-1]
    if rng.random() < 0.5: x, m = x[::-1], m[::-1]
    return x, m

def _frame(seed:int, rng, p_synth:float) -> tuple:
    "One training frame: a randomised family at a random native size, or an original synthetic scene."
    if rng.random() < p_synth:
        from needle_nbdev.synth import synth_needle_scene
        h = int(rng.integers(300, 480)); x, m, _ = synth_needle_scene(seed, (h, int(h * rng.uniform(1.3, 1.9))))
        if rng.random() < 0.5: x = (x.astype(np.float32) * rng.gamma(4.0, 0.25, x.shape[:2])[..., None]
                                    ).clip(0, 255).astype(np.uint8)      # ultrasound-like speckle
        return _fit(x, m, rng)
    from needle_nbdev.families import random_needle_scene
    h = int(rng.integers(240, 560)); w = int(h * rng.uniform(0.9, 2.0))
    x, m, _ = random_needle_scene(seed, shape=(h, w), p_empty=0.08)
    return _fit(x, m, rng)

def render_batch(args) -> tuple:
    "A batch of `n` frames for block `k` (deterministic in k)."
    k, n, p_synth = args
    rng = np.random.default_rng([SEED0, k])
    fr = [_frame(SEED0 + k * n + i, rng, p_synth) for i in range(n)]
    return (np.stack([f[0] for f in fr])[..., None],
            np.stack([f[1] for f in fr])[..., None].astype(np.uint8))

class Batches:
    "Rendered batches from a process pool, at most `ahead` in flight (bounded memory), as float32."
    def __init__(self, workers:int, n:int, p_synth:float, ahead:int=None):
        import collections
        self.pool = mp.get_context('fork').Pool(workers)       # before Keras starts any thread
        self.args, self.k, self.q = (n, p_synth), 0, collections.deque()
        for _ in range(ahead or 2 * workers): self._submit()
    def _submit(self):
        self.q.append(self.pool.apply_async(render_batch, ((self.k, *self.args),))); self.k += 1
    def __next__(self):
        x, y = self.q.popleft().get(); self._submit()
        return x.astype(np.float32) / 255, y.astype(np.float32)

def ship(src:Path):
    "Check a trained prior in this backend against its own outputs, then write needle_nbdev/prior/."
    import keras, shutil
    from needle_nbdev.train import DEFAULTS
    from needle_nbdev.runs import CONFIG_VERSION
    info = json.loads((src / 'train_prior.json').read_text())
    model = keras.models.load_model(src / 'model.keras', compile=False)
    par = np.load(src / 'parity.npz'); dp = float(np.abs(model.predict_on_batch(par['x']) - par['p']).max())
    if dp > 1e-3: raise SystemExit(f"{src}: the {keras.backend.backend()} backend differs from "
                                   f"{info['backend']} by {dp:.2g}")
    cfg = dict(config_version=CONFIG_VERSION, needle_nbdev=__import__('needle_nbdev').__version__,
               status='complete', run='prior', machine=f"{info['device']} ({info['backend']})",
               started=info['date'], normalisation='read_image: 8-bit /255, 16-bit /65535 -> [0,1]',
               **{**DEFAULTS, 'crop': None, 'size': info['size'], 'filters': info['filters'],
                  'batch_norm': True, 'mode': 'resize', 'val_frac': 0.0},
               data=dict(source='rendered on the fly: needle_nbdev.families and needle_nbdev.synth',
                         frames=_frames(info)), out_bias=-4.0, epochs_run=1,
               prior=dict(parity_max_abs=dp, **{k: v for k, v in info.items() if k != 'log'}))
    dst = ROOT / 'needle_nbdev' / 'prior'; dst.mkdir(exist_ok=True)
    shutil.copyfile(src / 'model.keras', dst / 'model.keras')
    (dst / 'config.json').write_text(json.dumps(cfg, indent=1))
    shutil.copyfile(src / 'train_prior.json', dst / 'train_prior.json')
    print(f"shipped {src} as {dst} (parity {dp:.2g})")

def _frames(info:dict) -> int:
    "Frames rendered for this prior, counting the runs it continued from."
    return info['frames'] + (_frames(info['before']) if info.get('before') else 0)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--minutes', type=float, default=7); ap.add_argument('--out', default='.prior')
    ap.add_argument('--workers', type=int, default=max(1, (os.cpu_count() or 2) - 2))
    ap.add_argument('--batch', type=int, default=32); ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--p_synth', type=float, default=0.2)
    ap.add_argument('--init', default=None, help='continue from this .keras model (same network)')
    ap.add_argument('--reuse', type=int, default=1,
                    help='train on each rendered batch this many times (flipped, new gamma each time)')
    ap.add_argument('--ship', default=None, help='check this trained prior and copy it into the package')
    a = ap.parse_args()
    if a.ship: return ship(Path(a.ship))
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    batches = Batches(a.workers, a.batch, a.p_synth)
    import keras
    from needle_nbdev.unet import build_unet
    from needle_nbdev.metrics import iou_bce_loss
    model = build_unet((None, None, 1), FILTERS, activation='elu', batch_norm=True,
                       dropout=(0, 0, 0, 0.1, 0.1, 0.1, 0.2), upsampling='transpose',
                       out_bias=-4.0, name='needle_prior')
    opt = keras.optimizers.Adam(a.lr)
    if a.init: model.set_weights(keras.models.load_model(a.init, compile=False).get_weights())
    model.compile(opt, iou_bce_loss)
    final = build_unet((None, None, 1), FILTERS, activation='elu', batch_norm=True,
                       dropout=(0, 0, 0, 0.1, 0.1, 0.1, 0.2), upsampling='transpose',
                       name='needle_prior')                     # saved: no optimizer state
    t0, budget, step, frames, log, losses = time.time(), a.minutes * 60, 0, 0, [], []
    x, y = next(batches); model.train_on_batch(x, y)           # compile outside the clock
    t_start = saved = time.time()
    rng, k = np.random.default_rng(1), 0
    while (el := time.time() - t_start) < budget:
        if k % a.reuse == 0: x0, y0 = next(batches); frames += len(x0)
        x, y = _jitter(x0, y0, rng) if k % a.reuse else (x0, y0); k += 1
        frac = el / budget                                     # cosine decay over the time budget
        opt.learning_rate.assign(a.lr * 0.5 * (1 + np.cos(np.pi * frac)) + 1e-5)
        losses.append(float(model.train_on_batch(x, y))); step += 1
        if step % 100 == 0:
            log.append(dict(step=step, seconds=round(el, 1), frames=frames,
                            loss=round(float(np.mean(losses[-100:])), 4)))
            print(log[-1], flush=True)
        if time.time() - saved > 60: _save(final, model, out); saved = time.time()  # if cut short
    batches.pool.terminate()
    _save(final, model, out)
    x, _ = render_batch((10 ** 8, 2, a.p_synth)); x = x[:, 96:160, 128:256].astype(np.float32) / 255
    np.savez_compressed(out / 'parity.npz', x=x, p=np.asarray(final.predict_on_batch(x)))
    info = dict(command=' '.join(['python', 'bench/train_prior.py'] + sys.argv[1:]),
                date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='minutes'),
                backend=keras.backend.backend(), machine=platform.node(), device=_device(),
                init=a.init, before=_before(a.init), reuse=a.reuse, workers=a.workers, batch=a.batch, lr=a.lr, p_synth=a.p_synth, steps=step,
                frames=frames, train_seconds=round(time.time() - t_start, 1),
                wall_seconds=round(time.time() - t0, 1), size=list(SIZE), filters=list(FILTERS),
                log=log)
    (out / 'train_prior.json').write_text(json.dumps(info, indent=1))
    print(json.dumps({k: v for k, v in info.items() if k != 'log'}), flush=True)

def _jitter(x:np.ndarray, y:np.ndarray, rng) -> tuple:
    "A rendered batch seen again: flipped at random, with a new gamma (cheap next to rendering)."
    if rng.random() < 0.5: x, y = x[:, :, ::-1], y[:, :, ::-1]
    if rng.random() < 0.5: x, y = x[:, ::-1], y[:, ::-1]
    return np.ascontiguousarray(x ** rng.uniform(0.7, 1.4)), np.ascontiguousarray(y)

def _before(init) -> dict|None:
    "What trained the model we continue from (its train_prior.json), without its loss log."
    f = Path(init).parent / 'train_prior.json' if init else None
    if f is None or not f.exists(): return None
    return {k: v for k, v in json.loads(f.read_text()).items() if k != 'log'}

def _save(final, model, out:Path):
    "Copy the trained weights into the optimizer-free model and save it atomically."
    final.set_weights(model.get_weights()); tmp = out / 'model.tmp.keras'
    final.save(tmp); os.replace(tmp, out / 'model.keras')

def _device() -> str:
    "The accelerator that trained the prior, in words."
    try:
        import jax; return ', '.join(sorted({d.device_kind for d in jax.devices()}))
    except Exception: return platform.processor() or 'cpu'

if __name__ == '__main__': main()

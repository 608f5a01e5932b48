"""The README's picture, composed from two figures the book stores (no new measurement).

Top: one held-out synthetic frame of `nbs/images/prediction_grid.png` (the prediction chapter): the frame,
its true mask, the predicted mask and the overlay with the localized axis, entry (cyan) and tip (red).
Bottom: the upper panel of the tracking chapter's "one insertion over time" figure (cell b386ac56 of
nbs/11_tracking.ipynb): the tip along the needle's axis, true, detected per frame, and tracked.

    python tools/readme_picture.py      # writes nbs/images/readme_overview.png
"""
import base64, io, json
from pathlib import Path
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / 'nbs' / 'images' / 'readme_overview.png'

def _stored_png(nb:Path, cell_id:str) -> Image.Image:
    "The first PNG a notebook cell stored as its output."
    c = next(c for c in json.loads(nb.read_text())['cells'] if c.get('id') == cell_id)
    png = next(o['data']['image/png'] for o in c['outputs'] if 'image/png' in o.get('data', {}))
    return Image.open(io.BytesIO(base64.b64decode(png))).convert('RGB')

def _panels(grid:Image.Image, col:int) -> list:
    "The four panels (frame, truth, prediction, overlay) of one column of the prediction grid."
    dark = np.asarray(grid.convert('L')) < 245
    runs = lambda v: [(i, j) for i, j in zip(*[np.flatnonzero(np.diff(np.r_[0, v, 0]) == d) for d in (1, -1)])
                      if j - i > 50]
    xs, ys = runs(dark.mean(0) > 0.5), runs(dark.mean(1) > 0.5)
    (x0, x1) = xs[col]
    return [grid.crop((x0, y0, x1, y1)) for y0, y1 in ys]

def main(col:int=2):
    top = _panels(Image.open(ROOT / 'nbs' / 'images' / 'prediction_grid.png').convert('RGB'), col)
    track = _stored_png(ROOT / 'nbs' / '11_tracking.ipynb', 'b386ac56')
    track = track.crop((0, 0, track.width, int(track.height * 0.43)))        # the upper panel
    gap, w = 6, sum(p.width for p in top) + 3 * 6
    track = track.resize((w, round(track.height * w / track.width)), Image.LANCZOS)
    img = Image.new('RGB', (w, top[0].height + gap + track.height), 'white'); x = 0
    for p in top: img.paste(p, (x, 0)); x += p.width + gap
    img.paste(track, (0, top[0].height + gap))
    img.quantize(colors=128).save(OUT, optimize=True)
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB, {img.width}x{img.height})")

if __name__ == '__main__': main()

"""Import every module of the installed needle_nbdev and call each public drawing function on tiny inputs.

    python tools/smoke_plots.py OUT_DIR

Run it in a fresh interpreter, from outside the repository, against an installed wheel (CI does): a
function that works only inside its notebook (a name the notebook imported, like `plt`) fails here.
Each figure is written to OUT_DIR and checked to be a real picture (not one flat colour).
"""
import csv, importlib, pkgutil, sys
from pathlib import Path
import matplotlib
matplotlib.use('Agg')
import numpy as np, cv2
import needle_nbdev

def _check(path, what:str):
    "The PNG at `path` exists and is not one flat colour."
    im = cv2.imread(str(path))
    if im is None or im.std() < 1: raise SystemExit(f"smoke_plots: {what}: {path} is missing or blank")
    print(f"ok {what}: {path.name} {im.shape[1]}x{im.shape[0]}")

def main(out:Path):
    out.mkdir(parents=True, exist_ok=True)
    mods = sorted(m.name for m in pkgutil.iter_modules(needle_nbdev.__path__))
    for m in mods: importlib.import_module(f'needle_nbdev.{m}')
    print(f"imported {len(mods)} modules from {Path(needle_nbdev.__file__).parent}")
    from needle_nbdev.unet import build_unet, draw_unet, plot_unet_graph, layered_unet
    from needle_nbdev.data import show_grid
    from needle_nbdev.synth import synth_needle_scene
    from needle_nbdev.localize import draw_pose, localize_needle
    from needle_nbdev.runs import plot_history
    model = build_unet((32, 32, 1), (4, 8, 16))
    ax = draw_unet(model); ax.figure.savefig(out / 'draw_unet.png'); _check(out / 'draw_unet.png', 'draw_unet')
    _check(plot_unet_graph(model, out / 'graph.png'), 'plot_unet_graph')
    layered_unet(model).save(out / 'layered.png'); _check(out / 'layered.png', 'layered_unet')
    img, mask, pose = synth_needle_scene(0, size=(90, 160), p_empty=0.0)
    fig = show_grid([img], [mask], [mask], points=[[pose['tip']]], titles=['frame'])
    fig.savefig(out / 'grid.png'); _check(out / 'grid.png', 'show_grid')
    drawn = draw_pose(img, localize_needle(mask))
    if np.array_equal(drawn, img): raise SystemExit('smoke_plots: draw_pose drew nothing')
    cv2.imwrite(str(out / 'pose.png'), drawn); _check(out / 'pose.png', 'draw_pose')
    with open(out / 'history.csv', 'w', newline='') as f:
        csv.writer(f).writerows([['epoch', 'loss', 'val_loss'], [0, 0.9, 1.0], [1, 0.5, 0.7], [2, 0.3, 0.6]])
    _check(plot_history(out), 'plot_history (loss curve)')

if __name__ == '__main__': main(Path(sys.argv[1] if len(sys.argv) > 1 else 'smoke_plots_out'))

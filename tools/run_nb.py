"""Execute a notebook in place and store its outputs, as the book shows them.

    python tools/run_nb.py nbs/02_metrics.ipynb [--slow all|ID,ID...]

Cells run in order in one kernel-less IPython shell (execnb), from the notebook's folder, and stop
at the first error (nothing is written then). `#| slow` cells are skipped and keep their stored
outputs unless `--slow all` or their cell ids are given: the book shows the outputs of the real
runs, and a rerun of the fast cells never discards them. Run `nbdev_clean` afterwards.
"""
import argparse, os, sys
from pathlib import Path

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebook'); ap.add_argument('--slow', default='', help="'all' or comma-separated cell ids")
    a = ap.parse_args()
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    path = Path(a.notebook).resolve()
    nb = read_nb(path)
    want = set(a.slow.split(',')) if a.slow else set()
    def skip(cell):
        is_slow = cell.cell_type == 'code' and any(l.strip().replace(' ', '') == '#|slow' for l in cell.source.splitlines())
        skipped = is_slow and 'all' not in want and cell.get('id') not in want
        if cell.cell_type == 'code' and not skipped: cell.outputs = []   # a cell that now prints nothing
        return skipped
    os.chdir(path.parent); sys.path.insert(0, str(path.parent))
    os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')
    CaptureShell().run_all(nb, exc_stop=True, preproc=skip)
    write_nb(nb, path)
    print(f"executed {path.name}" + (f" (slow cells: {a.slow})" if a.slow else " (slow cells kept as stored)"))

if __name__ == '__main__': main()

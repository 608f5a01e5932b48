"Print 'N passed, N failed' for the notebooks nbdev_test ran, from its log and exit code."
import sys, re
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.test import _keep_file

log, rc = open(sys.argv[1]).read(), int(sys.argv[2])
files = [f for f in sorted(nbglob(as_path=True)) if _keep_file(f, '.notest')]
m = re.search(r'Failed On The Following Notebooks:\n=+\n(.*)', log, re.S)
failed = {l.strip() for l in m.group(1).splitlines() if l.strip().endswith('.ipynb')} if m else set()
if rc != 0 and not failed: failed = {f.name for f in files}   # crashed before reporting: count all as failed
print(f"{len(files) - len(failed)} passed, {len(failed)} failed")

"Fail if a committed notebook stores an error output or is larger than the house limit (1.5 MB)."
import json, sys
from pathlib import Path
bad = []
for f in sorted(Path('nbs').rglob('*.ipynb')):
    if '.ipynb_checkpoints' in f.parts: continue
    nb = json.loads(f.read_text())
    errs = [o for c in nb['cells'] for o in c.get('outputs', []) if o.get('output_type') == 'error']
    size = f.stat().st_size / 1e6
    print(f"{f}: {size:.2f} MB, {len(errs)} error outputs")
    if errs: bad.append(f"{f}: stored error output ({errs[0].get('ename')}: {errs[0].get('evalue')})")
    if size > 1.5: bad.append(f"{f}: {size:.2f} MB is over the 1.5 MB limit")
for b in bad: print('ERROR', b)
sys.exit(1 if bad else 0)

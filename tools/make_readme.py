"""Generate README.md from nbs/index.ipynb without Quarto (which nbdev_readme needs).

Markdown cells are copied, visible code cells become ```python blocks with their text outputs.
Cells tagged remove-cell (nbdev `#| hide`) are left out. A Markdown output (`IPython.display.Markdown`,
as the cells that render measured numbers from results files print them) is copied as Markdown. `--check` fails if README.md is stale."""
import sys, json, re, base64
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _src(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def _links(md:str) -> str:
    "Relative links and images are relative to nbs/ in the notebook, to the root in the README."
    return re.sub(r'\]\((?!https?:|/|#)([^)]+)\)', r'](nbs/\1)', md)

def render(nb_path=ROOT/'nbs'/'index.ipynb', images=None) -> str:
    images = {} if images is None else images
    nb = json.loads(Path(nb_path).read_text())
    out = ['<!-- WARNING: generated from nbs/index.ipynb by tools/make_readme.py; do not edit -->', '']
    for c in nb['cells']:
        src, tags = _src(c), c.get('metadata', {}).get('tags', [])
        if 'remove-cell' in tags: continue
        if c['cell_type'] == 'markdown':
            out += [_links(src), '']
            continue
        code = '\n'.join(l for l in src.splitlines() if not l.startswith('#|'))
        if 'remove-input' not in tags: out += ['```python', code, '```', '']
        for o in c.get('outputs', []):          # figures: written next to the README, linked from it
            md = o.get('data', {}).get('text/markdown')
            if md: out += [_links(''.join(md)), '']; continue
            png = o.get('data', {}).get('image/png')
            if png:
                name = f'images/readme_{len(images) + 1}.png'
                images[name] = base64.b64decode(png)
                out += [f'![figure {len(images)} of nbs/index.ipynb]({name})', '']
        text = ''.join(''.join(o.get('text', '')) if o['output_type'] == 'stream'
                       else ''.join(o.get('data', {}).get('text/plain', '')) for o in c.get('outputs', [])
                       if o['output_type'] in ('stream', 'execute_result') and 'text/markdown' not in o.get('data', {}))
        if text.strip(): out += ['```text', text.rstrip(), '```', '']
    return '\n'.join(out).rstrip() + '\n'

if __name__ == '__main__':
    images = {}
    txt, readme = render(images=images), ROOT/'README.md'
    if '--check' in sys.argv:
        stale = not readme.exists() or readme.read_text() != txt
        stale |= any(not (ROOT/n).exists() or (ROOT/n).read_bytes() != b for n, b in images.items())
        if stale: sys.exit('README.md is stale: run `python tools/make_readme.py` and commit it')
        print('README.md is up to date')
    else:
        readme.write_text(txt)
        for n, b in images.items(): (ROOT/n).parent.mkdir(exist_ok=True); (ROOT/n).write_bytes(b)
        print(f'wrote {readme} and {len(images)} figure(s)')

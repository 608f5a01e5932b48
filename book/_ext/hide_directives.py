"""Sphinx extension: nbdev's cell directives (`#| export`, `#| slow`, `#| hide`...) never show in the book.

The notebooks are nbdev's source, so their code cells start with directive lines. Before myst-nb parses a
notebook (Sphinx's `source-read` event hands it the notebook's text), this hook removes those lines from
every code cell and turns the ones that mean something to a reader into Jupyter Book tags: `#| hide` hides
the cell, `#| echo: false` its code, `#| output: false` its output. A cell left with no code and no output
is hidden. The notebook files are not changed."""
import json, re
from pathlib import Path

_DIRECTIVE = re.compile(r'^\s*#\|\s*(.*?)\s*$')
_TAGS = {'hide': 'remove-cell', 'echo: false': 'remove-input', 'output: false': 'remove-output'}

def strip_directives(nb:dict) -> dict:
    "The notebook with directive lines removed from its code cells and mapped to Jupyter Book tags."
    for c in nb.get('cells', []):
        if c.get('cell_type') != 'code': continue
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        lines, keep = src.splitlines(True), []
        tags = c.setdefault('metadata', {}).setdefault('tags', [])
        for l in lines:
            m = _DIRECTIVE.match(l)
            if m: tags += [_TAGS[m[1]]] if _TAGS.get(m[1]) and _TAGS[m[1]] not in tags else []
            else: keep.append(l)
        c['source'] = ''.join(keep).strip('\n')
        if not c['source'].strip() and not c.get('outputs') and 'remove-cell' not in tags:
            tags.append('remove-cell')
    return nb

def _strip(app, docname, source):
    if Path(app.env.doc2path(docname)).suffix != '.ipynb': return
    source[0] = json.dumps(strip_directives(json.loads(source[0])))

def setup(app):
    app.connect('source-read', _strip)
    return {'parallel_read_safe': True}

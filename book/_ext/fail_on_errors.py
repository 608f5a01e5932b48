"""Sphinx extension: fail the book build when a notebook stores an error output.

The book shows notebooks with the outputs of a real run (execution is off, so slow cells such as
training are never re-run by a book build). This hook makes `jupyter-book build book` fail, naming
the notebook and cell, if any of those outputs is an error."""
import json
from pathlib import Path
from sphinx.errors import ExtensionError

def _check(app, docname, source):
    path = Path(app.env.doc2path(docname))
    if path.suffix != '.ipynb': return
    nb = json.loads(path.read_text())
    for i, c in enumerate(nb.get('cells', [])):
        for o in c.get('outputs', []):
            if o.get('output_type') == 'error':
                raise ExtensionError(f"{path}: cell {i} stores an error output ({o.get('ename')}: {o.get('evalue')}); re-run the notebook")

def setup(app):
    app.connect('source-read', _check)
    return {'parallel_read_safe': True}

"""Wrap the code lines of notebook code cells that are longer than `--max` characters, with ruff.

    python tools/wrap_lines.py nbs/*.ipynb [--max 100] [--check]

For each long line the tool formats only the innermost statement that starts a line around it (a
one-line `if x: return y` as a whole, `a; b` on one line together, just the header of a block),
with `ruff format` at the width its indentation leaves, and splices the result back: the rest of the
cell keeps its dense fastcore style. A rewrite is kept only if all its lines fit and the cell's AST
is unchanged. Left as they are, and reported: lines long because of a comment or a string,
signatures with docments comments, `#|` directives, `%%` cells and cells that are not plain Python.
`--check` only lists the long lines and exits 1 if there are any. Cell numbers count all cells from 0.
"""
import argparse, ast, io, json, re, subprocess, sys, tokenize

def scan(src):
    "{line: column of its comment}, and the lines inside multi-line strings (not their first)."
    comments, inner, fs = {}, set(), []
    for t in tokenize.generate_tokens(io.StringIO(src).readline):
        if t.type == tokenize.COMMENT: comments[t.start[0]] = t.start[1]
        elif t.type == tokenize.STRING: inner.update(range(t.start[0] + 1, t.end[0] + 1))
        elif tokenize.tok_name[t.type] == 'FSTRING_START': fs.append(t.start[0])    # Python 3.12+
        elif tokenize.tok_name[t.type] == 'FSTRING_END': inner.update(range(fs.pop() + 1, t.end[0] + 1))
    return comments, inner

def ruff(code, width):
    cmd = ['ruff', 'format', '--isolated', '--line-length', str(width), '--config', "format.quote-style='preserve'", '-']
    r = subprocess.run(cmd, input=code, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None

def target(tree, lines, L, comments):
    "(first, last, header) lines to format for the long line `L`, or the reason there are none."
    where, depth = {}, {tree: 0}                     # statement (or except clause) -> (its list, index, owner)
    for node in ast.walk(tree):
        for c in ast.iter_child_nodes(node): depth[c] = depth[node] + 1
        for _, v in ast.iter_fields(node):
            if isinstance(v, list):
                for i, s in enumerate(v):
                    if isinstance(s, (ast.stmt, ast.ExceptHandler)): where[s] = (v, i, node)
    starts = lambda s: not lines[s.lineno - 1][:s.col_offset].strip()
    top = lambda s: min([s.lineno] + [d.lineno for d in getattr(s, 'decorator_list', [])])   # `@` line
    cands = [s for s in where if top(s) <= L <= s.end_lineno]
    if not cands: return 'not inside a statement'
    lst, i, owner = where[max(cands, key=depth.get)]
    clause = None                                    # the statement `s` of a one-liner `s: b`
    while not starts(lst[i]):                        # `a; b`: go left; `if x: b`: go up
        if i and lst[i - 1].end_lineno == lst[i].lineno: i -= 1
        elif re.fullmatch(r'(else|finally)\s*:', lines[lst[0].lineno - 1][:lst[0].col_offset].strip()):
            return lst[0].lineno, lst[-1].end_lineno, False                   # `else: b`, alone
        elif lst is getattr(owner, 'body', None) and not isinstance(owner, ast.Try): clause = owner; break
        elif owner in where: lst, i, owner = where[owner]
        else: return 'in a case one-liner'
    if clause: a, last, sub = clause, lst[-1].end_lineno, []    # `if x: b` alone, not its `else:`
    else:                                            # a statement that starts its line, with any `; b`
        j = i
        while j + 1 < len(lst) and lst[j + 1].lineno == lst[j].end_lineno: j += 1
        a, last = lst[i], lst[j].end_lineno
        sub = [n for n in ast.walk(a) if isinstance(n, (ast.stmt, ast.ExceptHandler)) and n is not a]
    if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef)):
        b0 = a.body[0]
        if any(a.lineno <= l < b0.lineno or (l == b0.lineno and c < b0.col_offset) for l, c in comments.items()):
            return 'signature with comments (docments): shorten by hand'
    if sub:
        f = min(sub, key=lambda n: (n.lineno, n.col_offset))
        if L < f.lineno and starts(f):               # the header of a block: format it alone
            end = f.lineno - 1
            while end > L and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith('#')): end -= 1
            return top(a), end, True
        if any(starts(n) for n in sub): return 'in a compound statement with blocks: wrap by hand'
    return top(a), last, False

def rewrite(lines, first, last, header, mx):
    "The formatted lines for `lines[first-1:last]`, or the reason there are none."
    seg, ind = lines[first - 1:last], lines[first - 1][:len(lines[first - 1]) - len(lines[first - 1].lstrip())]
    inner = scan('\n'.join(lines) + '\n')[1]
    seg = [l if n in inner else l[len(ind):] if l.startswith(ind) else l.lstrip() for n, l in enumerate(seg, first)]
    kw = re.match(r'(elif|else|except|finally)\b', seg[0])        # a clause: ruff needs the block before it
    pre = ['if x:', '    pass'] if kw and kw[1] in ('elif', 'else') else ['try:', '    pass'] if kw else []
    out = ruff('\n'.join(pre + seg + (['    pass'] if header else [])) + '\n', mx - len(ind))
    if out is None: return 'ruff could not format it'
    if any(isinstance(n, ast.ImportFrom) and n.lineno < n.end_lineno for n in ast.walk(ast.parse(out))):
        return 'a `from` import: nbdev makes only one-line ones relative; split it in two by hand'
    new, inner = out.rstrip('\n').split('\n'), scan(out)[1]
    if new[:len(pre)] != pre or header and new[-1] != '    pass': return 'unexpected ruff output'
    new = [l if n in inner or not l else ind + l for n, l in enumerate(new, 1)][len(pre):len(new) - header]
    if any(len(l) > mx for l in new): return 'still too long after ruff (a long string or comment)'
    return new

def fix_cell(src, mx):
    "(new source, {line: None if fixed else reason}) for the long lines of one cell's source."
    lines = src.split('\n')
    long = [n for n, l in enumerate(lines, 1) if len(l) > mx]
    if not long: return src, {}
    if src.startswith('%%'): return src, {n: 'cell magic' for n in long}
    try: tree = ast.parse(src); comments = scan(src)[0]
    except (SyntaxError, tokenize.TokenError): return src, {n: 'not plain Python (IPython syntax?)' for n in long}
    orig, res, todo = ast.dump(tree), {}, {}
    for n in long:
        if lines[n - 1].lstrip().startswith('#|'): res[n] = 'nbdev directive'
        elif n in comments and len(lines[n - 1][:comments[n]].rstrip()) <= mx: res[n] = 'long comment: shorten by hand'
        else:
            t = target(tree, lines, n, comments)
            if isinstance(t, str): res[n] = t
            else: todo.setdefault(t, []).append(n)
    done = []
    for t in sorted(todo, reverse=True):            # bottom up, so the line numbers above stay valid
        if any(t[0] <= d[1] and d[0] <= t[1] for d in done):
            res.update((n, 'overlaps another rewrite') for n in todo[t]); continue
        new = rewrite(lines, *t, mx)
        if isinstance(new, str): res.update((n, new) for n in todo[t]); continue
        cand = lines[:t[0] - 1] + new + lines[t[1]:]
        try: ok = ast.dump(ast.parse('\n'.join(cand))) == orig
        except SyntaxError: ok = False
        if ok: lines = cand; done.append(t); res.update((n, None) for n in long if t[0] <= n <= t[1])
        else: res.update((n, 'AST check refused the rewrite') for n in todo[t])
    new_src = '\n'.join(lines)
    if new_src != src and ast.dump(ast.parse(new_src)) != orig:    # belt and braces: never change the code
        return src, {n: 'AST check refused the cell' for n in long}
    return new_src, res

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='+'); ap.add_argument('--max', type=int, default=100)
    ap.add_argument('--check', action='store_true', help='only report long lines; exit 1 if any')
    a = ap.parse_args()
    n_long = n_fixed = 0; left = []
    for fn in a.notebooks:
        with open(fn, encoding='utf-8') as f: nb = json.load(f)
        changed = False
        for ci, c in enumerate(nb['cells']):
            if c['cell_type'] != 'code': continue
            src = ''.join(c['source']); lines = src.split('\n')
            if a.check: res = {n: '' for n, l in enumerate(lines, 1) if len(l) > a.max}
            else:
                new, res = fix_cell(src, a.max)
                if new != src:
                    ls = new.split('\n'); changed = True
                    c['source'] = [l + '\n' for l in ls[:-1]] + ([ls[-1]] if ls[-1] else [])
            n_long += len(res); n_fixed += sum(r is None for r in res.values())
            left += [(fn, ci, len(lines[n - 1]), lines[n - 1][:60], r) for n, r in sorted(res.items()) if r is not None]
        if changed:
            with open(fn, 'w', encoding='utf-8') as f: json.dump(nb, f, indent=1, ensure_ascii=False); f.write('\n')
    for fn, ci, n, text, r in left: print(f"{fn} cell {ci}: {n} chars: {text!r}" + (f"  [{r}]" if r else ''))
    if a.check: print(f"{len(left)} lines over {a.max} characters"); sys.exit(1 if left else 0)
    print(f"{n_long} lines over {a.max} characters: {n_fixed} wrapped, {len(left)} left as they are")

if __name__ == '__main__': main()

"""Wrap the code lines of notebook code cells that are longer than `--max` characters, fastcore style.

    python tools/wrap_lines.py nbs/*.ipynb [--max 100] [--check]

A long line is cut where the tokens of the whole cell say a line break changes nothing, and the rest
goes on the next line, wrapped the same way until it fits: after a `,` or before `and`, `or`, `if`,
`else`, `for` or a binary operator inside brackets, the rest aligned after the innermost open bracket
(`dict(a=1,` then `b=2)` under `a=1`), or 4 past the statement's indentation if that leaves no room;
in a string inside brackets, at a space outside `{...}`, into adjacent literals with the same prefix
(docstrings are left); at a `;`; after the `:` of a one-liner `if x: y`; inside new parentheses around
a long value, condition or assert message. It takes the cut after which the statement, wrapped on
greedily, has the fewest lines (a bad cut, followed by more code after its bracket's close than
before it, as `f(a,` then `b) + g`, counts one more), then the one that keeps alignments, then the
last. A rest that ends in `,` (or a string) and goes on in the same brackets takes the next line up.
A trailing comment that alone makes a line too long gets less padding, or moves above the statement.
`from a import b, c` gets parentheses, its rest aligned after the `(`: nbdev 2.4.14 makes `from
needle_nbdev.x import` relative only if the import's last line reaches past the module name.
Reported and left: `#|` directives, `def` signatures with docments comments, `# noqa` comments,
docstrings, comment lines, lines no cut makes fit, `%%` cells and cells that are not plain Python.
A change that alters the cell's AST is undone and reported; bad cuts that were the best are listed.
`--check` only lists the long lines of the cells the book shows (it skips cells tagged `remove-cell`
or `remove-input`) and exits 1 if there are any; rewriting wraps hidden cells too. Cells count from 0.
"""
import argparse, ast, io, json, keyword, re, sys, textwrap, tokenize
from tokenize import COMMENT, NL, NEWLINE, INDENT, DEDENT, ENDMARKER, NAME, NUMBER, STRING

COMPOUND = {'if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally', 'def', 'class', 'async'}
BINOPS = {'and': 3.5, 'or': 3.5, 'if': 3.5, 'else': 3.5, 'for': 3.5, '+': 3.6, '-': 3.6,
          **dict.fromkeys('* / // % @ == != < > <= >='.split(), 3.8)}     # preference; `,` is 3
PAREN = {ast.Assign: 'value', ast.AugAssign: 'value', ast.AnnAssign: 'value', ast.Return: 'value',
         ast.If: 'test', ast.While: 'test', ast.Assert: 'msg'}           # what may get parentheses
EXPRS = (ast.BinOp, ast.BoolOp, ast.IfExp, ast.Tuple, ast.Compare, ast.Constant, ast.JoinedStr, ast.Lambda)
HIDDEN, BAD = {'remove-cell', 'remove-input'}, 5             # BAD: code after a close that makes a cut bad
STR = re.compile(r'''([rRbBuUfF]*)(['"])(?!\2\2)''')        # prefix and quote of a one-line string
ONLY = (0,) * 6                                              # the key of the only way to shorten a line

def scan(src):
    "Tokens of `src` as (token, depth, innermost open bracket [open, align column, close], statement's 1st token)."
    out, stack, first = [], [], None
    for t in tokenize.generate_tokens(io.StringIO(src).readline):
        if t.type in (NEWLINE, ENDMARKER): first = None
        elif t.type not in (NL, COMMENT, INDENT, DEDENT):
            first = first or t
            if stack and stack[-1][1] is None: stack[-1][1] = t.start[1]
            if t.string in ')]}': stack.pop().append(t)
        out.append((t, len(stack), stack[-1] if stack else None, first))
        if t.type == tokenize.OP and t.string in '([{': stack.append([t, None])
    return out

def docstring(tree, n, col):
    "Is there a docstring at line `n` (from column `col` on its first line)?"
    return any(s.lineno <= n <= s.end_lineno and (n > s.lineno or col >= s.col_offset) for x in ast.walk(tree)
               if isinstance(x, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for s in x.body[:1]
               if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str))

def operand(t):
    "Can `t` end the left operand of a binary operator?"
    return t.type in (NUMBER, STRING) or t.string in ')]}' or t.type == NAME and (
        not keyword.iskeyword(t.string) or t.string in ('True', 'False', 'None'))

def str_cut(t, mx):
    "Index of the last space of string token `t` outside `{...}` where its first part fits, or None."
    s, m = t.string, STR.match(t.string)
    if not m or t.start[0] != t.end[0]: return None
    best, depth = None, 0
    for k in range(m.end(), len(s) - 2):                     # the second part is never empty
        if s[k] == '{': depth += 1
        elif s[k] == '}': depth = max(depth - 1, 0)
        elif s[k] == ' ' and not depth and s[k - 1] != '\\' and t.start[1] + k + 2 <= mx: best = k
    return best

def joined(a, b):
    "String tokens `a` and `b` as one literal, or None."
    try: one = [t.type for t in tokenize.generate_tokens(io.StringIO(a).readline)][:2] == [STRING, NEWLINE]
    except (SyntaxError, tokenize.TokenError): one = False
    (ma, pa, qa), (mb, pb, qb) = [(m, *m.groups()) if (m := STR.match(x)) else (None,) * 3 for x in (a, b)]
    if not (one and ma and mb and qa == qb and pa.lower().replace('f', '') == pb.lower().replace('f', '')): return None
    if '\\' in a[-4:] or pa != pb and re.search(r'[{}]', a if 'f' in pb.lower() else b): return None
    return (pa if 'f' in pa.lower() else pb) + qa + a[ma.end():-1] + b[mb.end():]

def options(lines, i, mx):
    "The ways to shorten long line `i`, best first, as (key, new lines, next line to look at); or why there are none."
    n, line, cur = i + 1, lines[i], '\n'.join(lines)
    if line.lstrip().startswith('#|'): return 'nbdev directive'
    recs, tree = scan(cur), ast.parse(cur)
    if any(t.type == STRING and t.start[0] < n <= t.end[0] for t, *_ in recs): return 'inside a multi-line string'
    on = [r for r in recs if r[0].start[0] == n and r[0].type not in (NL, NEWLINE, INDENT, DEDENT, ENDMARKER)]
    com = next((r[0] for r in on if r[0].type == COMMENT), None)
    code = line[:com.start[1]].rstrip() if com else line
    if not code.strip(): return 'long comment line: shorten by hand'
    f, put = on[0][3], lambda new, k=1: lines[:i] + new + lines[i + k:]    # f: the statement's first token
    if f.string in ('def', 'async') and any(r[3] is f and r[0].type == COMMENT for r in recs):
        return 'def signature with docments comments: shorten by hand'
    if com and len(code) <= mx:                              # the comment alone makes it too long
        if (room := mx - len(code) - len(com.string)) >= 2: return [(ONLY, put([code + ' ' * room + com.string]), i)]
        if re.match(r'#\s*(noqa|type:|pragma|fmt:|pylint|ruff:)', com.string): return 'a noqa comment: shorten by hand'
        s = f.start[0] - 1; ind = lines[s][:len(lines[s]) - len(lines[s].lstrip())]
        cs = [ind + com.string] if len(ind + com.string) <= mx else [ind + '# ' + c for c in textwrap.wrap(
            com.string.lstrip('#').strip(), mx - len(ind) - 2, break_long_words=False, break_on_hyphens=False)]
        return [(ONLY, lines[:s] + cs + lines[s:i] + [code] + lines[i + 1:], i + len(cs))]
    toks = [r for r in on if r[0].type != COMMENT]
    if (imp := f.string == 'from') and f.start[0] == n and not any(r[0].string in '()*' for r in toks) \
            and any(r[0].type == NEWLINE and r[0].start[0] == n for r in recs):
        k = next(r[0].end[1] for r in toks if r[0].string == 'import')    # parenthesize, then wrap inside
        return [(ONLY, put([line[:k] + ' (' + line[k:len(code)].lstrip() + ')' + line[len(code):]]), i)]
    def tail(br, c):                                         # code after br's close when it makes the cut bad
        e = br[2] if br and len(br) > 2 else None
        if not e or e.start[0] != n: return 0
        t = len(re.sub(r'[\s)\]}:,;]', '', code[e.end[1]:]))
        return t if t > max(BAD, len(code[c:e.start[1]].strip())) else 0
    cands, dead = [], set()                                  # [key, first line, rest, its column, bracket, 1st piece]
    for k, (t, d, br, _) in enumerate(toks):
        if t.string in ('for', 'lambda'): dead.add(d)        # no cut between `for`/`lambda` and `in`/`:`
        elif t.string in ('in', ':'): dead.discard(d)
        c = t.end[1] if t.string == ',' else t.start[1]
        if t.string == ';' and not d and f.string not in COMPOUND:
            cands.append([(0, 1, 0, -c), line[:c], line[t.end[1]:], f.start[1], None, 0])
        elif d and (t.string == ',' and d not in dead or k and t.string in BINOPS and operand(toks[k - 1][0])):
            cands.append([(tail(br, c), BINOPS.get(t.string, 3), d, -c), line[:c], line[c:], br[1], br, 0])
    for a, b in zip(cands, cands[1:] + [None]):              # the piece up to the next cut
        a[5] = len((a[2][:len(a[2]) - len(b[2])] if b else a[2][:len(code) - len(line) or None]).strip())
    for t, d, br, _ in toks:                                 # strings that reach near the limit
        if t.type != STRING or not d or not t.start[1] < mx < t.end[1] + 20 or (k := str_cut(t, mx)) is None \
                or docstring(tree, n, t.start[1]): continue
        s, c, p = t.string, t.start[1], STR.match(t.string).end()
        cands.append([(tail(br, c + k), 4, d, -c - k), line[:c] + s[:k + 1] + s[p - 1],
                      s[:p] + s[k + 1:] + line[t.end[1]:], c, br, len(s) - k + p])
    out, enclosed = [], {(b[0].start, b[2].end) for *_, b, _ in recs if b and len(b) > 2}
    for x in ast.walk(tree):                                 # a long value or condition: parentheses
        v = getattr(x, PAREN.get(type(x), '-'), None)
        if not isinstance(v, EXPRS) or not v.lineno == v.end_lineno == n: continue
        c0, c1 = (len(line.encode()[:c].decode(errors='ignore')) for c in (v.col_offset, v.end_col_offset))
        if c0 < mx and not {((n, c0), (n, c1)), ((n, c0 - 1), (n, c1 + 1))} & enclosed:
            out.append(((0, 2, 5, 0, 0, 0), put([line[:c0] + '(' + line[c0:c1] + ')' + line[c1:]]), i))
    hdr = f.string in COMPOUND and next((r[0] for r in recs if r[3] is f and not r[1] and r[0].string == ':'), None)
    if hdr and hdr.start[0] == n and hdr.end[1] <= mx and code[hdr.end[1]:].strip():   # `if x: y`: y below
        body = ' ' * (f.start[1] + 4) + line[hdr.end[1]:].lstrip()
        out.append(((0, 2, 6, 0, 0, 0), put([line[:hdr.end[1]], body]), i + 1))
    cont = not com and any(r[0].type == NL and r[0].start[0] == n and r[1] for r in recs)   # line i + 1 goes on
    nt = next((r for r in recs if r[0].start[0] == n + 1 and r[0].type not in (NL, COMMENT, INDENT, DEDENT)), None)
    for (tl, cls, d, p), pref, rest, al, br, w in cands:
        same = cont and br and nt and nt[2] is br            # line i + 1 goes on inside the same brackets
        base, alts = max(f.start[1] + 4, len(line) - len(line.lstrip())), [(0, nt[0].start[1] if same else al)]
        if br and not same and not imp and base < al: alts = [(4 if al + w > mx else 0, al), (3, base)]
        for alt, col in alts:                                # alt 4: the first piece does not fit there
            r, pref = ' ' * col + rest.lstrip(), pref.rstrip()
            if not pref.strip() or len(pref) > mx or len(r) >= len(line): continue
            key, short = (tl, alt, cls, d, p), len(r.strip()) < 16
            out.append((key + (cls == 4 or short,), put([pref, r]), i + 1))
            if same and r.endswith(','):                     # refill: the next line comes up
                out.append((key + (not short,), put([pref, r + ' ' + lines[i + 1].lstrip()], 2), i + 1))
            elif same and nt[0].type == STRING and (q := joined(r.strip(), nt[0].string)):
                out.append((key + (0,), put([pref, ' ' * col + q + lines[i + 1][nt[0].end[1]:]], 2), i + 1))
    if out: return sorted(out, key=lambda o: o[0])
    if any(r[0].type == STRING and r[0].end[1] > mx for r in toks):
        return 'long string: ' + ('docstring' if docstring(tree, n, len(line)) else 'no space to cut at')
    return 'no place to cut'

def complete(lines, i, mx, below, key):
    "Wrap lines `i`... of a statement greedily (`below` lines follow it): (lines, long left, bad cuts, tails, alts)."
    left, bad, tails, alts = 0, key[0] > 0, key[0], key[1]
    for _ in range(60):
        if i >= len(lines) - below: break
        if len(lines[i]) <= mx: i += 1; continue
        o = options(lines, i, mx)
        if isinstance(o, str): left += 1; i += 1; continue
        (k, a, *_), lines, i = min(o, key=lambda c: (c[0][0] > 0, len(c[1][c[2]]) > mx, c[0]))  # good, then fitting
        tails += k; bad += k > 0; alts += a
    return lines, left + (i < len(lines) - below), bad, tails, alts

def choose(lines, i, mx):
    "(key, new lines, next line) for long line `i`: the way that ends with the fewest lines; or why there is none."
    o = options(lines, i, mx)
    if isinstance(o, str): return o
    toks = tokenize.generate_tokens(io.StringIO('\n'.join(lines)).readline)
    below = len(lines) - min(t.start[0] for t in toks if t.type == NEWLINE and t.start[0] > i)
    def score(c):                                            # long left, lines (+1 a bad cut), tails, alignments
        new, left, bad, tails, alts = complete(c[1], c[2], mx, below, c[0])
        return left, len(new) + bad, tails, alts, c[0][1:]
    (left, *_), best = min((score(c), c) for c in o[:12] + [c for c in o if c[0][1]][:6])
    return 'no cut makes it fit: wrap by hand' if left else best

def fix_cell(src, mx):
    "(new source, [(long line left, why)], [lines cut badly]) for one cell's source."
    lines = src.split('\n')
    long = [l for l in lines if len(l) > mx]
    if not long: return src, [], []
    if src.startswith('%%'): return src, [(l, 'cell magic') for l in long], []
    try: orig = ast.dump(ast.parse(src)); scan(src)
    except (SyntaxError, tokenize.TokenError): return src, [(l, 'not plain Python (IPython syntax?)') for l in long], []
    why, bad, i = {}, [], 0
    while i < len(lines):
        if len(lines[i]) <= mx: i += 1; continue
        r = choose(lines, i, mx)
        if isinstance(r, str): why[lines[i]] = r; i += 1; continue
        try: ok = ast.dump(ast.parse('\n'.join(r[1]))) == orig
        except SyntaxError: ok = False
        if not ok: why[lines[i]] = 'the AST check refused the change'; i += 1; continue
        if r[0][0]: bad.append(r[1][i])
        lines, i = r[1:]
    new = '\n'.join(lines)
    if ast.dump(ast.parse(new)) != orig: return src, [(l, 'the AST check refused the cell') for l in long], []
    return new, [(l, why.get(l, '?')) for l in lines if len(l) > mx], [l for l in bad if l in lines]

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='+'); ap.add_argument('--max', type=int, default=100)
    ap.add_argument('--check', action='store_true', help='only list long lines of shown cells; exit 1 if any')
    a = ap.parse_args()
    n_long, left, bad, added, grow = 0, [], [], 0, (0, '')
    for fn in a.notebooks:
        with open(fn, encoding='utf-8') as f: nb = json.load(f)
        changed = False
        for ci, c in enumerate(nb['cells']):
            if c['cell_type'] != 'code': continue
            src = ''.join(c['source']); lines = src.split('\n')
            if a.check:
                if not HIDDEN & set(c.get('metadata', {}).get('tags', [])):
                    left += [(fn, ci, l, '') for l in lines if len(l) > a.max]
                continue
            new, res, cuts = fix_cell(src, a.max)
            n_long += sum(len(l) > a.max for l in lines); left += [(fn, ci, l, r) for l, r in res]
            bad += [(fn, ci, l, 'wrapped, but the cut is bad: review') for l in cuts]
            if new != src:
                ls = new.split('\n'); changed = True; d = len(ls) - len(lines); added += d
                grow = max(grow, (d, f'{fn} cell {ci}'))
                c['source'] = [l + '\n' for l in ls[:-1]] + ([ls[-1]] if ls[-1] else [])
        if changed:
            with open(fn, 'w', encoding='utf-8') as f: json.dump(nb, f, indent=1, ensure_ascii=False); f.write('\n')
    for fn, ci, l, r in bad + left: print(f"{fn} cell {ci}: {len(l)} chars: {l.strip()[:60]!r}" + f"  [{r}]" * bool(r))
    if a.check: print(f"{len(left)} lines over {a.max} characters in shown cells"); sys.exit(1 if left else 0)
    print(f"{n_long} lines over {a.max} characters: {len(left)} left as they are, {len(bad)} cut badly; "
          f"{added} lines added" + (f", at most {grow[0]} to one cell ({grow[1]})" if grow[0] else ''))

if __name__ == '__main__': main()

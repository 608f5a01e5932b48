"""Check, in a real browser, that no code cell of the built book scrolls sideways.

Usage: python tools/book_width.py [--html book/_build/html] [--width 1400]
                                  [--out book_width_report] [--pages nbs/00_data.html,...]

Why: sphinx-book-theme puts the page in a main column of at most 60em (the side bars take
the rest), and a code block wider than that column gets a horizontal scroll bar that hides
the end of its lines. The project's target is that code lines of at most 100 characters do
not scroll at a 1400-pixel-wide window. How many characters fit depends on the theme's CSS,
on the window's scroll bar and on the monospace font the browser finds, so it is measured,
not assumed. With sphinx-book-theme 1.3, Chromium on Debian (DejaVu Sans Mono, 14 px, 8.43 px
a character) and a classic 15-px scroll bar, the code column at 1400 px is 768 px wide and fits
87 characters (88 with overlay scroll bars); it stops growing at about 1420 px (89 characters).

How: each page is opened in headless Chromium (the Debian command line, no Python driver)
through a temporary copy `.book_width.<page>` next to the original (so relative CSS/JS paths
still work) with a script at the end of <body>. The script finds every visible `pre` whose
scrollWidth exceeds its clientWidth, sorts it as an input cell, an output cell or a code
block of Markdown text, outlines it in red and writes a JSON report into <pre id="width-report">;
Chromium dumps the DOM and the report is read back. A screenshot of the whole page (up to
16000 px tall) goes into OUT, and the temporary copies are removed.
Output: `ok PAGE` or `overflow PAGE: ...` per page, and OUT/report.json. Exit status 1 when any
code block scrolls: an input cell, an output (the book's CSS wraps outputs) or a Markdown code block.
"""
import argparse, html, json, re, shutil, subprocess, sys, tempfile
from pathlib import Path

JS = r"""<style>html { overflow-y: scroll }</style><script>
window.addEventListener('load', () => document.fonts.ready.then(() => setTimeout(() => {
  const rep = {innerWidth: window.innerWidth, height: document.documentElement.scrollHeight,
               cells: [], fits: null};
  const pres = [...document.querySelectorAll('div.highlight pre, .cell_output pre, .output pre')]
    .filter(p => p.offsetParent && !p.closest('#width-report'));    // skip hidden blocks
  const probe = pres.find(p => p.closest('.cell_input')) || pres[0];
  if (probe) {   // how many characters fit in one line of the column
    const cs = getComputedStyle(probe), s = document.createElement('span');
    s.textContent = '0'.repeat(200); probe.appendChild(s);
    rep.char_px = s.getBoundingClientRect().width / 200; s.remove();
    rep.column_px = probe.clientWidth; rep.font = cs.fontFamily + ' ' + cs.fontSize;
    rep.fits = Math.floor((probe.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)) / rep.char_px);
  }
  for (const pre of pres) {
    if (pre.scrollWidth <= pre.clientWidth + 1) continue;
    pre.style.outline = '3px solid red';
    const kind = pre.closest('.cell_input') ? 'input' : pre.closest('.cell_output, .output') ? 'output' : 'markdown';
    const lines = pre.textContent.replace(/\n$/, '').split('\n');
    const longest = lines.reduce((a, b) => b.length > a.length ? b : a, '');
    rep.cells.push({kind, longest, chars: longest.length, lines: lines.length,
                    over_px: pre.scrollWidth - pre.clientWidth});
  }
  const out = document.createElement('pre'); out.id = 'width-report'; out.style.display = 'none';
  out.textContent = JSON.stringify(rep); document.body.appendChild(out);
}, 200)));
</script>"""


def chromium(url, width, height, *args):
    """Run headless Chromium on `url`; returns stdout (the dumped DOM for --dump-dom)."""
    with tempfile.TemporaryDirectory() as prof:  # a fresh profile: no lock, no state between runs
        cmd = [shutil.which('chromium') or '/usr/bin/chromium', '--headless', '--no-sandbox',
               '--disable-gpu', f'--user-data-dir={prof}',
               f'--window-size={width},{height}', '--virtual-time-budget=5000', *args, url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout


def check_page(root, page, width, out):
    src = root / page
    tmp = src.with_name(f'.book_width.{src.name}')
    text = src.read_text(encoding='utf-8')
    tmp.write_text(text.replace('</body>', JS + '\n</body>', 1) if '</body>' in text else text + JS,
                   encoding='utf-8')
    try:
        dom = chromium(tmp.as_uri(), width, 1000, '--dump-dom')
        m = re.search(r'<pre id="width-report"[^>]*>(.*?)</pre>', dom, re.S)
        if not m: raise RuntimeError(f'{page}: no report in the DOM Chromium dumped')
        rep = json.loads(html.unescape(m.group(1)))
        if rep['innerWidth'] != width: raise RuntimeError(f'{page}: viewport is {rep["innerWidth"]} px, not {width}')
        png = out / (page.replace('/', '_').removesuffix('.html') + '.png')
        chromium(tmp.as_uri(), width, min(max(rep['height'], 1000), 16000), f'--screenshot={png}')
        rep['screenshot'] = str(png)
    finally:
        tmp.unlink(missing_ok=True)
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--html', default='book/_build/html', help='built book (HTML folder)')
    ap.add_argument('--width', type=int, default=1400, help='browser window width in pixels')
    ap.add_argument('--out', default='book_width_report', help='folder for screenshots and report.json')
    ap.add_argument('--pages', help='comma-separated pages relative to --html (default: nbs/*.html, intro, index)')
    a = ap.parse_args()
    root, out = Path(a.html).resolve(), Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    if a.pages: pages = [p.strip() for p in a.pages.split(',') if p.strip()]
    else:  # the top-level pages (not a bare redirect such as Jupyter Book's index.html) and nbs/*.html
        pages = [p for p in ('index.html', 'intro.html') if (root / p).exists()
                 and 'http-equiv="Refresh"' not in (root / p).read_text(encoding='utf-8')[:300]]
        pages += sorted(str(p.relative_to(root)) for p in root.glob('nbs/*.html'))
    missing = [p for p in pages if not (root / p).is_file()]
    if missing: sys.exit(f'not found under {root}: {", ".join(missing)}')
    if not pages: sys.exit(f'no pages found under {root}; build the book first (jupyter-book build book)')
    report, failed = {'width': a.width, 'pages': {}}, False
    for page in pages:
        rep = check_page(root, page, a.width, out)
        report['pages'][page] = rep
        if rep.get('fits') is not None and rep['column_px'] < report.get('column_px', 1e9):  # narrowest
            report.update({k: rep[k] for k in ('fits', 'char_px', 'column_px', 'font')})
        cells = rep['cells']
        failed |= bool(cells)                  # inputs, outputs and Markdown code blocks alike
        fits = f' (column fits {rep["fits"]} chars)' if rep.get('fits') else ''
        if not cells: print(f'ok {page}{fits}'); continue
        print(f'overflow {page}: {len(cells)} code cell(s) wider than the column{fits}:')
        for c in cells:
            print(f'  {c["kind"]:8} longest line {c["chars"]} chars (+{c["over_px"]} px): {c["longest"][:60]!r}')
    (out / 'report.json').write_text(json.dumps(report, indent=1))
    if 'fits' in report:
        print(f'column fits {report["fits"]} characters at {a.width} px ({report["column_px"]} px wide, '
              f'{report["char_px"]:.2f} px a character, {report["font"].rsplit(" ", 1)[-1]} monospace)')
    print(f'report and screenshots in {out}')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()

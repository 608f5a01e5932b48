"Shared helpers for the benchmark scripts: machine description and result files."
import datetime, json, os, sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / 'results'

def machine() -> str:
    "The package's one-line machine description, plus memory and Python version."
    import platform
    from needle_nbdev.train import machine_info
    mem = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30
    return f"{machine_info()}, {mem:.0f} GiB RAM, Python {platform.python_version()}"

def median(v) -> float:
    "Median of a non-empty sequence of numbers."
    v = sorted(v); h = len(v) // 2
    return float(v[h]) if len(v) % 2 else float((v[h - 1] + v[h]) / 2)

def save(name:str, results:dict, table:str, meta:dict|None=None) -> Path:
    "Write results/NAME.json and results/NAME.md with the command, machine and date (those of meta, when re-rendering a saved run)."
    RESULTS.mkdir(exist_ok=True)
    if meta: meta = {k: meta[k] for k in ('command', 'machine', 'date')}
    else: meta = dict(command='python ' + ' '.join([os.path.relpath(sys.argv[0])] + sys.argv[1:]), machine=machine(),
                      date=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'))
    (RESULTS / f'{name}.json').write_text(json.dumps({**meta, 'results': results}, indent=2))
    (RESULTS / f'{name}.md').write_text(f"Command: `{meta['command']}`  \nMachine: {meta['machine']}  \nDate: {meta['date']}\n\n{table}\n")
    print(table); print(f"\nwrote {RESULTS / name}.json and .md")
    return RESULTS / f'{name}.json'

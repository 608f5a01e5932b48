"Shared helpers for the benchmark scripts: machine description and result files."
import datetime, json, os, sys
from statistics import median
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / 'results'

def machine() -> str:
    "The package's one-line machine description, plus memory and Python version."
    import platform
    from needle_nbdev.runs import machine_info
    mem = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30
    return f"{machine_info()}, {mem:.0f} GiB RAM, Python {platform.python_version()}"

def rounds_table(runs:dict, ref:str, title:str, ref_label:str|None=None) -> tuple:
    "Summarize alternating rounds {config: [img/s per round]}: best, median, and median ratio to config ref in the same round; (results, markdown table)."
    res = {k: dict(best_img_per_s=round(max(v), 3), median_img_per_s=round(median(v), 3),
                   paired_ratio_median=round(median([x / n for x, n in zip(v, runs[ref])]), 3), runs=[round(x, 3) for x in v]) for k, v in runs.items()}
    rows = '\n'.join(f"| {k} | {v['best_img_per_s']:.2f} | {v['median_img_per_s']:.2f} | {v['paired_ratio_median']:.2f} |" for k, v in res.items())
    n = len(runs[ref])
    return res, f"| {title} | best img/s | median img/s | median ratio to {ref_label or f'`{ref}`'} in the same round ({n} rounds) |\n|---|---|---|---|\n" + rows

def _now() -> str: return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')

def this_command() -> str:
    "This script's command line, quoted so that it can be pasted into a shell."
    import shlex
    return 'python ' + shlex.join([os.path.relpath(sys.argv[0])] + sys.argv[1:])

def commit() -> str:
    "The checkout's commit (short hash), with '+changes' when the working tree differs from it."
    import subprocess
    git = lambda *a: subprocess.run(['git', '-C', str(RESULTS.parent), *a], capture_output=True, text=True).stdout.strip()
    h = git('rev-parse', '--short', 'HEAD')
    return h + ('+changes' if git('status', '--porcelain', '--untracked-files=no', '--', '../needle_nbdev') else '')

def stamp() -> str:
    "When and at which commit a row was measured: 'date, commit' (rows of partial reruns differ)."
    return f"{_now()}, {commit()}"

def rerun_meta(old:dict) -> dict:
    "The meta of a partial rerun: the saved run's, with this command appended to its list of commands."
    cmds = old.get('commands') or [old['command']]
    return dict(old, commands=[*cmds, f"{this_command()}  # {_now()}, commit {commit()}, {machine()}"])

def save(name:str, results:dict, table:str, meta:dict|None=None) -> Path:
    """Write results/NAME.json and results/NAME.md with the commands, machine, date and commit (those of meta,
    when re-rendering a saved run or adding a partial rerun to it: see `rerun_meta`)."""
    RESULTS.mkdir(exist_ok=True)
    if meta: meta = dict(commands=meta.get('commands') or [meta['command']], machine=meta['machine'],
                         date=meta['date'], commit=meta.get('commit'))
    else: meta = dict(commands=[this_command()], machine=machine(), date=_now(), commit=commit())
    meta = dict(command=meta['commands'][0], **meta)      # the full run; `commands` adds the partial reruns
    (RESULTS / f'{name}.json').write_text(json.dumps({**meta, 'results': results}, indent=2))
    cmds = '\n'.join(meta['commands'])
    (RESULTS / f'{name}.md').write_text(f"Machine: {meta['machine']}  \nDate: {meta['date']}"
                                        f"{', commit ' + meta['commit'] if meta['commit'] else ''}\n\n"
                                        f"```sh\n{cmds}\n```\n\n{table}\n")
    print(table); print(f"\nwrote {RESULTS / name}.json and .md")
    return RESULTS / f'{name}.json'

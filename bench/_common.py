"Shared helpers for the benchmark scripts: machine description and result files."
import datetime, json, os, platform, sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / 'results'

def machine() -> str:
    "CPU model, core count, memory and library versions, as one line."
    cpu = platform.processor() or 'unknown CPU'
    try:
        cpu = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): pass
    mem = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30
    import tensorflow as tf, keras
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}"

def save(name:str, results:dict, table:str) -> Path:
    "Write results/NAME.json and results/NAME.md with the command, machine and date."
    RESULTS.mkdir(exist_ok=True)
    meta = dict(command='python ' + ' '.join([os.path.relpath(sys.argv[0])] + sys.argv[1:]), machine=machine(),
                date=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'))
    (RESULTS / f'{name}.json').write_text(json.dumps({**meta, 'results': results}, indent=2))
    (RESULTS / f'{name}.md').write_text(f"Command: `{meta['command']}`  \nMachine: {meta['machine']}  \nDate: {meta['date']}\n\n{table}\n")
    print(table); print(f"\nwrote {RESULTS / name}.json and .md")
    return RESULTS / f'{name}.json'

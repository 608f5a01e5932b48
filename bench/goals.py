"""The Benchmarks page's goals table, and which figures are stale, from the results files (nothing typed by hand).

    python bench/goals.py            # writes bench/results/goals.md from bench/results/*.json
    python bench/goals.py --stale    # lists every figure shown in the README or the book whose results are
                                     # older than the last commit that changed the code it measures
    python bench/goals.py --list     # every figure: its results, the modules it measures, its date

Run it after any benchmark; CI's book build includes goals.md as it was committed, and CI prints `--stale`.
"""
import datetime, functools, json, re, subprocess, sys
from _common import RESULTS

ROOT = RESULTS.parent.parent

# Every figure shown in the README or the book: where its numbers come from (a results file in
# bench/results, or the stored output of a notebook cell: 'nbs/NB.ipynb#CELL_ID'), the package modules
# whose code it measures (kept minimal: a change elsewhere does not make it stale), the functions it
# names (`needs`: a figure of code that no longer exists is reported, to be dropped), the command that
# refreshes it and about how long that takes on the 2-core machine (a rough guess where it was not timed).
FIGURES = {
    'demo': dict(source='nbs/06_demo.ipynb#559191cf', minutes=9, shown='README, 06_demo',
                 modules=['demo', 'synth', 'train', 'unet', 'augment', 'data', 'predict', 'localize'],
                 command='python tools/run_nb.py nbs/06_demo.ipynb --slow all'),
    'realtime': dict(source='realtime', minutes=6, shown='README, 11_tracking, benchmarks',
                     modules=['predict', 'localize', 'track', 'video', 'tiphead'],
                     command='cd bench && python realtime.py --model ../runs/demo/run --n 40 --rounds 3'),
    'runtimes': dict(source='runtimes', minutes=8, shown='13_export',
                     modules=['export', 'keras2onnx', 'predict', 'localize', 'track', 'video'],
                     command='cd bench && python runtimes.py --model ../runs/demo/run --n 20'),
    'tracking': dict(source='tracking', minutes=40, shown='README, 11_tracking',
                     modules=['track', 'tiphead', 'localize', 'predict', 'stereo', 'synth'],
                     command='python tools/run_nb.py nbs/11_tracking.ipynb --slow all'),
    'isbi_experiment': dict(source='isbi_experiment', minutes=95, shown='README, 04_train, 05_predict, benchmarks',
                            modules=['unet', 'train', 'augment', 'data', 'metrics', 'predict'],
                            command='python bench/isbi_experiment.py --minutes 30'),
    'plan_experiment': dict(source='plan_experiment', minutes=45, shown='README, 04d_plan',
                            modules=['plan', 'train', 'data', 'augment', 'unet', 'predict'],
                            command='cd bench && python plan_experiment.py --minutes 2.5'),
    'plan_seeds': dict(source='plan_seeds', minutes=31, shown='README, 04d_plan',
                       modules=['plan', 'train', 'data', 'augment', 'unet', 'predict'],
                       command='cd bench && python plan_seeds.py --minutes 2.5 --seeds 0,1,2'),
    'real_frames': dict(source='real_frames', minutes=10, shown='README, 04e_pretrained',
                        modules=['predict', 'localize', 'runs', 'plan', 'train', 'tiphead', 'labels', 'cli'],
                        command='cd bench && python real_frames.py --fewshot --minutes 2.5'),
    'families_zero_shot': dict(source='families_zero_shot', minutes=3, shown='closing notes',
                               modules=['predict', 'localize', 'runs', 'families', 'tiphead'],
                               command='cd bench && python families_zero_shot.py'),
    'loso': dict(source='loso', minutes=5, shown='00e_scenes',
                 modules=['scenes', 'plan', 'train', 'data', 'predict', 'localize', 'families', 'tiphead'],
                 command='cd bench && python loso.py --minutes 1'),
    'one_scene': dict(source='one_scene', minutes=20, shown='README, 04d_plan',
                      modules=['plan', 'pretrained', 'train', 'data', 'augment', 'unet', 'predict', 'localize',
                               'tiphead', 'labels', 'cli'],
                      command='cd bench && python one_scene.py --minutes 2.5'),
    'wise_sweep': dict(source='wise_sweep', minutes=15, shown='04d_plan',
                       modules=['plan', 'pretrained', 'train', 'data', 'augment', 'unet', 'predict', 'localize',
                                'tiphead', 'labels', 'cli'],
                       command='cd bench && python wise_sweep.py --minutes 2.5'),
    'onednn': dict(source='onednn', minutes=10, shown='01_augment, 04_train, benchmarks', modules=['unet'],
                   command='python bench/onednn.py --rounds 1'),
    'multiworker': dict(source='multiworker', minutes=10, shown='04_train, 04b_distributed, benchmarks',
                        modules=['distributed', 'train'], command='python bench/multiworker.py'),
    'multiworker_iou': dict(source='multiworker_iou', minutes=25, shown='04b_distributed',
                            modules=['distributed', 'train', 'unet', 'data', 'augment', 'predict'],
                            command='cd bench && python multiworker_iou.py --minutes 2 --steps 5'),
    'budget_runs': dict(source='budget_runs', minutes=40, shown='07_robustness',
                        modules=['train', 'plan', 'callbacks', 'data', 'augment', 'unet', 'predict', 'tiphead',
                                 'labels'],
                        command='cd bench && python budget_runs.py --runs 12 --minutes 2.5'),
    'end_stall': dict(source='end_stall', minutes=21, shown='00b_dataset',
                      modules=['data', 'train', 'callbacks', 'plan'],
                      command='cd bench && python end_stall.py --runs 3'),
    'weighted_bce_speed': dict(source='weighted_bce_speed', minutes=10, shown='benchmarks',
                               modules=['metrics', 'train'], command='cd bench && python weighted_bce_speed.py'),
    'augment_throughput': dict(source='augment_throughput', minutes=4, shown='01_augment, benchmarks',
                               modules=['augment', 'data'], command='cd bench && python augment_throughput.py'),
    'fast_streaming': dict(source='fast_streaming', minutes=10, shown='01_augment, benchmarks',
                           modules=['data', 'augment', 'unet'], command='cd bench && python fast_streaming.py'),
    'streaming_threads': dict(source='streaming_threads', minutes=5, shown='00b_dataset, benchmarks',
                              modules=['data'], command='cd bench && python streaming_threads.py'),
    'suite_1_training': dict(source='suite_1_training', minutes=15, shown='01_augment, benchmarks',
                             modules=['data', 'augment', 'train'], command='python bench/run_all.py --parts 1'),
    'suite_2_inference': dict(source='suite_2_inference', minutes=5, shown='benchmarks', modules=['unet', 'predict'],
                              command='python bench/run_all.py --parts 2 --presets needle,fast'),
    'suite_3_overlap_tile': dict(source='suite_3_overlap_tile', minutes=5, shown='05_predict, benchmarks',
                                 modules=['predict'], command='python bench/run_all.py --parts 3'),
    'suite_4_fast_vs_needle': dict(source='suite_4_fast_vs_needle', minutes=30, shown='benchmarks',
                                   modules=['unet', 'train', 'predict', 'localize'],
                                   command='python bench/run_all.py --parts 4 --presets needle,fast'),
    'suite_5_rss': dict(source='suite_5_rss', minutes=5, shown='04_train, benchmarks', modules=['data'],
                        command='python bench/run_all.py --parts 5'),
    'labels_vs_masks': dict(source='labels_vs_masks', minutes=60, shown='14_labels',
                            modules=['labels', 'train', 'plan', 'data', 'augment', 'unet', 'predict', 'synth'],
                            command='cd bench && python labels_vs_masks.py --minutes 5 --seeds 6'),
    'labels_ignore_band': dict(source='labels_ignore_band', minutes=105, shown='14_labels',
                               modules=['labels', 'train', 'plan', 'data', 'augment', 'unet', 'predict',
                                        'synth'],
                               command='cd bench && python labels_vs_masks.py --minutes 5 --seeds 6 && '
                                       'python labels_ignore_band.py --minutes 5 --seeds 6'),
    'lvm_xeon': dict(source='lvm_xeon', minutes=65, shown='14_labels',
                     modules=['labels', 'train', 'plan', 'data', 'augment', 'unet', 'predict', 'synth'],
                     command='cd bench && python labels_vs_masks.py --minutes 5 --seeds 6 --name lvm_xeon'),
    'labels_posthoc': dict(source='labels_posthoc', minutes=71, shown='14_labels',
                           modules=['labels', 'train', 'plan', 'data', 'augment', 'unet', 'predict', 'synth',
                                    'localize', 'tiphead', 'metrics'],
                           command='cd bench && python labels_vs_masks.py --minutes 5 --seeds 6 --name lvm_xeon && '
                                   'python labels_posthoc.py --name lvm_xeon --seeds 6'),
    'labels_aligned': dict(source='labels_aligned', minutes=115, shown='14_labels',
                           modules=['labels', 'train', 'plan', 'data', 'augment', 'unet', 'predict', 'synth',
                                    'localize', 'tiphead'],
                           command='cd bench && python labels_vs_masks.py --minutes 5 --seeds 6 --name lvm_xeon && '
                                   'python labels_aligned.py --name lvm_xeon --minutes 5 --seeds 6'),
    'labels_snap': dict(source='labels_snap', minutes=150, shown='14_labels',
                        modules=['snap', 'labels', 'train', 'plan', 'data', 'augment', 'unet', 'predict',
                                 'synth', 'localize', 'tiphead'],
                        command='cd bench && python labels_vs_masks.py --minutes 5 --seeds 6 && '
                                'python labels_ignore_band.py --minutes 5 --seeds 6 && '
                                'python labels_snap.py --minutes 5 --seeds 6'),
    'snap_drawn': dict(source='nbs/14a_snap.ipynb#c3140ab3', minutes=3, shown='14a_snap',
                       modules=['snap', 'labels', 'synth', 'metrics'],
                       command='python tools/run_nb.py nbs/14a_snap.ipynb --slow c3140ab3'),
    'snap_real': dict(source='nbs/14a_snap.ipynb#5a7e1c04', minutes=2, shown='14a_snap',
                      modules=['snap', 'labels', 'metrics'],
                      command='python tools/run_nb.py nbs/14a_snap.ipynb --slow 5a7e1c04'),
    'labels_vs_masks_10min': dict(source='labels_vs_masks_10min', minutes=65, shown='14_labels, benchmarks',
                                  modules=['labels', 'train', 'plan', 'data', 'augment', 'unet', 'predict',
                                           'synth'],
                                  command='cd bench && python labels_vs_masks.py --minutes 10 --seeds 3 '
                                          '--name labels_vs_masks_10min'),
}

@functools.lru_cache(maxsize=None)
def _git(*args) -> str:
    return subprocess.run(['git', '-C', str(ROOT), *args], capture_output=True, text=True).stdout.strip()

def _when(s:str) -> datetime.datetime:
    "A results file's 'YYYY-MM-DD HH:MM UTC' or git's ISO date, as an aware datetime."
    s = s.strip()
    if s.endswith('UTC'): return datetime.datetime.strptime(s, '%Y-%m-%d %H:%M UTC').replace(tzinfo=datetime.timezone.utc)
    return datetime.datetime.fromisoformat(s)

def _stored_output(path:str, cell_id:str, rev:str='') -> str|None:
    "The text outputs of one notebook cell, in the working tree or at git revision `rev`."
    try: nb = json.loads(_git('show', f'{rev}:{path}') if rev else (ROOT / path).read_text())
    except (ValueError, OSError): return None
    c = next((c for c in nb['cells'] if c.get('id') == cell_id), None)
    return None if c is None else json.dumps(c.get('outputs', []))

def provenance(name:str) -> dict:
    "date (of the oldest numbers), commit, machine and commands of a figure's source."
    src = FIGURES[name]['source']
    if '#' in src:                                       # a notebook's stored output: when git first saw it
        path, cid = src.split('#'); now, when, commit = _stored_output(path, cid), None, None
        for line in _git('log', '--format=%H %cI', '--', path).splitlines():
            h, d = line.split()
            if _stored_output(path, cid, h) != now: break
            when, commit = d, h[:7]
        return dict(date=_when(when) if when else None, commit=commit, machine=None, commands=[FIGURES[name]['command']])
    f = RESULTS / f'{src}.json'
    if not f.exists(): return dict(date=None, commit=None, machine=None, commands=[FIGURES[name]['command']])
    d = json.loads(f.read_text())
    cmds = d.get('commands') or [d['command']]
    return dict(date=_when(d['date']), commit=d.get('commit') or _git('log', '-1', '--format=%h', '--', str(f)),
                machine=d.get('machine'), commands=cmds, rerun=last_rerun(cmds))

def last_rerun(cmds:list) -> str|None:
    "'date' or 'date, commit' of the newest partial rerun in a results file's commands (None if none)."
    m = re.search(r'#\s*(\d{4}-\d\d-\d\d)[^,]*(?:,\s*commit\s+(\w+))?', cmds[-1]) if len(cmds) > 1 else None
    return None if m is None else ', '.join(x for x in m.groups() if x)

def _code(src:str|None) -> str|None:
    "A module's code without comments, docstrings and formatting (ast.dump), or None when absent or unparsable."
    import ast
    try: tree = ast.parse(src)
    except (SyntaxError, TypeError, ValueError): return None
    for n in ast.walk(tree):                            # docstrings are not code
        b = getattr(n, 'body', None)
        if isinstance(b, list) and b and isinstance(b[0], ast.Expr) and isinstance(getattr(b[0], 'value', None), ast.Constant) \
                and isinstance(b[0].value.value, str): n.body = b[1:] or [ast.Pass()]
    return ast.dump(tree)

def changed_since(modules:list, when:datetime.datetime) -> tuple:
    "(date, commit, module) of the newest commit after `when` that changed the code of any module, or Nones."
    newest = (None, None, None)
    for m in modules:
        path = f'needle_nbdev/{m}.py'
        base = _git('rev-list', '-1', '--first-parent', f'--before={when.isoformat()}', 'HEAD')
        then = _code(_git('show', f'{base}:{path}')) if base else None
        if then is not None and then == _code((ROOT / path).read_text()): continue
        for line in _git('log', '--first-parent', '--format=%H %cI', f'--since={when.isoformat()}', '--', path).splitlines():
            h, d = line.split()                         # the newest commit whose code differs from its parent's
            if _code(_git('show', f'{h}:{path}')) != _code(_git('show', f'{h}^:{path}')):
                newest = max(newest, (_when(d), h[:7], m), key=lambda t: t[0] or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc))
                break
        else:
            if then != _code((ROOT / path).read_text()):   # uncommitted changes
                newest = max(newest, (datetime.datetime.now(datetime.timezone.utc), 'uncommitted', m),
                             key=lambda t: t[0] or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc))
    return newest

def _defines(module:str, name:str) -> bool:
    "Does needle_nbdev/MODULE.py define NAME (a function, class or assignment at its top level)?"
    p = ROOT / 'needle_nbdev' / f'{module}.py'
    return p.exists() and bool(re.search(rf'^(def|class) {name}\b|^{name}\s*=', p.read_text(), re.M))

def stale() -> list:
    "Figures whose numbers are older than the last change of the code they measure: (name, why, command)."
    res = []
    for name, f in FIGURES.items():
        gone = [m for m in f['modules'] if not (ROOT / 'needle_nbdev' / f'{m}.py').exists()]
        gone += [n for n in f.get('needs', []) if not _defines(*n.split('.'))]
        if gone: res.append((name, f"measures code that no longer exists (drop the figure): {', '.join(gone)}", None)); continue
        p = provenance(name)
        if p['date'] is None: res.append((name, f"no results ({f['source']})", f['command'])); continue
        d, h, m = changed_since(f['modules'], p['date'])
        if d:
            res.append((name, f"results of {p['date']:%Y-%m-%d %H:%M} older than {m}.py, changed {d:%Y-%m-%d %H:%M} ({h})",
                        f['command']))
    return res

def _r(name): return json.loads((RESULTS / f'{name}.json').read_text())['results']
def _yes(ok): return 'yes' if ok else '**no**'

def _labels_row(lv:dict, goal:str) -> tuple:
    "The goals row of one labels_vs_masks results file: clicks against masks."
    q, mk = lv['ratio'], lv['runs']['true masks']
    return (goal, f"IoU {q['iou']:.2f}×, tip accuracy {q['tip_accuracy']:.2f}× in {lv['minutes']} min each, "
                  f"mean of {lv.get('seeds', 1)} seed(s) "
                  f"(options: {lv.get('config', 'fixed')}; the masks' model: IoU {mk['iou']:.3f}, "
                  f"tip {mk.get('tip_error_median') or float('nan'):.1f} px)"
                  + (f"; on the same frames: tips within {lv['tip_ok_px']:g} px {q['tip_within_10px']:.2f}×, "
                     f"median tip error where both found the needle {q['tip_paired']:.2f}×"
                     if 'tip_paired' in q else ''),
            _yes(min(q['iou'], q['tip_accuracy']) >= 0.9))

def rows() -> list:
    "(goal, measured, met?) rows, each computed from a results file."
    s1, s2, s3, s4, s5 = (_r(f'suite_{i}_{n}') for i, n in ((1, 'training'), (2, 'inference'), (3, 'overlap_tile'),
                                                            (4, 'fast_vs_needle'), (5, 'rss')))
    best = lambda v: max(v['streaming_runs']) / max(v['in_memory_runs'])
    st = '; '.join(f"{k} {best(v):.2f} / {v['ratio']:.2f}" for k, v in s1.items())
    st_met = [k for k, v in s1.items() if min(best(v), v['ratio']) >= 1.0]
    au = _r('augment_throughput'); o, n = s3['overlap_tile'], s3['naive_loop']
    f, nd = s4['fast'], s4['needle']; a, b = s5['200']['peak_rss_mb'], s5['2000']['peak_rss_mb']
    out = [("streaming with augmentation ≥ 1.0× in-memory (part 1)", f"ratio of bests / median per-round ratio: {st}",
            f"on both estimates for: {', '.join(st_met) or 'none'}; elsewhere not, or within this machine's noise"),
           ("augmentation ≥ 0.9× no augmentation (paired rounds)",
            f"`Augment.needle()` {au['needle']['paired_ratio_median']:.2f}×, `Augment.isbi()` {au['isbi']['paired_ratio_median']:.2f}×",
            _yes(min(au['needle']['paired_ratio_median'], au['isbi']['paired_ratio_median']) >= 0.9)),
           ("inference ≥ 60% of the measured matmul rate at 512² (part 2)",
            f"{s2['fraction_of_matmul']:.1%} ({s2['gflop_s']} of {s2['matmul_gflop_s']} GFLOP/s)", _yes(s2['fraction_of_matmul'] >= 0.6)),
           ("overlap-tile ≥ 1.5× the naive loop on 4096², at ≤ 1.5× its peak RSS (part 3)",
            f"{s3['speed_ratio']:.2f}× ({o['seconds']} s against {n['seconds']} s); peak RSS {o['peak_rss_mb']:,.0f} MB "
            f"against {n['peak_rss_mb']:,.0f} MB ({o['peak_rss_mb'] / n['peak_rss_mb']:.2f}×)",
            _yes(s3['speed_ratio'] >= 1.5 and o['peak_rss_mb'] <= 1.5 * n['peak_rss_mb'])),
           ("`fast` ≥ 20 frames/s at 256² on 2 cores (part 4)", f"{f['frames_s_256']:.1f} frames/s, one frame per call",
            _yes(f['frames_s_256'] >= 20)),
           ("`fast` within 0.02 IoU of `needle_unet` (part 4)", f"IoU {f['iou']:.3f} against {nd['iou']:.3f}; median tip error "
            f"{f['tip_error_median']:.1f} px against {nd['tip_error_median']:.1f} px", _yes(f['iou'] >= nd['iou'] - 0.02)),
           ("flat RSS while streaming 200 vs 2,000 frames (part 5)", f"{a:,.0f} MB against {b:,.0f} MB", _yes(b / a < 1.05))]
    if (RESULTS / 'weighted_bce_speed.json').exists():
        w = _r('weighted_bce_speed')
        out.append(("`weighted_bce` trains at ≥ 0.8× the speed of `bce`", f"{w['ratio_median']:.2f}× (median of per-round ratios); "
                    f"the weight maps cost {w['weight_map_ms_per_batch']} ms per batch of {w['batch']}", _yes(w['ratio_median'] >= 0.8)))
    if (RESULTS / 'isbi_experiment.json').exists():
        x = _r('isbi_experiment'); k = min(x, key=lambda k: x[k]['22-24']['rand_error']); e = x[k]['25-29']
        out.append(("ISBI slices 25–29: Rand error ≤ 0.10 and pixel error ≤ 0.06 in 30 min of CPU training",
                    f"{k} (chosen on 22–24): Rand {e['rand_error']:.3f}, pixel {e['pixel_error']:.3f}",
                    _yes(e['rand_error'] <= 0.10 and e['pixel_error'] <= 0.06)))
    for name, goal in (('labels_vs_masks', "a model trained from clicks alone ≥ 0.9× the true masks' model, "
                                           "held-out IoU and tip accuracy (issue 34)"),
                       ('labels_vs_masks_10min', "the same at `needle_train`'s default budget (issue 34)")):
        if (RESULTS / f'{name}.json').exists(): out.append(_labels_row(_r(name), goal))
    if (RESULTS / 'labels_snap.json').exists():
        x = _r('labels_snap'); q, t = x['ratio']['snapped clicks (needle_snap)'], x['tip_within_10px_ratio']
        out.append(("the same from clicks snapped by `needle_snap`, on 4 and 12 held-out insertions (issue 34)",
                    f"IoU {q['standard']:.2f}× (4 insertions), {q['wide']:.2f}× (12); tips within 10 px {t:.2f}×; "
                    f"mean of {x['seeds']} seeds, {x['minutes']:g} min each", _yes(min(*q.values(), t) >= 0.9)))
    if (RESULTS / 'runtimes.json').exists() and 'tip_truth_px' in _r('runtimes')['runtimes']['keras fp32']:
        rs = _r('runtimes')['runtimes']; ref = rs['keras fp32']['tip_truth_px']
        q = {k: v for k, v in rs.items() if k.endswith('int8')}
        out.append(("int8: mask IoU ≥ 0.99 against fp32, median tip error within 0.5 px of fp32's (issue 35)",
                    '; '.join(f"{k}: IoU {v['mean_iou']:.4f}, tip {v['tip_truth_px']:.2f} px" for k, v in q.items())
                    + f" (fp32: {ref:.2f} px)",
                    _yes(all(v['mean_iou'] >= 0.99 and v['tip_truth_px'] - ref <= 0.5 for v in q.values()))))
    return out

def main():
    md = "| goal | measured | met? |\n|---|---|---|\n" + '\n'.join(f"| {g} | {m} | {ok} |" for g, m, ok in rows())
    (RESULTS / 'goals.md').write_text(md + '\n'); print(md)

def report_stale() -> str:
    "The --stale report: one line per stale figure, with the command that refreshes it."
    rows = stale()
    if not rows: return 'no stale figures'
    return '\n'.join(f"stale: {n} ({FIGURES[n]['shown']}): {why}" + (f"\n  refresh (~{FIGURES[n]['minutes']} min): {c}" if c else '')
                     for n, why, c in rows)

if __name__ == '__main__':
    if '--stale' in sys.argv: print(report_stale())
    elif '--list' in sys.argv:
        for n, f in FIGURES.items():
            p = provenance(n); when = p['date'].strftime('%Y-%m-%d %H:%M') if p['date'] else 'never'
            print(f"{n}: {f['source']} of {when} (commit {p['commit']}); measures {', '.join(f['modules'])}; "
                  f"shown in {f['shown']}")
    else: main()

"""The Benchmarks page's goals table, generated from the results files (nothing typed by hand).

    python bench/goals.py        # writes bench/results/goals.md from bench/results/*.json

Run it after any benchmark; CI's book build includes the file as it was committed.
"""
import json
from _common import RESULTS

def _r(name): return json.loads((RESULTS / f'{name}.json').read_text())['results']
def _yes(ok): return 'yes' if ok else '**no**'

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
    return out

def main():
    md = "| goal | measured | met? |\n|---|---|---|\n" + '\n'.join(f"| {g} | {m} | {ok} |" for g, m, ok in rows())
    (RESULTS / 'goals.md').write_text(md + '\n'); print(md)

if __name__ == '__main__': main()

#!/usr/bin/env python3
"""Regenerate masks/<frame>.png (0/255, 960x540) from labels.csv.

Each needle is drawn as a polyline entry -> (mid, if given) -> tip with
thickness round(width_px), cv2.LINE_8 (no antialiasing), end points rounded
to the nearest pixel. Rows with note 'no_needle' give an all-zero mask.
Usage: python3 make_masks.py [labels.csv] [out_dir]
"""
import csv, os, sys
import cv2
import numpy as np

W, H = 960, 540
HERE = os.path.dirname(os.path.abspath(__file__))

def polyline(row):
    "The label's points entry -> (mid) -> tip as int32 pixels, or None for a frame without a needle."
    if row['tip_x'] == '':
        return None
    pts = [(float(row['entry_x']), float(row['entry_y']))]
    if row.get('mid_x', ''):
        pts.append((float(row['mid_x']), float(row['mid_y'])))
    pts.append((float(row['tip_x']), float(row['tip_y'])))
    return np.round(np.array(pts)).astype(np.int32)

def draw(row):
    "The 0/255 mask of one labels.csv row."
    m = np.zeros((H, W), np.uint8)
    pts = polyline(row)
    if pts is not None:
        th = max(1, int(round(float(row['width_px']))))
        cv2.polylines(m, [pts.reshape(-1, 1, 2)], False, 255, thickness=th, lineType=cv2.LINE_8)
    return m

def rows(src=os.path.join(HERE, 'labels.csv')):
    "The rows of labels.csv as dicts."
    with open(src, newline='') as fh: return list(csv.DictReader(fh))

if __name__ == '__main__':
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'labels.csv')
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, 'masks')
    os.makedirs(out, exist_ok=True)
    rs = rows(src)
    for row in rs: cv2.imwrite(os.path.join(out, row['frame'] + '.png'), draw(row))
    print('wrote %d masks to %s' % (len(rs), out))

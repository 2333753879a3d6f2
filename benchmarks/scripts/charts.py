#!/usr/bin/env python3
"""Turns benchmark result files into SVG charts of Weft against each peer, as ratios.

Input: CSV files written by the benchmark harnesses (PlainBench --csv FILE, or by hand from a JMH
run), one row per comparison, with a header line:

  group,case,weft,weft_value,peer,peer_value,unit,higher_is_better,harness

  group             the chart the row belongs to (one SVG per group)
  case              what was measured, e.g. "Lock, 4 platform threads"
  weft, peer        what was measured on each side, e.g. "Lock", "ReentrantLock"
  weft_value,
  peer_value        the two figures of the same run, in unit
  higher_is_better  true for throughput, false for times
  harness           which harness measured it (PlainBench, JMH, ...)

Lines starting with '#' are comments (the harnesses write the machine and the run's settings
there; they are copied into the chart's caption).

Each chart draws, per row, the ratio "Weft / peer" oriented so that more than 1.0 means Weft is
better (throughput: weft / peer; time: peer / weft), on a logarithmic axis with the peer at 1.0.

Usage:
  python3 benchmarks/scripts/charts.py benchmarks/results/*.csv --out docs/charts

Standard library only; the SVG is written by hand, so the output is identical for identical input.
"""

import argparse
import csv
import html
import math
import os
import re
import sys
import textwrap
from collections import OrderedDict

WIDTH = 860
LABEL_WIDTH = 330
RIGHT_MARGIN = 70
ROW_HEIGHT = 26
TOP = 64
BOTTOM = 64
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"


def read_rows(paths):
    groups = OrderedDict()
    notes = OrderedDict()
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            lines = f.read().splitlines()
        comments = [l[1:].strip() for l in lines if l.startswith("#")]
        data = [l for l in lines if l.strip() and not l.startswith("#")]
        for row in csv.DictReader(data):
            missing = [k for k in ("group", "case", "weft", "weft_value", "peer", "peer_value", "unit",
                                   "higher_is_better", "harness") if row.get(k) in (None, "")]
            if missing:
                sys.exit(f"{path}: row {row} lacks {', '.join(missing)}")
            weft = float(row["weft_value"])
            peer = float(row["peer_value"])
            if weft <= 0 or peer <= 0:
                sys.exit(f"{path}: values must be positive, got weft {weft} and peer {peer} in {row}")
            higher = row["higher_is_better"].strip().lower() == "true"
            row["ratio"] = weft / peer if higher else peer / weft
            groups.setdefault(row["group"], []).append(row)
            group_notes = notes.setdefault(row["group"], [])
            for c in comments:
                note = f"{os.path.basename(path)}: {c}"
                if note not in group_notes:
                    group_notes.append(note)
    return groups, notes


def colour(ratio):
    if ratio >= 1.0:
        return "#2e7d32"  # at least the peer
    if ratio >= 0.7:
        return "#f9a825"  # within the usual goal
    return "#c62828"


def fmt(ratio):
    return f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.0f}x"


def chart(group, rows, notes):
    ratios = [r["ratio"] for r in rows]
    lo = min(0.5, min(ratios) / 1.2)
    hi = max(2.0, max(ratios) * 1.2)
    lo_exp = math.floor(math.log10(lo) * 2) / 2
    hi_exp = math.ceil(math.log10(hi) * 2) / 2
    plot_w = WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    height = TOP + ROW_HEIGHT * len(rows) + BOTTOM + 14 * len(notes)

    def x(value):
        return LABEL_WIDTH + (math.log10(value) - lo_exp) / (hi_exp - lo_exp) * plot_w

    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{height}' "
           f"viewBox='0 0 {WIDTH} {height}' {FONT} font-size='12'>",
           f"<rect width='{WIDTH}' height='{height}' fill='white'/>",
           f"<text x='12' y='22' font-size='15' font-weight='bold'>{html.escape(group)}</text>",
           f"<text x='12' y='40' fill='#555'>Weft against {html.escape(peers(rows))} in the same run; right of "
           f"1.0: Weft is better (log scale)</text>"]
    # grid: powers of ten and their halves, and 1.0
    ticks = []
    e = math.floor(lo_exp)
    while e <= hi_exp:
        for m in (1, 2, 5):
            v = m * 10 ** e
            if lo_exp <= math.log10(v) <= hi_exp:
                ticks.append(v)
        e += 1
    bottom = TOP + ROW_HEIGHT * len(rows)
    last_label = -1e9
    for v in ticks:
        xv = x(v)
        strong = abs(v - 1.0) < 1e-9
        out.append(f"<line x1='{xv:.1f}' y1='{TOP - 6}' x2='{xv:.1f}' y2='{bottom}' "
                   f"stroke='{'#000' if strong else '#ddd'}' stroke-width='{1.5 if strong else 1}'/>")
        if xv - last_label >= 42 or strong:
            last_label = xv
            out.append(f"<text x='{xv:.1f}' y='{bottom + 16}' text-anchor='middle' fill='#555'>{v:g}x</text>")
    out.append(f"<text x='{x(1.0):.1f}' y='{TOP - 10}' text-anchor='middle' fill='#000'>peer = 1.0</text>")
    for i, r in enumerate(rows):
        y = TOP + i * ROW_HEIGHT
        x1 = x(1.0)
        x2 = x(r["ratio"])
        left, right = min(x1, x2), max(x1, x2)
        label = r["case"] if r["weft"] == "Weft" else f"{r['case']} ({r['weft']} vs {r['peer']})"
        out.append(f"<text x='{LABEL_WIDTH - 8}' y='{y + 17}' text-anchor='end'>{html.escape(label)}</text>")
        out.append(f"<rect x='{left:.1f}' y='{y + 5}' width='{max(1.0, right - left):.1f}' height='{ROW_HEIGHT - 10}' "
                   f"fill='{colour(r['ratio'])}'><title>{html.escape(r['weft'])} {r['weft_value']} vs "
                   f"{html.escape(r['peer'])} {r['peer_value']} {html.escape(r['unit'])} "
                   f"({html.escape(r['harness'])})</title></rect>")
        tx = right + 4 if r["ratio"] >= 1.0 else left - 4
        anchor = "start" if r["ratio"] >= 1.0 else "end"
        if r["ratio"] < 1.0 and left - 4 < LABEL_WIDTH + 30:
            tx, anchor = right + 4, "start"
        out.append(f"<text x='{tx:.1f}' y='{y + 17}' text-anchor='{anchor}' font-weight='bold'>{fmt(r['ratio'])}</text>")
    harnesses = sorted({r["harness"] for r in rows})
    y = bottom + 36
    out.append(f"<text x='12' y='{y}' fill='#555'>Harness: {html.escape(', '.join(harnesses))}</text>")
    for n in notes:
        y += 14
        out.append(f"<text x='12' y='{y}' fill='#777' font-size='10'>{html.escape(n)}</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def peers(rows):
    names = []
    for r in rows:
        if r["peer"] not in names:
            names.append(r["peer"])
    return ", ".join(names) if len(names) <= 3 else "each peer"


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help="CSV result files")
    ap.add_argument("--out", default="docs/charts", help="directory for the SVG files")
    args = ap.parse_args()
    groups, notes = read_rows(args.results)
    notes = OrderedDict((g, [line for n in ns for line in textwrap.wrap(n, 140)]) for g, ns in notes.items())
    os.makedirs(args.out, exist_ok=True)
    for group, rows in groups.items():
        path = os.path.join(args.out, slug(group) + ".svg")
        with open(path, "w", encoding="utf-8") as f:
            f.write(chart(group, rows, notes[group]))
        print(f"{path}: {len(rows)} rows")


if __name__ == "__main__":
    main()

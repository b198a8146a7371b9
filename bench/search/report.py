#!/usr/bin/env python3
"""report.py -- the search benchmark's table (bench/search/run.sh calls it).

usage: report.py QUERIES.tsv dateline=R1[,R2..] fts5=R1[,..] xapian=R1[,..]
Each R is a result file of a harness (common.h): build/bytes lines, lat
lines (RUN QUERY us), top lines.  Several files per engine = several
builds; lat lines of several runs inside a file.  Figures are medians
over builds (index time, size) and over runs (per-class p50/p99).
Latency is per-query thread CPU time (user + system) unless --wall is given:
on a shared 2-core machine wall-clock percentiles measure the scheduler.
Prints per engine and query class: index time, index size, p50, p99 (ms),
top-10 overlap with FTS5, and each as a ratio to dateline; then the
targets, PASS/FAIL.  Exit 0 whatever the targets say.
"""
import statistics, sys
from collections import defaultdict

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]

qs = [l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
classes = []
for q in qs:
    if q[0] not in classes:
        classes.append(q[0])

WALL = '--wall' in sys.argv
engines = {}
for arg in sys.argv[2:]:
    if arg == '--wall':
        continue
    name, files = arg.split('=', 1)
    wall_builds, cpu_builds, sizes = [], [], []
    lat = defaultdict(dict)   # run -> query -> us
    top = {}
    for f in files.split(','):
        for line in open(f):
            p = line.split()
            if not p:
                continue
            if p[0] == 'build':
                wall_builds.append(float(p[1]))
            elif p[0] == 'buildcpu':
                cpu_builds.append(float(p[1]))
            elif p[0] == 'bytes':
                sizes.append(int(p[1]))
            elif p[0] == 'lat':
                col = 3 if WALL or len(p) < 5 else 4
                lat[(f, int(p[1]))][int(p[2])] = float(p[col])
            elif p[0] == 'top':
                hits = p[2].split(',') if len(p) > 2 else []
                top[int(p[1])] = [h.split(':') for h in hits]
    builds = wall_builds if WALL or not cpu_builds else cpu_builds
    engines[name] = dict(build=statistics.median(builds), bytes=statistics.median(sizes),
                         lat=lat, top=top)

def class_lat(e, cls, p):
    vals = []
    for run, m in e['lat'].items():
        xs = [us for qi, us in m.items() if qs[qi][0] == cls or cls == 'all']
        if xs:
            vals.append(pct(xs, p))
    return statistics.median(vals) / 1000.0 if vals else float('nan')

def overlap(e, cls):
    f = engines.get('fts5')
    if not f:
        return float('nan')
    xs = []
    for qi, q in enumerate(qs):
        if cls != 'all' and q[0] != cls:
            continue
        a = set(h[0] for h in e['top'].get(qi, []))
        b = set(h[0] for h in f['top'].get(qi, []))
        if not b and not a:
            continue
        xs.append(len(a & b) / max(len(b), len(a), 1) if b else 0.0)
    return sum(xs) / len(xs) if xs else float('nan')

def in_range():
    e = engines['dateline']
    bad = total = 0
    for qi, q in enumerate(qs):
        if not q[4]:
            continue
        lo = day(q[4]); hi = day(q[5])
        for h in e['top'].get(qi, []):
            total += 1
            if len(h) > 1 and not (lo <= int(h[1]) <= hi):
                bad += 1
    return bad, total

def day(s):
    import datetime
    return datetime.date.fromisoformat(s).toordinal() - datetime.date(1970, 1, 1).toordinal()

d = engines['dateline']
print('latency and index time: %s' % ('wall clock' if WALL else 'CPU time (user + system; index time of engines without a CPU figure is wall clock)'))
print('%-9s %-13s %9s %8s %9s %8s %9s %8s %9s %8s %8s' % (
    'engine', 'class', 'index_s', 'x', 'size_MB', 'x', 'p50_ms', 'x', 'p99_ms', 'x', 'overlap'))
for name, e in engines.items():
    for cls in classes + ['all']:
        p50, p99 = class_lat(e, cls, 50), class_lat(e, cls, 99)
        dp50, dp99 = class_lat(d, cls, 50), class_lat(d, cls, 99)
        print('%-9s %-13s %9.2f %8.2f %9.1f %8.2f %9.3f %8.2f %9.3f %8.2f %8.2f' % (
            name, cls, e['build'], e['build'] / d['build'], e['bytes'] / 1e6,
            e['bytes'] / d['bytes'], p50, p50 / dp50 if dp50 else 0, p99,
            p99 / dp99 if dp99 else 0, overlap(e, cls)))
    print()

print('targets (ratios are engine / dateline):')
def target(ok, what):
    print('  %-4s %s' % ('PASS' if ok else 'FAIL', what))
if 'xapian' in engines:
    x = engines['xapian']
    for cls in classes + ['all']:
        for p in (50, 99):
            a, b = class_lat(d, cls, p), class_lat(x, cls, p)
            target(a <= b / 2, 'p%d %-13s dateline %.3f ms <= xapian %.3f / 2' % (p, cls, a, b))
if 'fts5' in engines:
    f = engines['fts5']
    target(d['build'] <= f['build'], 'index build %.2f s <= fts5 %.2f s' % (d['build'], f['build']))
    target(d['bytes'] <= f['bytes'], 'index size %.1f MB <= fts5 %.1f MB' % (d['bytes'] / 1e6, f['bytes'] / 1e6))
    ov = overlap(d, 'all')
    target(ov >= 0.8, 'top-10 overlap with fts5 %.3f >= 0.8' % ov)
bad, total = in_range()
target(bad == 0, 'ranged hits inside their range: %d of %d outside' % (bad, total))

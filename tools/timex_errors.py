#!/usr/bin/env python3
"""Time-tagger error dump: every value error, miss and spurious timex with its context.

usage: tools/timex_errors.py GOLD.jsonl SYSTEM.jsonl [--kind value|miss|spurious|all]
                             [--width N] [--summary]

Pairs gold and system timexes exactly as ../shared/eval/score_times.py does (it imports that
scorer's `match`), then prints one line per error:
  KIND  DCT  gold-text -> gold-value | system-text -> system-value | ...context...
(the TempEval-3 dev set: `./dateline analyze ../shared/gold/tempeval3/input > te3.jsonl`,
then `tools/timex_errors.py ../shared/gold/tempeval3/gold.jsonl te3.jsonl --summary`)
and, with --summary, a count of value errors by class (a coarse shape of the gold value
against the system value: "date-day vs date-day", "P1W vs week", ...), largest first, so the
biggest class can be fixed first.  The dump prints gold text to the terminal only; do not
commit its output (the gold is third-party text).
"""
import argparse
import collections
import os
import re
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
# the scorers live in ../shared/eval next to the worktree (SHARED overrides)
SHARED = os.environ.get("SHARED", os.path.join(HERE, "..", "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "eval"))
import evallib as E  # noqa: E402
import score_times as S  # noqa: E402


def shape(v):
    """Coarse class of a TIMEX3 value, for the summary."""
    if v is None:
        return "none"
    pats = [
        (r"^\d{4}-\d\d-\d\dT", "datetime"),
        (r"^\d{4}-\d\d-\d\d(TNI|TMO|TAF|TEV)$", "day+part"),
        (r"^\d{4}-\d\d-\d\d$", "day"),
        (r"^\d{4}-W\d\d(-WE)?$", "week"),
        (r"^\d{4}-\d\d$", "month"),
        (r"^\d{4}-Q\d$", "quarter"),
        (r"^\d{4}-(SP|SU|FA|WI)$", "season"),
        (r"^\d{4}$", "year"),
        (r"^\d{3}$", "decade"),
        (r"^\d\d$", "century"),
        (r"^P", "duration"),
        (r"_REF$", v),
        (r"^X", "X-date"),
    ]
    for rx, name in pats:
        if re.search(rx, v):
            return name
    return "other"


def context(b, s, e, width):
    lo = max(0, s - width)
    hi = min(len(b), e + width)
    t = (b[lo:s] + b"[[" + b[s:e] + b"]]" + b[e:hi]).decode("utf-8", "replace")
    return re.sub(r"\s+", " ", t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gold")
    ap.add_argument("system")
    ap.add_argument("--kind", default="all", choices=["value", "miss", "spurious", "all"])
    ap.add_argument("--width", type=int, default=70)
    ap.add_argument("--summary", action="store_true")
    a = ap.parse_args()
    pairs, _ = E.pair_records(E.read_jsonl(a.gold), E.read_jsonl(a.system))
    classes = collections.Counter()
    for g, s in pairs:
        b = E.byte_text(g)
        gt = S.timexes(g, g.get("scored_region"))
        st = S.timexes(s, g.get("scored_region")) if s is not None else []
        mp = S.match(gt, st)
        mg = {gi for gi, _ in mp}
        ms = {si for _, si in mp}
        dct = g.get("dct") or g.get("date")
        txt = lambda sp: b[sp[0]:sp[1]].decode("utf-8", "replace")  # noqa: E731
        for gi, si in mp:
            gv, sv = gt[gi][2], st[si][2]
            if gv == sv:
                continue
            classes[shape(gv) + " vs " + shape(sv)] += 1
            if a.kind in ("value", "all"):
                sp = gt[gi][0]
                print("VALUE %s %s -> %s | %s -> %s | %s" % (
                    dct, txt(sp), gv, txt(st[si][0]), sv, context(b, sp[0], sp[1], a.width)))
        if a.kind in ("miss", "all"):
            for gi, x in enumerate(gt):
                if gi not in mg:
                    print("MISS  %s %s -> %s %s | %s" % (dct, txt(x[0]), x[1], x[2],
                                                         context(b, x[0][0], x[0][1], a.width)))
        if a.kind in ("spurious", "all"):
            for si, x in enumerate(st):
                if si not in ms:
                    print("SPUR  %s %s -> %s %s | %s" % (dct, txt(x[0]), x[1], x[2],
                                                         context(b, x[0][0], x[0][1], a.width)))
    if a.summary:
        print("\nvalue errors by class (gold vs system):")
        for k, n in classes.most_common():
            print("%5d  %s" % (n, k))


if __name__ == "__main__":
    main()

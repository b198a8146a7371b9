#!/usr/bin/env python3
"""Writes a large JSONL corpus for benchmarks by repeating ../shared/corpus
with fresh ids: every copy of an article gets its own id ("rep<k>-<file>"),
so an archive stores each copy as a new article.

usage: make_corpus.py CORPUS_DIR MIN_ARTICLES OUT.jsonl
"""
import json, os, sys

def articles(root):
    for dirpath, dirnames, files in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
        for f in sorted(files):
            if not f.endswith('.txt'):
                continue
            raw = open(os.path.join(dirpath, f), encoding='utf-8').read().lstrip()
            if not raw.startswith('date '):
                continue
            date, text = raw[5:15], raw[15:].strip()
            yield os.path.relpath(os.path.join(dirpath, f), root), date, text

def main():
    root, need, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    base = list(articles(root))
    if not base:
        sys.exit(f"no articles under {root}")
    n = 0
    with open(out, 'w', encoding='utf-8') as f:
        k = 0
        while n < need:
            for name, date, text in base:
                f.write(json.dumps({"id": f"rep{k}-{name}", "date": date, "text": text},
                                   ensure_ascii=False) + "\n")
                n += 1
            k += 1
    print(f"{n} articles, {os.path.getsize(out) / 1e6:.1f} MB -> {out}", file=sys.stderr)

main()

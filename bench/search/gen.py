#!/usr/bin/env python3
"""gen.py -- the search benchmark's corpus and query sets (reproducible).

Recombines the sentences of ../shared/corpus articles into N new articles
(seeded; dates spread over 2015-2024) and writes, into OUT:
  corpus.jsonl   {"id","date","title","text"}, article k (0-based) is docno k+1
  queries.tsv    class TAB dateline-query TAB fts5-query TAB xapian-query TAB from TAB to
Query classes: word, word2, word3, phrase, or (OR of common words), each
also with a date range (class name + "+range").  The query words are drawn
from the generated corpus so that most queries have hits.

usage: gen.py SHARED_CORPUS OUT N [SEED]
"""
import datetime, json, os, random, re, sys

src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 42
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)

sentences = []
for root, _, files in sorted(os.walk(src)):
    for f in sorted(files):
        if not f.endswith('.txt'):
            continue
        t = open(os.path.join(root, f), encoding='utf-8').read()
        m = re.match(r'\s*date\s+\d{4}-\d\d-\d\d\s+', t)
        if not m:
            continue
        body = t[m.end():]
        for s in re.split(r'(?<=[.!?])\s+', body):
            s = ' '.join(s.split())
            if 30 <= len(s) <= 400:
                sentences.append(s)
sentences.sort()

d0 = datetime.date(2015, 1, 1).toordinal()
d1 = datetime.date(2024, 12, 31).toordinal()
words = {}
with open(os.path.join(out, 'corpus.jsonl'), 'w', encoding='utf-8') as fo:
    for k in range(n):
        sents = [sentences[rng.randrange(len(sentences))] for _ in range(rng.randint(4, 14))]
        title = ' '.join(sentences[rng.randrange(len(sentences))].split()[:rng.randint(5, 10)])
        text = ' '.join(sents)
        date = datetime.date.fromordinal(rng.randint(d0, d1)).isoformat()
        fo.write(json.dumps({'id': 'b%07d' % k, 'date': date, 'title': title, 'text': text},
                            ensure_ascii=False) + '\n')
        if k < 20000:  # vocabulary sample for the queries
            for w in re.findall(r"[A-Za-z]{4,}", text):
                words[w.lower()] = words.get(w.lower(), 0) + 1

STOP = set('that this with from have were they their there which will would about been said '
           'also after more when what into than them over some could other just only like '
           'most such then these while where those being does your very here much many '
           'says made make each both well even because before since still under through'.split())
vocab = sorted((w for w in words if w not in STOP), key=lambda w: -words[w])
common = vocab[:300]
mid = vocab[300:3000]

def rand_range():
    a = rng.randint(d0, d1 - 400)
    b = a + rng.randint(30, 365)
    return (datetime.date.fromordinal(a).isoformat(), datetime.date.fromordinal(b).isoformat())

def sentence_words():
    while True:
        ws = re.findall(r"[A-Za-z]{3,}", sentences[rng.randrange(len(sentences))])
        ws = [w.lower() for w in ws]
        if len(ws) >= 4:
            return ws

queries = []
per = 200
for cls in ('word', 'word2', 'word3', 'phrase', 'or'):
    for i in range(per):
        if cls == 'word':
            ws = [rng.choice(mid if i % 2 else common)]
        elif cls in ('word2', 'word3'):
            k = 2 if cls == 'word2' else 3
            pool = [w for w in sentence_words() if w not in STOP and len(w) >= 4]
            if len(pool) < k:
                pool += rng.sample(common, k)
            ws = rng.sample(pool, k)
        if cls in ('word', 'word2', 'word3'):
            dq = ' '.join(ws)
            fq = ' '.join('"%s"' % w for w in ws)
            xq = ' '.join(ws)
        elif cls == 'phrase':
            sw = sentence_words()
            j = rng.randrange(len(sw) - 1)
            ph = ' '.join(sw[j:j + 2])
            dq = fq = xq = '"%s"' % ph
        else:
            a, b = rng.sample(common[:100], 2)
            dq = xq = '%s OR %s' % (a, b)
            fq = '"%s" OR "%s"' % (a, b)
        queries.append((cls, dq, fq, xq, '', ''))
        f, t = rand_range()
        queries.append((cls + '+range', dq, fq, xq, f, t))
with open(os.path.join(out, 'queries.tsv'), 'w') as fo:
    for q in queries:
        fo.write('\t'.join(q) + '\n')
print('corpus: %d articles, %d queries -> %s' % (n, len(queries), out), file=sys.stderr)

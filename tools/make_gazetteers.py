#!/usr/bin/env python3
"""make_gazetteers.py -- builds data/gazetteer.tsv, the place lists the entity
tagger (src/analyze/ner.c) uses as features, from Debian data only:

  iso-codes  /usr/share/iso-codes/json/iso_3166-1.json   countries  -> country
             /usr/share/iso-codes/json/iso_3166-2.json   subdivisions -> subdivision
             /usr/share/iso-codes/json/iso_3166-3.json   former countries -> country
  tzdata     /usr/share/zoneinfo/zone1970.tab, zone.tab   time-zone cities -> city
plus the short forms news writes for a few countries (US, UK, UAE...), which
iso-codes lists only as codes (most two-letter codes are English words).

Output: one "KIND<TAB>Name" a line, sorted, unique.  The trainer
(tools/train_ner.c) copies the list into the model file, so nothing here is
read at run time.  Run: python3 tools/make_gazetteers.py > data/gazetteer.tsv
"""
import json, re, sys

ISO = "/usr/share/iso-codes/json/"
out = set()

def clean(name):
    name = re.sub(r"\s*\[.*?\]|\s*\(.*?\)", "", name).strip()
    # "Korea, Republic of" -> "Korea"; "London, City of" -> "London"
    if "," in name:
        name = name.split(",")[0].strip()
    return name

def add(kind, name):
    name = clean(name)
    if not name or len(name) < 3 or len(name.split()) > 5:
        return
    if not re.search(r"[A-Za-z]", name):
        return
    out.add((kind, name))

for c in json.load(open(ISO + "iso_3166-1.json"))["3166-1"]:
    for k in ("name", "common_name", "official_name"):
        if k in c:
            add("country", c[k])
for c in json.load(open(ISO + "iso_3166-3.json"))["3166-3"]:
    add("country", c["name"])
for short in ("US", "USA", "UK", "UAE", "DRC", "USSR", "Britain", "Great Britain", "America",
              "Russia", "South Korea", "North Korea", "Iran", "Syria", "Vietnam", "Laos",
              "Taiwan", "Moldova", "Tanzania", "Venezuela", "Bolivia", "Czech Republic",
              "Holland", "Burma", "Ivory Coast", "Macedonia", "Kosovo", "Palestine"):
    out.add(("country", short))
for s in json.load(open(ISO + "iso_3166-2.json"))["3166-2"]:
    add("subdivision", s["name"])
for tab in ("/usr/share/zoneinfo/zone1970.tab", "/usr/share/zoneinfo/zone.tab"):
    try:
        for line in open(tab):
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) >= 3:
                city = f[2].split("/")[-1].replace("_", " ")
                add("city", city)
    except OSError:
        pass
for kind, name in sorted(out):
    sys.stdout.write(f"{kind}\t{name}\n")

#!/usr/bin/env python3
"""A second, synthetic check of the matcher, to catch tuning that only fits the dev set.

Draws list names from a Klaring database, writes them the ways people do (a typo, another
word order, a dropped middle name, Cyrillic script, lower case without punctuation), and
builds innocent names from given names and surnames that no list entry carries together.
Prints recall per variant and the false-alert rate. Standard library only; run by hand:

    klaring --data-dir DIR lists >/dev/null        # make sure the lists are installed
    python3 tools/synth_eval.py DIR/klaring.sqlite > /tmp/synth.jsonl.meta
"""
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict

CYRILLIC = [("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ya", "я"),
            ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "й"),
            ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
            ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "к"), ("j", "дж"), ("w", "в"), ("x", "кс"), ("q", "к")]
INNOCENT_SURNAMES = ["Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer",
                     "Dekker", "Brouwer", "Hendriks", "Dijkstra", "Koster", "Prins", "Huisman", "Peeters", "Willems"]


def to_cyrillic(text):
    out, i, low = [], 0, text.lower()
    while i < len(low):
        for latin, cyr in CYRILLIC:
            if low.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(low[i])
            i += 1
    return "".join(out)


def typo(word, rng):
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double", "replace"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiourstn") + word[i + 1:]


def main():
    db, rng = sys.argv[1], random.Random(7)
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT c.list, e.entry_id, e.schema, e.primary_name FROM entities e JOIN current_lists c ON c.version_id = e.version_id"
    ).fetchall()
    people = [r for r in rows if r[2] == "person" and "," not in r[3] and 2 <= len(r[3].split()) <= 4]
    orgs = [r for r in rows if r[2] == "organization" and 2 <= len(r[3].split()) <= 5]
    cases = []
    for list_id, entry, schema, name in rng.sample(people, 150) + rng.sample(orgs, 100):
        words = name.split()
        q = {"schema": schema}
        variants = {
            "typo1": " ".join(typo(w, rng) if w == max(words, key=len) and len(w) >= 5 else w for w in words),
            # Persons only: an organisation's words in another order are another name.
            **({"reorder": " ".join(words[1:] + words[:1])} if schema == "person" else {}),
            "case_punct": name.lower().replace(".", "").replace(",", ""),
        }
        if schema == "person" and len(words) == 3:
            variants["drop_token"] = f"{words[0]} {words[2]}"
        if schema == "person" and list_id == "ca-sema" and name.isascii():
            variants["cyrillic"] = to_cyrillic(name)
        for variant, text in variants.items():
            cases.append({"id": f"S{len(cases)}", "name": text, **q, "_expect": [list_id, entry], "_variant": variant})
    given = [r[3].split()[0] for r in people]
    listed = {r[3].lower() for r in rows}
    for _ in range(400):
        name = f"{rng.choice(given)} {rng.choice(INNOCENT_SURNAMES)}"
        if name.lower() not in listed:
            cases.append({"id": f"S{len(cases)}", "name": name, "schema": "person", "_expect": None, "_variant": "innocent"})
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for c in cases:
            f.write(json.dumps({k: v for k, v in c.items() if not k.startswith("_")}) + "\n")
    data_dir = db.rsplit("/", 1)[0]
    out = subprocess.run(["target/release/klaring", "--data-dir", data_dir, "screen", "--batch", f.name, "--json"],
                         capture_output=True, text=True, check=True).stdout
    results = {json.loads(l)["id"]: json.loads(l) for l in out.splitlines()}
    stats, alerts, innocents, missed = defaultdict(lambda: [0, 0]), 0, 0, []
    for c in cases:
        hits = [(h["list"], h["entry_id"]) for h in results[c["id"]]["hits"]]
        if c["_expect"] is None:
            innocents += 1
            alerts += bool(hits)
            if hits:
                missed.append(("false alert", c["name"], results[c["id"]]["hits"][0]["name"]))
        else:
            s = stats[c["_variant"]]
            s[0] += 1
            s[1] += tuple(c["_expect"]) in hits
            if tuple(c["_expect"]) not in hits:
                missed.append(("missed", c["_variant"], c["name"]))
    for variant, (n, found) in sorted(stats.items()):
        print(f"{variant:12} n={n:4} recall={found / n:.3f}")
    print(f"innocent     n={innocents:4} false-alert rate={alerts / innocents:.3f}")
    if "--missed" in sys.argv:
        for m in missed:
            print(*m)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Derives data/risk/freedom_in_the_world.tsv from Freedom House's raw-data workbook.

Run once per edition, by hand, from the repository root:

    pip install openpyxl
    python3 tools/freedomhouse_fiw.py ../shared/lists/freedomhouse/All_data_FIW_2013-2024.xlsx 2024 \
        > data/risk/freedom_in_the_world.tsv

It keeps one edition's status and aggregate scores (political rights 0-40, civil liberties 0-60,
total 0-100) per country and territory, under the names Freedom House prints. The product never
reads the workbook: it reads the TSV (compiled in) and maps names to ISO codes with
`countries::code`, so the only hand-made part here is LOOKUP, for the few spellings
`data/countries.tsv` does not know.
"""

import hashlib
import sys

import openpyxl

# Freedom House spelling -> a spelling data/countries.tsv knows. Countries only; territories
# without an ISO code of their own (Abkhazia, Tibet...) keep their name and map to nothing.
LOOKUP = {
    "St. Lucia": "Saint Lucia",
}


def main() -> None:
    path, edition = sys.argv[1], int(sys.argv[2])
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    sheet = openpyxl.load_workbook(path, read_only=True)["FIW13-24"]
    rows = sheet.iter_rows(values_only=True)
    next(rows)  # title row
    header = list(next(rows))
    col = {name: i for i, name in enumerate(header)}
    out = []
    for row in rows:
        if row[col["Edition"]] != edition:
            continue
        name = row[col["Country/Territory"]].strip()
        kind = {"c": "country", "t": "territory"}[row[col["C/T"]].strip().lower()]
        status = row[col["Status"]].strip()
        assert status in ("F", "PF", "NF"), (name, status)
        pr, cl, total = (int(row[col[k]]) for k in ("PR", "CL", "Total"))
        out.append((name, LOOKUP.get(name, name), kind, status, pr, cl, total))
    print(f"# Freedom House, Freedom in the World {edition} (covering events of {edition - 1}): status and aggregate scores.")
    print(f"# Derived by tools/freedomhouse_fiw.py from All_data_FIW_2013-2024.xlsx (sheet FIW13-24, Edition = {edition}),")
    print(f"# SHA-256 {digest}. Source: https://freedomhouse.org/report/freedom-world ; terms: see data/README.md.")
    print("# status: F = Free, PF = Partly Free, NF = Not Free. political_rights 0-40 (can be negative), civil_liberties 0-60, total 0-100.")
    print("name\tlookup_name\tkind\tstatus\tpolitical_rights\tcivil_liberties\ttotal")
    for r in sorted(out):
        print("\t".join(str(v) for v in r))
    print(f"{len(out)} rows, edition {edition}", file=sys.stderr)


if __name__ == "__main__":
    main()

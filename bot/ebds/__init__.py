"""CNSS e-BDS files (EDI mode, version 2): the préétabli (A00–A03) and the declaration (B00–B06).

`layout.py` is the one table of records and fields; `records.py` reads (linear, LF/CRLF only) and
writes lines; `textfile.py` refuses what is too large or not text; `check.py` checks a declaration,
with its per-line rules as data in `rules.py` and its findings (errors, warnings) in `findings.py`;
`salaries.py` reads the salaries CSV and `translit.py` puts names in the portal's alphabet;
`build.py` builds a declaration from a préétabli and a CSV; `cap.py` is the dated salary ceiling.
"""

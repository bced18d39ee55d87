"""CNSS e-BDS files (EDI mode, version 2): the préétabli (A00–A03) and the declaration (B00–B06).

`layout.py` is the one table of records and fields; `records.py` reads and writes lines;
`check.py` checks a declaration; `build.py` builds one from a préétabli and a salaries CSV.
"""

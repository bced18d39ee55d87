"""The audit trail a pharmacy can show: one folder per run, masked screenshots, a hash-chained
manifest, a French report (HTML and PDF), `audit verify` and retention."""

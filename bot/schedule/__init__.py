"""The monthly scheduler: plans attempts before the deadline in off-peak windows, keeps a ledger
that never files twice, and survives restarts. One small concern per file:
`plan.py` (pure planning, time injected), `ledger.py` (SQLite), `attempt.py` (one run as a
subprocess), `service.py` (APScheduler and locks), `install.py` (systemd / Task Scheduler)."""

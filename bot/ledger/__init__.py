"""The ledger (SQLite): every period and attempt, written by the scheduler and by filing alike."""

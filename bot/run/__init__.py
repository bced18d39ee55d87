"""One run against the portal: browser, login, filing task, doctor's live checks, retries, lockout."""

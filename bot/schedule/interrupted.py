"""Was an attempt cut short after the portal may have sent its SMS? Then the person may have had a
code on their phone for nothing: the next try waits for the next window instead of a second SMS
minutes later.

The evidence is the attempt's own write-ahead mark (`Ledger.note_stage`, written before the
identifier is sent): it names the attempt, so no clock is compared and a clock set back (or
forward) during the run cannot hide it. A hand-over file left behind in the code phase
(`bot/handover/dropbox.py`) still counts, for a run that did not write the mark.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from bot.handover.dropbox import WAITING, handover_dir
from bot.ledger.ledger import SMS_POSSIBLE, AttemptRow


def sms_possibly_sent(state_dir: Path, attempt: AttemptRow) -> bool:
    if attempt.stage is not None:
        return attempt.stage == SMS_POSSIBLE  # the code step completed: that SMS was used
    return sms_triggered(state_dir, attempt.account, attempt.started)


def sms_triggered(state_dir: Path, account: str, since: datetime) -> bool:
    """The hand-over file of a run killed in the code phase, written after `since` (wall time)."""
    try:
        info = json.loads((handover_dir(state_dir, account) / WAITING).read_text(encoding="utf-8"))
        return info.get("phase") == "code" and float(info.get("since", 0)) >= since.timestamp() - 1
    except (OSError, ValueError, TypeError, AttributeError):
        return False

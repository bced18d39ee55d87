"""Was an attempt cut short after the portal sent its SMS? Then the person may have had a code
on their phone for nothing: the next try waits for the next window instead of a second SMS
minutes later. The evidence is the hand-over file a run leaves behind when it dies
(`bot/handover/dropbox.py`: phase « code », since when)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from bot.handover.dropbox import WAITING, handover_dir


def sms_triggered(state_dir: Path, account: str, since: datetime) -> bool:
    try:
        info = json.loads((handover_dir(state_dir, account) / WAITING).read_text(encoding="utf-8"))
        return info.get("phase") == "code" and float(info.get("since", 0)) >= since.timestamp() - 1
    except (OSError, ValueError, TypeError, AttributeError):
        return False

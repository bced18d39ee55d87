"""State-dir hand-off: atomic, consumed once, stale drops refused, nothing left on disk."""

from __future__ import annotations

import time

from bot.handover import dropbox
from bot.handover.mailbox import CODE, READY, Mailbox
from bot.system.files import write_atomic


def open_channel(tmp_path, phase="code"):
    box = Mailbox()
    channel = dropbox.DropboxChannel(box, tmp_path / "handover" / "PHARMA-1", "run-1", "http://127.0.0.1:1/code/t")
    channel.open(phase)
    return box, channel


def watcher_passes(box, channel) -> None:
    """Returns once the watcher has made a whole pass begun after this call. It looks at the code
    before « ready » in each pass: a « ready » dropped now may still be taken by the pass under way,
    a second one dropped after that only by a later pass."""
    for _ in range(2):
        write_atomic(channel.folder / dropbox.READY_FILE, {"at": time.time()})
        assert box.take({READY}, timeout=10).kind == READY


def test_waiting_file_describes_the_run(tmp_path):
    _, channel = open_channel(tmp_path)
    info = dropbox.read_waiting(channel.folder)
    assert info["phase"] == "code" and info["run_id"] == "run-1" and info["local_url"].endswith("/code/t")
    assert oct((channel.folder / dropbox.WAITING).stat().st_mode & 0o777) == "0o600"
    channel.close()


def test_code_is_consumed_once_and_deleted(tmp_path):
    box, channel = open_channel(tmp_path)
    write_atomic(channel.folder / dropbox.CODE_FILE, {"code": "246 810", "at": time.time()})
    assert box.take({CODE}, timeout=5).value == "246810"
    assert not (channel.folder / dropbox.CODE_FILE).exists()
    watcher_passes(box, channel)
    assert box.take({CODE}, timeout=0) is None  # not delivered twice
    channel.close()


def test_a_code_dropped_before_the_request_is_refused(tmp_path):
    box, channel = open_channel(tmp_path)
    write_atomic(channel.folder / dropbox.CODE_FILE, {"code": "135791", "at": channel.since - 1})
    watcher_passes(box, channel)  # the stale code has been looked at
    assert box.take({CODE}, timeout=0) is None
    assert not (channel.folder / dropbox.CODE_FILE).exists()
    channel.close()


def test_ready_is_delivered(tmp_path):
    box, channel = open_channel(tmp_path, "ready")
    write_atomic(channel.folder / dropbox.READY_FILE, {"at": time.time()})
    assert box.take({READY}, timeout=5).kind == READY
    channel.close()


def test_close_leaves_no_code_on_disk(tmp_path):
    _, channel = open_channel(tmp_path)
    channel.close()
    write_atomic(channel.folder / dropbox.CODE_FILE, {"code": "999999", "at": time.time()})
    channel.close()
    assert list(channel.folder.iterdir()) == []


def test_take_file_claims_atomically(tmp_path):
    path = tmp_path / "code.json"
    write_atomic(path, {"code": "1"})
    assert dropbox.take_file(path) == {"code": "1"}
    assert dropbox.take_file(path) is None


def test_a_code_typed_in_the_dashboard_says_so_for_the_report(tmp_path):
    from bot.handover.mailbox import channel_fr

    box, channel = open_channel(tmp_path)
    write_atomic(channel.folder / dropbox.CODE_FILE, {"code": "246810", "at": time.time()})
    assert box.take({CODE}, timeout=5).via == "otp-commande"  # `damancom-bot otp`
    write_atomic(channel.folder / dropbox.CODE_FILE, {"code": "246811", "at": time.time(), "via": dropbox.DASHBOARD})
    delivered = box.take({CODE}, timeout=5)
    assert delivered.via == dropbox.DASHBOARD and "tableau de bord" in channel_fr(delivered.via)
    write_atomic(channel.folder / dropbox.CODE_FILE, {"code": "246812", "at": time.time(), "via": "telegram"})
    assert box.take({CODE}, timeout=5).via == "otp-commande"  # a drop cannot claim any channel it likes
    channel.close()

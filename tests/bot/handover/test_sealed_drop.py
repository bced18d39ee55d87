"""A code handed over with `otp` is sealed for the waiting run: after that run is killed (`kill -9`,
a power cut), what is left on disk cannot give the code back to anyone."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from pathlib import Path

import psutil

from bot.handover import dropbox
from bot.handover.client import deliver
from bot.handover.mailbox import CODE, Mailbox
from bot.handover.sealed import FIELD, KEY_FIELD, Opener, seal
from tests.support.in_process import run_main
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]
WAITING_RUN = """
import sys, threading
from pathlib import Path
from bot.handover.dropbox import DropboxChannel, handover_dir
from bot.handover.mailbox import Mailbox
channel = DropboxChannel(Mailbox(), handover_dir(Path(sys.argv[1]), "PHARMA-1"), "run-x", account="PHARMA-1")
channel.open("code")
threading.Event().wait()
"""


def every_byte_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_a_code_left_by_a_run_killed_with_kill_9_cannot_be_read(tmp_path):
    state = tmp_path / "state"
    folder = dropbox.handover_dir(state, "PHARMA-1")
    run = subprocess.Popen([sys.executable, "-c", WAITING_RUN, str(state)], cwd=ROOT)
    try:
        wait_until(lambda: dropbox.read_waiting(folder) is not None)
        process = psutil.Process(run.pid)
        process.suspend()  # too busy to take it (Windows too): `otp` leaves the code for it
        result = run_main(
            ["otp", "246810", "--account", "PHARMA-1"], environ={"DAMANCOM_STATE_DIR": str(state)}, cwd=tmp_path
        )
        assert result.returncode == 0 and "la connexion le prendra" in result.stdout, result.stderr
        process.kill()
        run.wait(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
    left = json.loads((folder / dropbox.CODE_FILE).read_text(encoding="utf-8"))
    assert set(left) == {FIELD}  # nothing in clear, not even when it was dropped
    assert b"246810" not in every_byte_under(state) and b"246810" not in base64.b64decode(left[FIELD])
    assert Opener().open(left) is None  # the only key that opens it died with the run


def test_the_waiting_run_opens_what_was_sealed_for_it(tmp_path):
    box = Mailbox()
    channel = dropbox.DropboxChannel(box, tmp_path / "PHARMA-1", "run-1")
    channel.open("code")
    try:
        info = dropbox.read_waiting(channel.folder)
        assert len(base64.b64decode(info[KEY_FIELD])) == 32  # the public half only
        assert deliver(channel.folder / dropbox.CODE_FILE, {"code": "135 791"})
        assert box.take({CODE}, timeout=5).value == "135791"
        assert not (channel.folder / dropbox.CODE_FILE).exists()
    finally:
        channel.close()


def test_a_code_sealed_for_another_run_is_ignored_and_erased(tmp_path):
    box = Mailbox()
    channel = dropbox.DropboxChannel(box, tmp_path / "PHARMA-1", "run-2")
    channel.open("code")
    try:
        earlier_run = Opener()  # the same account's previous run, killed before it took its code
        path = channel.folder / dropbox.CODE_FILE
        path.write_text(json.dumps(seal(earlier_run.public, {"code": "111111", "at": time.time()})), encoding="utf-8")
        wait_until(lambda: not path.exists())  # taken by the watcher and thrown away
        assert box.take({CODE}, timeout=0.5) is None
    finally:
        channel.close()


def test_a_damaged_key_in_the_waiting_file_drops_nothing(tmp_path):
    state = tmp_path / "state"
    folder = dropbox.handover_dir(state, "PHARMA-1")
    folder.mkdir(parents=True)
    (folder / dropbox.WAITING).write_text(
        json.dumps({**psutil_me(), "phase": "code", KEY_FIELD: "pas une clé"}), encoding="utf-8"
    )
    result = run_main(
        ["otp", "246810", "--account", "PHARMA-1"], environ={"DAMANCOM_STATE_DIR": str(state)}, cwd=tmp_path
    )
    assert result.returncode == 2 and "abîmé" in result.stderr
    assert not (folder / dropbox.CODE_FILE).exists()


def psutil_me() -> dict:
    from bot.system.processes import me

    return me()

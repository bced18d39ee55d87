"""Nothing lingers, nothing is readable by others: dropped codes expire and are swept at any
command's start; the bot's folders are 0700 and its files 0600; times people read are Morocco's."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import time

import pytest

from bot.cli import main
from bot.env import Env
from bot.handover import dropbox
from bot.handover.mailbox import CODE, Mailbox
from bot.system import clock
from bot.system.files import write_atomic
from tests.conftest import BIN


def test_a_code_left_by_a_killed_run_or_older_than_5_minutes_is_deleted_at_any_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "state"
    dead = dropbox.handover_dir(state, "MORT")
    write_atomic(dead / dropbox.WAITING, {"pid": 2**22 + 12345, "phase": "code"})  # no such process
    write_atomic(dead / dropbox.CODE_FILE, {"code": "111111", "at": time.time()})
    alive_old = dropbox.handover_dir(state, "VIVANT-VIEUX")
    write_atomic(alive_old / dropbox.WAITING, {"pid": os.getpid(), "phase": "code"})
    write_atomic(alive_old / dropbox.CODE_FILE, {"code": "222222", "at": time.time() - 400})
    old = time.time() - 400
    os.utime(alive_old / dropbox.CODE_FILE, (old, old))
    alive = dropbox.handover_dir(state, "VIVANT")
    write_atomic(alive / dropbox.WAITING, {"pid": os.getpid(), "phase": "code"})
    write_atomic(alive / dropbox.CODE_FILE, {"code": "333333", "at": time.time()})
    env = Env(environ={"DAMANCOM_STATE_DIR": str(state)}, stdout=io.StringIO(), stderr=io.StringIO())
    assert main(["status"], env) == 0
    assert not (dead / dropbox.CODE_FILE).exists() and not (alive_old / dropbox.CODE_FILE).exists()
    assert (alive / dropbox.CODE_FILE).exists()  # a fresh code for a waiting run is that run's business


def test_a_running_channel_refuses_a_code_older_than_5_minutes(tmp_path):
    box = Mailbox()
    now = [time.time()]
    channel = dropbox.DropboxChannel(box, tmp_path / "h", "r", clock=lambda: now[0])
    channel.open("code")
    now[0] += 400
    write_atomic(channel.folder / dropbox.CODE_FILE, {"code": "444444", "at": now[0] - 301})
    try:
        assert box.take({CODE}, timeout=1) is None
        assert not (channel.folder / dropbox.CODE_FILE).exists()
    finally:
        channel.close()


def test_times_people_read_are_morocco_time_whatever_the_machine_zone(monkeypatch):
    from bot.handover.session import HandOver

    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: never Morocco's hour
    time.tzset()
    try:
        text = HandOver._until(0)
        assert text.endswith("(heure du Maroc)")
        assert text.split()[0] == clock.now().strftime("%H:%M")
        from datetime import datetime

        assert datetime.now().strftime("%H") != clock.now().strftime("%H")  # the test means something
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def exposed(*roots):
    return [
        p
        for root in roots
        for p in [root, *root.rglob("*")]
        if not stat.S_ISLNK(p.lstat().st_mode) and p.lstat().st_mode & 0o077
    ]


@pytest.mark.skipif(os.name != "posix", reason="modes are POSIX")
def test_a_run_under_umask_022_leaves_only_owner_only_files_and_doctor_checks_it(tmp_path, cli_env):
    env = {**cli_env, "DAMANCOM_TRACE": "1"}
    old = os.umask(0o022)
    try:
        done = subprocess.run(
            [str(BIN / "damancom-bot"), "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
        )
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    state, recordings = tmp_path / "state", tmp_path / "recordings"
    assert list(recordings.rglob("trace.zip")) and list((state / "logs").glob("*.log"))
    assert exposed(state, recordings) == []
    from bot.run import doctor_checks

    assert doctor_checks.private_modes(state, recordings).ok
    leaked = next(recordings.rglob("*.png"))
    leaked.chmod(0o644)  # copied back by hand, say: doctor closes it, as a run would
    check = doctor_checks.private_modes(state, recordings)
    assert check.ok and "1 élément(s) rendus privés" in check.detail and exposed(state, recordings) == []

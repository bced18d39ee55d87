"""Windows by construction, checked on any system: a waiting run's liveness comes from the process
table (psutil: OpenProcess on Windows, /proc here), never « always alive »; a rename refused for a
moment (antivirus, OneDrive) is tried again."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.handover.dropbox import WAITING, read_waiting
from bot.system import processes
from bot.system.files import read_json_object, replace_retrying, write_atomic


def test_this_process_is_alive_and_a_finished_one_is_not():
    assert processes.alive(**processes.me())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not processes.alive(child.pid)
    assert not processes.alive(None) and not processes.alive(-1) and not processes.alive(True)


def test_a_reused_pid_is_not_the_run_that_wrote_the_file():
    me = processes.me()
    assert not processes.alive(me["pid"], me["created"] - 3600)


@pytest.mark.skipif(sys.platform != "linux", reason="a zombie is a Linux state")
def test_a_zombie_is_not_alive():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    import psutil

    from tests.support.waiting import wait_until

    wait_until(lambda: psutil.Process(child.pid).status() == psutil.STATUS_ZOMBIE)  # exited, not reaped
    assert not processes.alive(child.pid)
    child.wait()


def test_a_waiting_file_of_a_dead_run_is_ignored(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    write_atomic(tmp_path / WAITING, {"run_id": "x", "pid": child.pid, "phase": "code"})
    assert read_waiting(tmp_path) is None
    write_atomic(tmp_path / WAITING, {"run_id": "y", **processes.me(), "phase": "code"})
    assert read_waiting(tmp_path)["run_id"] == "y"


def test_a_rename_refused_for_a_moment_is_tried_again(tmp_path, monkeypatch):
    source, target = tmp_path / "a.tmp", tmp_path / "a.json"
    source.write_text("{}")
    real, refusals = os.replace, []

    def antivirus(src, dst):
        if len(refusals) < 2:
            refusals.append(src)
            raise PermissionError(13, "Accès refusé")  # what Windows says while a scanner holds the file
        return real(src, dst)

    monkeypatch.setattr(os, "replace", antivirus)
    replace_retrying(source, target, pauses=(0, 0, 0))
    assert target.exists() and len(refusals) == 2


def test_a_rename_refused_for_good_still_fails(tmp_path, monkeypatch):
    source = tmp_path / "a.tmp"
    source.write_text("{}")

    def refused(src, dst):
        raise PermissionError(13, "Accès refusé")

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(PermissionError):
        replace_retrying(source, tmp_path / "a.json", pauses=(0, 0))


@pytest.mark.parametrize(
    "content", [b"[1, 2]", b'{"a": ', '{"note": "r\xe9gl\xe9"}'.encode("cp1252")], ids=["list", "cut", "cp1252"]
)
def test_a_damaged_state_file_is_an_error_its_reader_decides_about(tmp_path, content):
    """Not a JSON object (a list, a half-written file, a file re-saved by a Windows editor): ValueError."""
    path = tmp_path / "etat.json"
    assert read_json_object(path) == {}  # no file yet: nothing kept so far
    write_atomic(path, {"compte": 2})
    assert read_json_object(path) == {"compte": 2}
    path.write_bytes(content)
    with pytest.raises(ValueError):
        read_json_object(path)

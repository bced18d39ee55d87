"""Logs: French console lines, a file in the state dir, and no secret in messages or tracebacks."""

from __future__ import annotations

import io

from loguru import logger

from bot.output import logs, redact


def test_secrets_are_scrubbed_from_messages_and_tracebacks(tmp_path):
    secret = "Tr@ceback-Secret-42"
    redact.register(secret)
    console = io.StringIO()
    log_file = logs.setup(tmp_path, console=console)
    logger.info("Mot de passe saisi : {}", secret)
    try:
        raise RuntimeError(f'Locator.fill: Timeout\n  - fill("{secret}")')
    except RuntimeError:
        logger.exception("Échec")
    logger.remove()
    text = log_file.read_text(encoding="utf-8")
    assert "RuntimeError" in text and 'fill("••••••")' in text
    assert secret not in text and secret not in console.getvalue()
    assert "Mot de passe saisi : ••••••" in console.getvalue()
    assert "Traceback" not in console.getvalue()  # the console stays readable for a pharmacist


def test_unusable_state_dir_falls_back_to_console(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    console = io.StringIO()
    assert logs.setup(blocker, console=console) is None
    logger.remove()
    assert "journal sur la console seulement" in console.getvalue()


def test_the_log_rotates_at_start_up_only_and_never_fights_another_process(tmp_path, monkeypatch):
    """Several processes append to one file; rotation happens when a command starts, and a file held
    by another process (Windows refuses the rename: PermissionError) is simply left for later."""
    import os

    from bot.output import logs

    folder = tmp_path / "logs"
    folder.mkdir()
    log = folder / logs.LOG_NAME
    log.write_bytes(b"x" * logs.MAX_BYTES)
    real = os.replace

    def held(src, dst):
        raise PermissionError(32, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr(os, "replace", held)
    assert logs.rotate(log) is False and log.stat().st_size == logs.MAX_BYTES
    monkeypatch.setattr(os, "replace", real)
    assert logs.rotate(log) is True
    assert (folder / "damancom-bot.1.log").stat().st_size == logs.MAX_BYTES and not log.exists()
    log.write_bytes(b"y" * logs.MAX_BYTES)
    assert logs.rotate(log) is True and (folder / "damancom-bot.2.log").exists()
    logs.setup(tmp_path)
    from loguru import logger

    logger.info("après rotation")
    logs.close()
    assert "après rotation" in log.read_text(encoding="utf-8")


def test_a_line_logged_for_one_of_several_accounts_names_it(tmp_path):
    console = io.StringIO()
    log_file = logs.setup(tmp_path, console=console)
    with logger.contextualize(account="al-{amal}"):  # `--all`: each account's thread
        logger.info("Validation de la déclaration {}", "2026-11")
    logger.info("Sans compte")
    logger.remove()
    assert console.getvalue().splitlines() == ["[al-{amal}] Validation de la déclaration 2026-11", "Sans compte"]
    assert "| [al-{amal}] Validation" in log_file.read_text(encoding="utf-8")

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

"""The dashboard's « Réglages » as the next start reads them: the password under the account's new
name, a Notepad « ANSI » `.env` written back in its encoding, what can be saved saved without a keyring."""

from __future__ import annotations

import pytest

from bot.app import settings_form
from bot.errors import ConfigError
from bot.settings import secrets
from bot.settings.accounts import account_environ, choose
from bot.settings.config import read_environment
from tests.support.keyrings import no_keyring

PASSWORD = "Nouveau-Mot-7731"


def started(tmp_path) -> dict[str, str]:
    """The environment a dashboard started in `tmp_path` holds (the CLI's account resolution)."""
    environ = read_environment({"DAMANCOM_ENV_FILE": str(tmp_path / ".env")})
    return account_environ(environ, choose(environ, None), need_password=False)


def test_a_new_identifier_and_its_password_are_found_after_a_restart(tmp_path):
    (tmp_path / ".env").write_text("DAMANCOM_IDENTIFIER=PHARMA-ANCIEN\n", encoding="utf-8")
    secrets.store("PHARMA-ANCIEN", "Ancien-Mot-1234")
    environ = started(tmp_path)
    settings_form.save({"identifiant": "PHARMA-NOUVEAU", "mot_de_passe": PASSWORD}, environ, tmp_path)
    assert settings_form.password_for_child(environ) == {"DAMANCOM_PASSWORD": PASSWORD}  # this session
    assert settings_form.password_for_child(started(tmp_path)) == {"DAMANCOM_PASSWORD": PASSWORD}  # after a restart
    assert secrets.read("PHARMA-ANCIEN") == "Ancien-Mot-1234"  # the old account's password is left alone


def test_an_account_name_the_person_chose_keeps_the_password(tmp_path):
    (tmp_path / ".env").write_text("DAMANCOM_ACCOUNT=elan\nDAMANCOM_IDENTIFIER=PHARMA-ANCIEN\n", encoding="utf-8")
    settings_form.save({"identifiant": "PHARMA-NOUVEAU", "mot_de_passe": PASSWORD}, started(tmp_path), tmp_path)
    assert secrets.read("elan") == PASSWORD and secrets.read("PHARMA-NOUVEAU") is None


def test_a_notepad_ansi_env_is_written_back_in_its_encoding(tmp_path):
    original = "# Réglages de la pharmacie Élan\r\nDAMANCOM_IDENTIFIER=PHARMA-ANCIEN\r\nDAMANCOM_NOTIFY=ntfy://élan\r\n"
    (tmp_path / ".env").write_bytes(original.encode("cp1252"))
    token = "123456789:" + "A" * 35
    settings_form.save(
        {"identifiant": "PHARMA-NOUVEAU", "telegram_jeton": token, "telegram_discussion": "987654"},
        started(tmp_path),
        tmp_path,
    )
    written = (tmp_path / ".env").read_bytes().decode("cp1252")  # still « ANSI », still CRLF
    assert written.startswith("# Réglages de la pharmacie Élan\r\nDAMANCOM_IDENTIFIER=PHARMA-NOUVEAU\r\n")
    assert "DAMANCOM_NOTIFY=ntfy://élan\r\n" in written and f"DAMANCOM_TELEGRAM_TOKEN={token}\r\n" in written
    again = read_environment({"DAMANCOM_ENV_FILE": str(tmp_path / ".env")})
    assert again["DAMANCOM_IDENTIFIER"] == "PHARMA-NOUVEAU" and again["DAMANCOM_TELEGRAM_CHAT"] == "987654"


def test_without_a_keyring_the_identifier_is_saved_and_the_password_way_said(tmp_path):
    (tmp_path / ".env").write_text("DAMANCOM_HEADLESS=1\n", encoding="utf-8")
    environ = started(tmp_path)
    with no_keyring(), pytest.raises(ConfigError) as caught:
        settings_form.save({"identifiant": "PHARMA-NOUVEAU", "mot_de_passe": PASSWORD}, environ, tmp_path)
    message = caught.value.message
    assert (
        "Identifiant PHARMA-NOUVEAU enregistré" in message and "Le mot de passe, lui, n'est pas enregistré" in message
    )
    assert f"ouvrez {tmp_path / '.env'} dans le Bloc-notes, ajoutez la ligne DAMANCOM_PASSWORD=" in message
    assert PASSWORD not in message
    assert read_environment({"DAMANCOM_ENV_FILE": str(tmp_path / ".env")})["DAMANCOM_IDENTIFIER"] == "PHARMA-NOUVEAU"

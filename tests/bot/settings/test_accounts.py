"""The accounts file: keys, French errors naming file, line and key, password precedence, `.env`."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.settings import accounts, secrets
from bot.settings.config import load_settings

GOOD = """# deux employeurs
[accounts.al-amal]
identifier = "PHARMA-7731"
telegram_chat = "5550001"

[accounts.atlas]
identifier = "CABINET-42"
password = "Atlas-Secret-99"
url = "http://127.0.0.1:8765/fr/"
auth = "otp"
notify = ["tgram://x/y"]
windows = ["21:00-23:00", "06:00-07:00"]
deadline_overrides = { "2025-06" = "2025-07-17" }
"""


def write(tmp_path, text: str, name: str = "comptes.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_default_file_in_working_dir_and_keys_become_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, GOOD)
    found = accounts.all_accounts({})
    assert [a.name for a in found] == ["al-amal", "atlas"]
    environ = accounts.account_environ({"DAMANCOM_PASSWORD": "celui-du-env"}, found[1], need_password=True)
    settings = load_settings(environ, need_credentials=True)
    assert (settings.account, settings.identifier, settings.password) == ("atlas", "CABINET-42", "Atlas-Secret-99")
    assert settings.url == "http://127.0.0.1:8765/fr/" and settings.notify == ("tgram://x/y",)
    assert environ["DAMANCOM_WINDOWS"] == "21:00-23:00,06:00-07:00"
    assert environ["DAMANCOM_DEADLINE_OVERRIDES"] == "2025-06=2025-07-17"
    token = {"DAMANCOM_TELEGRAM_TOKEN": "12345:" + "a" * 35, "DAMANCOM_TELEGRAM_CHAT": "999"}
    first = load_settings(accounts.account_environ(token, found[0], need_password=False), need_credentials=False)
    assert first.telegram_chats == (5550001,)  # this account's person, not the general chat
    assert load_settings(
        accounts.account_environ(token, found[1], need_password=False), need_credentials=False
    ).telegram_chats == (999,)


def test_password_precedence_file_then_keyring_then_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, GOOD)
    atlas, al_amal = accounts.choose({}, "atlas"), accounts.choose({}, "PHARMA-7731")  # by name or identifier
    assert al_amal.name == "al-amal"
    secrets.store("atlas", "dans-le-trousseau")
    assert accounts.password_of({}, atlas) == "Atlas-Secret-99"  # the file wins
    assert accounts.password_of({"DAMANCOM_PASSWORD": "env"}, al_amal) is None  # not the .env's: two accounts
    secrets.store("al-amal", "trousseau-al-amal")
    assert accounts.password_of({"DAMANCOM_PASSWORD": "env"}, al_amal) == "trousseau-al-amal"


def test_env_account_unchanged_keyring_first_then_env_password(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    environ = {"DAMANCOM_IDENTIFIER": "PHARMA-1", "DAMANCOM_PASSWORD": "du-env"}
    only = accounts.choose(environ, None)
    assert (only.name, only.source) == ("PHARMA-1", ".env")
    assert accounts.account_environ(environ, only, need_password=True)["DAMANCOM_PASSWORD"] == "du-env"
    secrets.store("PHARMA-1", "du-trousseau")
    assert accounts.account_environ(environ, only, need_password=True)["DAMANCOM_PASSWORD"] == "du-trousseau"
    assert accounts.choose({}, None) is None  # nothing configured: the old messages apply


def test_several_accounts_and_no_choice_lists_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, GOOD)
    with pytest.raises(ConfigError) as caught:
        accounts.choose({}, None)
    assert "--account" in caught.value.message and "al-amal" in caught.value.message and "atlas" in caught.value.message
    with pytest.raises(ConfigError) as caught:
        accounts.choose({}, "inconnu")
    assert "inconnu" in caught.value.message and "al-amal, atlas" in caught.value.message


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[accounts.a]\nidentifier = "X-1"\ncouleur = "bleu"\n', ["ligne 3", "« couleur »", "clé inconnue"]),
        ('[accounts.a]\ntelegram_chat = "1"\n', ["ligne 1", "« identifier »", "obligatoire"]),
        ('[accounts.a]\nidentifier = "X 1"\n', ["ligne 2", "espaces"]),
        ('[accounts.a]\nidentifier = "X-1"\n\nurl = "http://exemple.ma/fr/"\n', ["ligne 4", "« url »", "https://"]),
        ('[accounts.a]\nidentifier = "X-1"\nauth = "sms"\n', ["ligne 3", "« auth »", "otp"]),
        ('[accounts.a]\nidentifier = "X-1"\nwindows = "21h-23h"\n', ["ligne 3", "« windows »"]),
        (
            '[accounts.a]\nidentifier = "X-1"\n[accounts.b]\nidentifier = "X-1"\n',
            ["ligne 4", "déjà celui du compte « a »"],
        ),
        ("[accounts.a]\nidentifier = X-1\n", ["ligne 2", "TOML"]),
        ('[comptes.a]\nidentifier = "X-1"\n', ["ligne 1", "comptes"]),
        ("# vide\n", ["aucun compte"]),
    ],
)
def test_wrong_file_names_file_line_and_key_exit_2(tmp_path, run_cli, text, expected):
    path = write(tmp_path, text, "mes comptes é.toml")  # a path with a space and an accent
    result = run_cli("login", "--all", env={"DAMANCOM_ACCOUNTS": str(path)})
    assert result.returncode == 2, result.stderr
    assert "mes comptes é.toml" in result.stderr and "Traceback" not in result.stderr
    for part in expected:
        assert part in result.stderr, (part, result.stderr)


def test_a_password_in_a_broken_file_is_never_quoted(tmp_path, run_cli):
    path = write(tmp_path, '[accounts.a]\nidentifier = "X-1"\npassword = "Tr3s-Secret-Casse"\nbidule = 1\n')
    result = run_cli("login", "--account", "a", env={"DAMANCOM_ACCOUNTS": str(path)})
    assert result.returncode == 2 and "bidule" in result.stderr
    assert "Tr3s-Secret-Casse" not in result.stdout + result.stderr


def test_missing_accounts_file_named_by_variable(tmp_path, run_cli):
    result = run_cli("login", env={"DAMANCOM_ACCOUNTS": str(tmp_path / "absent.toml")})
    assert result.returncode == 2 and "DAMANCOM_ACCOUNTS" in result.stderr


def test_doctor_warns_when_a_file_with_passwords_is_readable_by_others(tmp_path):
    from bot.run.doctor_checks import accounts_file

    path = write(tmp_path, GOOD)
    path.chmod(0o644)
    warned = accounts_file({"DAMANCOM_ACCOUNTS": str(path)})  # doctor's check, without its browser
    assert not warned.ok and not warned.blocking and "chmod 600" in warned.detail and "atlas" in warned.detail
    path.chmod(0o600)
    quiet = accounts_file({"DAMANCOM_ACCOUNTS": str(path)})
    assert quiet.ok and "chmod 600" not in quiet.detail and "2 compte(s)" in quiet.detail


def test_secret_set_and_delete_through_the_cli(tmp_path, run_cli, isolated_keyring):
    write(tmp_path, GOOD)
    assert run_cli("secret", "set", "PHARMA-7731", input="Clé-du-Trousseau\n").returncode == 0  # identifier → name
    assert isolated_keyring.get_password(secrets.SERVICE, "al-amal") == "Clé-du-Trousseau"
    removed = run_cli("secret", "delete", "al-amal")
    assert removed.returncode == 0 and "retiré" in removed.stdout
    assert isolated_keyring.get_password(secrets.SERVICE, "al-amal") is None
    assert "Clé-du-Trousseau" not in removed.stdout + removed.stderr


def test_secret_without_keyring_is_exit_2_with_the_alternatives(tmp_path, run_cli):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    result = run_cli("secret", "set", "al-amal", input="x\n")
    assert result.returncode == 2 and "fichier .env" in result.stderr and "password" in result.stderr


def test_schedule_names_the_account_without_a_password(tmp_path, run_cli):
    write(tmp_path, GOOD)  # al-amal has no password anywhere (two accounts: not DAMANCOM_PASSWORD's)
    result = run_cli("schedule", env={"DAMANCOM_PASSWORD": "celui-du-env"})
    assert result.returncode == 2 and "Aucun mot de passe pour le compte al-amal" in result.stderr
    assert "damancom-bot secret set al-amal" in result.stderr


def test_every_command_takes_account_and_login_lists_the_choices(tmp_path, run_cli):
    from bot.cli import COMMANDS, build_parser

    parser = build_parser()
    for name, module in COMMANDS.items():
        if getattr(module, "ACCOUNT", "one") != "none":
            assert "--account" in parser._subparsers._group_actions[0].choices[name].format_help(), name
    write(tmp_path, GOOD)
    result = run_cli("login")
    assert result.returncode == 2 and "--account" in result.stderr and "al-amal, atlas" in result.stderr

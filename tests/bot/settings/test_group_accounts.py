"""« Compte groupe » in the accounts file: one login, several employers, every mistake in French."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.settings import accounts, secrets
from bot.settings.config import load_settings
from tests.support.telegram_api import TOKEN

GROUP = """[groups.cabinet]
identifier = "FIDUCIAIRE-GROUPE"
phone = "0677001122"
url = "http://127.0.0.1:8765/fr/"

[accounts.al-amal]
group = "cabinet"
affiliation = "1234567"
telegram_chat = "5550001"

[accounts.atlas]
group = "cabinet"
affiliation = 7654321

[accounts.seul]
identifier = "PHARMA-SEULE"
"""


def write(tmp_path, text: str):
    path = tmp_path / "comptes.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_members_share_the_group_login_and_keep_their_number(tmp_path, isolated_keyring):
    path = write(tmp_path, GROUP)
    found = accounts.read_file(path)
    assert [(a.name, a.identifier, a.group, a.affiliation) for a in found] == [
        ("al-amal", "FIDUCIAIRE-GROUPE", "cabinet", "1234567"),
        ("atlas", "FIDUCIAIRE-GROUPE", "cabinet", "7654321"),
        ("seul", "PHARMA-SEULE", "", ""),
    ]
    assert {g: [a.name for a in m] for g, m in accounts.groups(found).items()} == {"cabinet": ["al-amal", "atlas"]}
    assert found[0].login.name == "cabinet" and found[0].login.identifier == "FIDUCIAIRE-GROUPE"
    secrets.store("cabinet", "Mot-De-Passe-Du-Groupe")  # `secret set cabinet`: the group's password
    base = {"DAMANCOM_ACCOUNTS": str(path), "DAMANCOM_TELEGRAM_TOKEN": TOKEN}
    environ = accounts.account_environ(base, found[0], need_password=True)
    settings = load_settings(environ, need_credentials=True)
    assert (settings.identifier, settings.password, settings.phone) == (
        "FIDUCIAIRE-GROUPE",
        "Mot-De-Passe-Du-Groupe",
        "0677001122",
    )
    assert settings.affiliation == "1234567" and settings.account == "al-amal"
    assert settings.telegram_chats == (5550001,)  # its own table still says where its questions go


@pytest.mark.parametrize(
    "edit, expected",
    [
        (
            ('group = "cabinet"\naffiliation = "1234567"', 'group = "autre"\naffiliation = "1234567"'),
            "groupe « autre » inconnu",
        ),
        (('affiliation = "1234567"', 'affiliation = "12-34"'), "compte « al-amal », clé « affiliation »"),
        (('affiliation = "1234567"\n', ""), "numéro d'affiliation CNSS obligatoire"),
        (("affiliation = 7654321", 'affiliation = "1234567"'), "déjà celui du compte « al-amal » du même groupe"),
        (('telegram_chat = "5550001"', 'identifier = "AUTRE"'), "celle du login du groupe « cabinet »"),
        (('telegram_chat = "5550001"', 'couleur = "bleu"'), "clé inconnue"),
        (('phone = "0677001122"', 'affiliation = "1"'), "va dans la table [accounts.NOM]"),
        (
            ('[accounts.seul]\nidentifier = "PHARMA-SEULE"', '[accounts.seul]\nidentifier = "FIDUCIAIRE-GROUPE"'),
            "aussi celui du compte « seul »",
        ),
        (("[accounts.seul]", "[accounts.cabinet]"), "déjà le nom d'un compte"),
        (
            (
                '[accounts.seul]\nidentifier = "PHARMA-SEULE"',
                '[accounts.seul]\nidentifier = "X"\naffiliation = "1234567"',
            ),
            "ajoutez group",
        ),
        (("[groups.cabinet]", '[groups.vide]\nidentifier = "V"\n\n[groups.cabinet]'), "aucun compte ne dit"),
        (('identifier = "FIDUCIAIRE-GROUPE"\n', ""), "groupe « cabinet », clé « identifier »"),
    ],
)
def test_every_mistake_names_file_line_and_what_to_do(tmp_path, edit, expected):
    old, new = edit
    assert old in GROUP
    path = write(tmp_path, GROUP.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        accounts.read_file(path)
    assert expected in caught.value.message and str(path) in caught.value.message
    assert "ligne " in caught.value.message


def test_wrong_group_file_through_the_cli_is_exit_2_in_french(tmp_path, run_cli):
    write(tmp_path, GROUP.replace('group = "cabinet"', 'group = "inconnu"', 1))
    result = run_cli("login", "--all")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "groupe « inconnu » inconnu" in result.stderr and "Traceback" not in result.stderr


def test_a_group_name_for_one_account_says_how_to_run_its_employers(tmp_path):
    path = write(tmp_path, GROUP)
    with pytest.raises(ConfigError) as caught:
        accounts.choose({"DAMANCOM_ACCOUNTS": str(path)}, "cabinet")
    assert "--all --account cabinet" in caught.value.message and "--account al-amal" in caught.value.message

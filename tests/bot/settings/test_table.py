"""The table of DAMANCOM_ variables (`bot/settings/table.py`): every variable declared once, read
nowhere else, each bad value refused in French naming it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import table

ROOT = Path(__file__).resolve().parents[3]
NAME = re.compile(r"DAMANCOM_[A-Z0-9_]*")
# Literals that look like a variable and are not one.
NOT_SETTINGS = {"DAMANCOM_SESSION": "bot/sandbox/server.py: the sandbox portal's cookie"}
SET_BY_THE_BOT = {
    "DAMANCOM_ACCOUNT_SOURCE",
    "DAMANCOM_AFFILIATION",
}  # written by bot/settings/accounts.py (its `affiliation` key), never by a person


def sources() -> list[Path]:
    every = [*ROOT.glob("bot/**/*.py"), *ROOT.glob("flows/**/*.py")]
    return sorted(p for p in every if "settings" not in p.relative_to(ROOT).parts[:2])


def literal_names(path: Path, root: Path = ROOT) -> list[str]:
    """Where a variable's name is used as a value: a string that is only the name (a key read or
    written), a keyword argument named so, an f-string that builds one. A sentence that merely
    names a variable for the person is text, not a read."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.fullmatch(node.value):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.keyword) and node.arg and NAME.fullmatch(node.arg):
            found.append((node.lineno, node.arg))
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            if str(node.values[0].value) == "DAMANCOM_":
                found.append((node.lineno, "DAMANCOM_…"))
    relative = path.relative_to(root).as_posix()
    return [f"{relative}:{line} {name}" for line, name in found if name not in NOT_SETTINGS]


def test_no_variable_is_read_outside_the_settings():
    found = [line for path in sources() for line in literal_names(path)]
    assert not found, "take the name from bot/settings/table.py:\n" + "\n".join(found)


def test_the_scan_sees_a_read_a_key_and_a_keyword(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        'import os\nos.environ.get("DAMANCOM_URL")\nx = {"DAMANCOM_AUTH": 1}\ndict(DAMANCOM_NOTIFY="")\n'
        'raise SystemExit("Vérifiez DAMANCOM_URL.")\n',
        encoding="utf-8",
    )
    lines = [line.split(" ", 1)[1] for line in literal_names(probe, tmp_path)]
    assert lines == ["DAMANCOM_URL", "DAMANCOM_AUTH", "DAMANCOM_NOTIFY"]  # the sentence is text


def test_every_variable_named_anywhere_is_declared_once():
    rows = [s.name for s in table.SETTINGS]
    assert len(rows) == len(set(rows)), "a variable declared twice"
    named = {n for p in sources() for n in NAME.findall(p.read_text(encoding="utf-8"))} - set(NOT_SETTINGS)
    named.discard("DAMANCOM_")
    assert named <= set(rows), f"named in the code, missing from the table: {sorted(named - set(rows))}"


def test_every_variable_a_person_sets_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in table.SETTINGS if s.name not in SET_BY_THE_BOT and s.name not in readme]
    assert not missing, f"variables the README does not explain: {missing}"


def test_read_all_reads_every_variable_in_one_pass():
    values = table.read_all({"DAMANCOM_PARALLEL": "7", "DAMANCOM_WINDOWS": "20:00-22:00"})
    assert set(values) == {s.name for s in table.SETTINGS}
    assert values["DAMANCOM_PARALLEL"] == 7 and values["DAMANCOM_RETRIES"] == 3
    assert [f"{a:%H:%M}-{b:%H:%M}" for a, b in values["DAMANCOM_WINDOWS"]] == ["20:00-22:00"]
    assert values["DAMANCOM_SALARY_CAPS"] == {"2002-01": 600_000}


@pytest.mark.parametrize(
    ("name", "raw", "said"),
    [
        ("DAMANCOM_PARALLEL", "33", "attendu un nombre entier entre 1 et 32"),
        ("DAMANCOM_APP_PORT", "80", "attendu un numéro de port entre 1024 et 65535"),
        ("DAMANCOM_RETRY_BACKOFF", "0,01", "entre 0,1 et 86400"),
        ("DAMANCOM_HEADLESS", "peut-être", "attendu 1 ou 0"),
        ("DAMANCOM_AUTH", "sms", "attendu otp (code SMS) ou eid"),
        ("DAMANCOM_FIRST_ATTEMPT", "31 21:00", "un jour (1 à 28)"),
        ("DAMANCOM_SALARY_CAPS", "2027-13=7000", "attendu AAAA-MM=MONTANT"),
        ("DAMANCOM_TELEGRAM_CHAT", "moi", "numéros de discussion"),
        ("DAMANCOM_IDENTIFIER", "PHARMA 7731", "contient des espaces"),
        ("DAMANCOM_URL", "http://portail.example/", "doit commencer par https://"),
        ("DAMANCOM_TSA_URL", "ftp://tsa", "adresse d'autorité d'horodatage valide"),
        ("DAMANCOM_BROWSER", "/nulle/part/chrome", "ni un canal connu"),
    ],
)
def test_a_bad_value_is_refused_in_french_naming_its_variable(name, raw, said):
    with pytest.raises(ConfigError) as refused:
        table.read_all({name: raw})
    assert refused.value.message.startswith(name) and said in refused.value.message


def test_the_bounds_are_the_rows():
    assert table.PARALLEL.get({"DAMANCOM_PARALLEL": "32"}) == 32
    assert table.APP_PORT.get({"DAMANCOM_APP_PORT": " 8765 "}) == 8765
    assert table.PASSWORD.get({"DAMANCOM_PASSWORD": " a b "}) == " a b "  # a password keeps its spaces


def test_a_person_reads_words_and_the_dashboard_its_own_form_too():
    console, page = table.person_words(), table.person_words(page=True)
    assert console["DAMANCOM_PASSWORD"] == "le réglage « mot de passe »"
    assert "DAMANCOM_TELEGRAM_TOKEN" not in console and page["DAMANCOM_TELEGRAM_TOKEN"].startswith("le réglage")


def test_values_names_variables_for_another_process():
    assert table.values(URL="http://127.0.0.1:1/", TSA_URL="0") == {
        "DAMANCOM_URL": "http://127.0.0.1:1/",
        "DAMANCOM_TSA_URL": "0",
    }

"""`damancom-bot demo` as a user runs it: a real process, a real browser, the embedded sandbox."""

from __future__ import annotations

import re
import subprocess

from bot.sandbox import load_accounts
from tests.conftest import BIN, assert_no_secret

DEMO_PASSWORD = load_accounts()[0].password


def test_demo_exits_0_with_summary_and_screenshots(run_cli, tmp_path):
    result = run_cli("demo", process=True)
    assert result.returncode == 0, result.stderr
    assert (
        "Connexion réussie au portail d'essai (bac à sable sur cet ordinateur, pas le vrai Damancom)" in result.stdout
    )
    assert "Pharmacie Al Amal - n° d'affiliation 1234567" in result.stdout
    assert re.search(r"\d\d/\d{4} À déclarer", result.stdout)
    shots = list((tmp_path / "recordings").rglob("*.png"))
    assert len(shots) >= 4
    assert f"Captures      : {len(shots)} dans" in result.stdout
    assert sorted(p.name[:2] for p in shots) == [f"{n:02d}" for n in range(1, len(shots) + 1)]  # 01, 02… as counted
    assert "Rapport       : " in result.stdout and "report.html" in result.stdout
    log = (tmp_path / "state" / "logs" / "damancom-bot.log").read_text(encoding="utf-8")
    assert "Espace affilié atteint." in log
    assert_no_secret([DEMO_PASSWORD], result.stdout, result.stderr, roots=(tmp_path / "recordings", tmp_path / "state"))


def test_interactive_demo_shows_the_sms_and_takes_the_typed_code(tmp_path, cli_env):
    process = subprocess.Popen(
        [str(BIN / "damancom-bot"), "demo", "--interactive"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=cli_env,
    )
    lines, code = [], None
    for line in process.stdout:
        lines.append(line)
        match = re.search(r"votre code de connexion est (\d{6})", line)
        code = match.group(1) if match else code
        if "Code reçu par SMS (6 chiffres" in line:
            break
    else:
        raise AssertionError("".join(lines) + process.stderr.read())
    assert code, "".join(lines)  # the SMS printed above the prompt that asks for it
    process.stdin.write("12 34\n")  # a malformed code first: refused before the portal sees it
    process.stdin.write(f"{code[:3]} {code[3:]}\n")
    process.stdin.flush()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "exactement 6 chiffres" in out and "espace affilié atteint" in out
    assert "SMS reçu au 06 •• •• •• 78" in "".join(lines)
    assert_no_secret([code, DEMO_PASSWORD], err, roots=(tmp_path / "recordings", tmp_path / "state"))

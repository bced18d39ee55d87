"""Every setting is bounded and every refusal is French with exit 2: the red-team's bad inputs."""

from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.env import Env
from bot.errors import ConfigError
from bot.settings.config import load_settings


def run(argv, environ, tmp_path):
    env = Env(
        environ={"DAMANCOM_STATE_DIR": str(tmp_path / "state"), **environ},
        stdin=io.StringIO(""),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    try:
        code = main(argv, env)
    except SystemExit as exc:
        code = exc.code
    return code, env.stdout.getvalue() + env.stderr.getvalue()


@pytest.mark.parametrize("name", ["DAMANCOM_LOCKOUT_AFTER", "DAMANCOM_RETRIES", "DAMANCOM_RETENTION_MONTHS"])
@pytest.mark.parametrize("raw", ["²", "٣", "１", "3²", "0x3", "99999999999999999999"])
def test_counts_accept_ascii_digits_only(name, raw):
    with pytest.raises(ConfigError, match=name):
        load_settings({name: raw}, need_credentials=False)


@pytest.mark.parametrize("raw", ["1e-7", "0.5", "nan", "inf", "1e309", "-1", "86401"])
def test_durations_are_bounded(raw):
    with pytest.raises(ConfigError, match="DAMANCOM_TIMEOUT_NAVIGATION"):
        load_settings({"DAMANCOM_TIMEOUT_NAVIGATION": raw}, need_credentials=False)


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://169.254.169.254/", "https://"),
        ("https://169.254.169.254/latest/meta-data/", "ne peut pas être un portail"),
        ("https://[fe80::1]/", "ne peut pas être un portail"),
        ("https://metadata.google.internal/", "ne peut pas être un portail"),
        ("https://0.0.0.0/", "ne peut pas être un portail"),
        ("http://www.damancom.ma/fr/", "https://"),
        ("https://[::1", "pas une adresse web valide"),
        ("https://www.damancom.ma:70000/", "pas une adresse web valide"),
        ("https://www.damancom.ma:0/", "port 0"),
    ],
)
def test_portal_urls_that_cannot_be_a_portal_are_refused(url, words):
    with pytest.raises(ConfigError, match="DAMANCOM_URL") as caught:
        load_settings({"DAMANCOM_URL": url}, need_credentials=False)
    assert words in caught.value.message


def test_credentials_in_the_url_are_refused_and_never_echoed():
    with pytest.raises(ConfigError) as caught:
        load_settings({"DAMANCOM_URL": "https://moi:Secret-URL-99@www.damancom.ma/fr/"}, need_credentials=False)
    assert "Secret-URL-99" not in caught.value.message and "moi" not in caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/fr/",
        "http://localhost:1/",
        "http://[::1]:9/",
        "https://www.damancom.ma/fr/",
        "https://10.1.2.3/",
    ],
)
def test_loopback_http_and_any_https_portal_are_accepted(url):
    assert load_settings({"DAMANCOM_URL": url}, need_credentials=False).url == url


def test_a_blank_url_says_it_means_the_real_portal(tmp_path):
    code, text = run(["doctor"], {"DAMANCOM_URL": "  ", "DAMANCOM_SELECTORS": str(tmp_path / "absent")}, tmp_path)
    assert "DAMANCOM_URL est vide : le vrai portail Damancom" in text


def test_a_missing_selectors_folder_is_not_ready(tmp_path):
    code, text = run(["doctor"], {"DAMANCOM_SELECTORS": str(tmp_path / "absent")}, tmp_path)
    assert code == 2 and "DAMANCOM_SELECTORS" in text and "Tout est prêt" not in text


@pytest.mark.parametrize("caps", ["2027-01=0", "2027-01=0,00", "2027-13=6000"])
def test_a_salary_cap_of_zero_is_refused(caps):
    from bot.ebds.cap import caps as read_caps

    with pytest.raises(ConfigError, match="DAMANCOM_SALARY_CAPS"):
        read_caps({"DAMANCOM_SALARY_CAPS": caps})


@pytest.mark.parametrize("slow", ["-1", "nan", "inf", "601"])
def test_sandbox_slow_seconds_are_bounded(tmp_path, slow):
    code, text = run(["sandbox", "--fault", "slow", "--slow-seconds", slow], {}, tmp_path)
    assert code == 2 and "--slow-seconds" in text


def test_a_state_dir_that_is_a_file_is_exit_2(tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("")
    for state in (blocker, blocker / "sous-dossier"):
        code, text = run(["status"], {"DAMANCOM_STATE_DIR": str(state)}, tmp_path)
        assert code == 2 and "Traceback" not in text and str(blocker) in text


@pytest.mark.parametrize(
    "content", [b'{"seq": 1, "step": "d\xe9but"}\n', b'{"seq": "1", "file": ["a"], "reports": [1]}\n', b"[1, 2]\n", b""]
)
def test_a_malformed_manifest_is_reported_not_a_crash(tmp_path, content):
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "manifest.jsonl").write_bytes(content)
    code, text = run(["audit", "verify", str(folder)], {}, tmp_path)
    assert code == 8 and "ALTÉRÉ" in text and "Traceback" not in text

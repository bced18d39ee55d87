"""Bad input of every kind, through the real CLI in-process: argv and environment drawn by
Hypothesis. Whatever comes in, the answer is a documented exit code other than 1 (« Erreur
inattendue ») and never a traceback. No browser: the browser step is replaced by a failure that
says « portal unavailable » (exit 4), so every example stops in a fraction of a second."""

from __future__ import annotations

import atexit
import io
import json
import shutil
import tempfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.env import Env
from bot.errors import PortalUnavailable
from bot.exit_codes import ExitCode

ROOT = Path(tempfile.mkdtemp(prefix="fuzz-cli-"))  # made at import: every worker collecting this file made one
atexit.register(shutil.rmtree, ROOT, ignore_errors=True)  # … and left it behind, run after run
TABLE: Counter = Counter()  # (command, exit code) -> examples; printed at the end (-s) for the report


def _files() -> dict[str, str]:
    ROOT.mkdir(exist_ok=True)
    a_file = ROOT / "fichier.txt"
    a_file.write_text("pas un dossier\n")
    folder = ROOT / "dossier é à"
    folder.mkdir(exist_ok=True)
    latin = ROOT / "manifest-latin1"
    latin.mkdir(exist_ok=True)
    (latin / "manifest.jsonl").write_bytes(b'{"seq": 1, "step": "d\xe9but"}\n')
    typed = ROOT / "manifest-types"
    typed.mkdir(exist_ok=True)
    (typed / "manifest.jsonl").write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"seq": "1", "time": 5, "step": ["debut"], "file": ["a"], "sha256": 3, "reports": [1], "prev": None},
                {"seq": 2, "time": "2001-01-01", "step": "fin", "file": 7, "reports": {"x": 1}, "proof": "oui"},
                [1, 2],
                "texte",
                3.5,
                None,
            ]
        )
        + "\n{pas du json\n"
    )
    empty = ROOT / "manifest-vide"
    empty.mkdir(exist_ok=True)
    (empty / "manifest.jsonl").write_text("")
    as_dir = ROOT / "manifest-dossier"
    (as_dir / "manifest.jsonl").mkdir(parents=True, exist_ok=True)
    env_latin = ROOT / "ansi.env"
    env_latin.write_bytes("DAMANCOM_PASSWORD=Fuzz-Pässwörd-1\n".encode("cp1252"))
    env_utf16 = ROOT / "ps.env"
    env_utf16.write_bytes("DAMANCOM_PASSWORD=Fuzz-Pässwörd-1\n".encode("utf-16"))
    return {
        "file": str(a_file),
        "folder": str(folder),
        "missing": str(ROOT / "absent" / "x"),
        "long": str(ROOT / ("n" * 300)),
        "deep-long": str(ROOT / "/".join(["d" * 200] * 30)),
        "under-file": str(a_file / "sous"),
        "latin": str(latin),
        "typed": str(typed),
        "empty": str(empty),
        "as-dir": str(as_dir),
        "env-latin": str(env_latin),
        "env-utf16": str(env_utf16),
        "root": str(ROOT),
        "proc": "/proc/self/mem",
        "devnull": "/dev/null",
        "blank": "",
        "dot": ".",
    }


PATHS = _files()
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=24)
NASTY = [
    "",
    " ",
    "²",
    "٣",
    "１２",
    "nan",
    "inf",
    "-1",
    "0",
    "1e-7",
    "1e309",
    "99999999999",
    "0x10",
    "1_0",
    "3",
    "30",
    "12,5",
    "oui",
    "peut-être",
    "\u202e",
    "é" * 300,
    "../..",
    "2026-13",
    "2026-10",
    "0000-00",
]
URLS = [
    "https://[::1",
    "http://169.254.169.254/",
    "https://user:Fuzz-Pässwörd-1@portail.ma/",
    "https://x.ma:99999/",
    "https://x.ma:0/",
    "http://127.0.0.1:1/fr/",
    "https://127.0.0.1:1/",
    "http://example.com/",
    "javascript:1",
    "https://[fe80::1%25eth0]/",
    "https://metadata.google.internal/",
    "http://[::ffff:169.254.169.254]/",
    "https://0.0.0.0/",
    "https:///",
    "https://exa mple.ma/",
    "  ",
    "https://www.damancom.ma/fr/",
]


def value() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY), st.sampled_from(list(PATHS.values())), TEXT)


VARIABLES = {
    "DAMANCOM_URL": st.sampled_from(URLS),
    "DAMANCOM_IDENTIFIER": st.one_of(st.sampled_from(["PHARMA-FUZZ", "a b", "x" * 400, ""]), TEXT),
    "DAMANCOM_ACCOUNT": st.one_of(st.sampled_from(["..", ".", "/", "x" * 400, "é" * 200, "CON", "a/b"]), TEXT),
    "DAMANCOM_ENV_FILE": st.sampled_from(
        [
            PATHS[k]
            for k in (
                "env-latin",
                "env-utf16",
                "file",
                "folder",
                "missing",
                "long",
                "proc",
                "devnull",
                "blank",
                "deep-long",
            )
        ]
    ),
    "DAMANCOM_STATE_DIR": st.sampled_from([PATHS[k] for k in ("file", "under-file", "long", "deep-long", "devnull")]),
    "DAMANCOM_RECORDINGS": st.sampled_from([PATHS[k] for k in ("file", "under-file", "long", "deep-long", "folder")]),
    "DAMANCOM_SELECTORS": st.sampled_from([PATHS[k] for k in ("file", "missing", "folder", "blank", "long")]),
    "DAMANCOM_BROWSER": st.sampled_from(["", "/nulle/part/chrome", "ws://127.0.0.1:1/", "firefox", PATHS["file"]]),
    **{
        name: value()
        for name in (
            "DAMANCOM_HEADLESS",
            "DAMANCOM_TIMEOUT_ACTION",
            "DAMANCOM_TIMEOUT_NAVIGATION",
            "DAMANCOM_CODE_WAIT",
            "DAMANCOM_READY_WAIT",
            "DAMANCOM_LOCKOUT_AFTER",
            "DAMANCOM_RETENTION_MONTHS",
            "DAMANCOM_RETRIES",
            "DAMANCOM_RETRY_BACKOFF",
            "DAMANCOM_RUN_BUDGET",
            "DAMANCOM_DECLARE_WAIT",
            "DAMANCOM_AUTH",
            "DAMANCOM_TRACE",
            "DAMANCOM_LOCAL_PAGE",
            "DAMANCOM_SALARY_CAPS",
            "DAMANCOM_FIRST_ATTEMPT",
            "DAMANCOM_WINDOWS",
            "DAMANCOM_DEADLINE",
            "DAMANCOM_DEADLINE_OVERRIDES",
            "DAMANCOM_TSA_URL",
        )
    },
}


NOT_UTF8 = ["\udcff\udcfe\udc80", "2026-\udce9", "PHARMA-\udc80"]  # bytes a POSIX terminal passed that are not UTF-8


def arg() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY), st.sampled_from(list(PATHS.values())), st.sampled_from(NOT_UTF8), TEXT)


ARGVS = st.one_of(
    st.tuples(st.just("doctor")).map(list),
    st.builds(lambda p: ["login", "--unattended", "--period", p], arg()),
    st.builds(lambda p, f: ["declare", "--unattended", "--period", p, "--file", f], arg(), arg()),
    st.builds(lambda c, a, r: ["otp", c, "--account", a] + (["--resend"] if r else []), arg(), arg(), st.booleans()),
    st.builds(lambda a: ["ready", "--account", a], arg()),
    st.builds(lambda a: ["unlock", "--account", a], arg()),
    st.sampled_from([["status"], ["status", "--json"], ["audit", "prune", "--dry-run"], ["report"], ["otp"]]),
    st.builds(lambda p: ["audit", "verify", p], arg()),
    st.builds(lambda p: ["report", p], arg()),
    st.builds(lambda f, p, a: ["bds", "check", f, "--period", p, "--affiliate", a], arg(), arg(), arg()),
    st.builds(lambda f, s, o: ["bds", "build", "--preetabli", f, "--salaries", s, "--out", o], arg(), arg(), arg()),
    st.builds(lambda a, n: ["secret", a, n], st.sampled_from(["set", "delete"]), arg()),
    st.builds(lambda a: ["status", "--account", a], arg()),
    st.builds(
        lambda s, p: ["sandbox", "--fault", "slow", "--slow-seconds", s, "--port", p],
        st.sampled_from(["-1", "nan", "inf", "-inf", "1e309", "601"]),
        st.sampled_from(["0", "70000", "-5"]),
    ),
)


@contextmanager
def no_browser():
    import bot.run.runner

    @contextmanager
    def unavailable(settings, *, headless):
        raise PortalUnavailable("Navigateur remplacé pour le test de robustesse : portail indisponible.")
        yield

    saved = bot.run.runner.started_browser
    bot.run.runner.started_browser = unavailable
    try:
        yield
    finally:
        bot.run.runner.started_browser = saved


def run(argv: list[str], environ: dict[str, str]) -> tuple[int, str]:
    env = Env(environ=environ, stdin=io.StringIO(""), stdout=io.StringIO(), stderr=io.StringIO())
    try:
        code = main(argv, env)
    except SystemExit as exc:  # argparse: usage errors (2), --help (0)
        code = exc.code if isinstance(exc.code, int) else 2
    return code, env.stdout.getvalue() + env.stderr.getvalue()


@pytest.fixture
def quiet_doctor(monkeypatch):
    from bot.run import doctor_checks

    monkeypatch.setattr(doctor_checks, "browser", lambda settings: doctor_checks.Check("navigateur", True, "(test)"))
    monkeypatch.chdir(ROOT)


@settings(
    max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "340")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    argv=ARGVS, chosen=st.dictionaries(st.sampled_from(sorted(VARIABLES)), st.just(None), max_size=6), data=st.data()
)
def test_no_input_ends_in_an_unexpected_error_or_a_traceback(quiet_doctor, capsys, argv, chosen, data):
    environ = {
        "DAMANCOM_STATE_DIR": str(ROOT / "etat"),
        "DAMANCOM_RECORDINGS": str(ROOT / "enregistrements"),
        "DAMANCOM_LOCAL_PAGE": "0",
        "DAMANCOM_TSA_URL": "0",
        "DAMANCOM_URL": "http://127.0.0.1:1/fr/",
        "DAMANCOM_IDENTIFIER": "PHARMA-FUZZ",
        "DAMANCOM_PASSWORD": "Fuzz-Pässwörd-1",
    }
    for name in chosen:
        environ[name] = data.draw(VARIABLES[name], label=name)
    with no_browser():
        code, text = run(argv, environ)
    captured = capsys.readouterr()
    text += captured.out + captured.err
    TABLE[(argv[0], code)] += 1
    assert code != 1, (argv, environ, text)
    assert code in {int(c) for c in ExitCode} - {ExitCode.BUG}, (argv, code, text)  # 130 is ExitCode.INTERRUPTED
    assert "Traceback" not in text and "Erreur inattendue" not in text, (argv, environ, text)
    assert "Fuzz-Pässwörd-1" not in text


def test_print_the_table():
    """Run with -s to see the (command, exit code) table of the fuzz above."""
    for (command, code), count in sorted(TABLE.items()):
        print(f"{command:<8} exit {code}: {count}")

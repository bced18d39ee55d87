"""The fault matrix: each sandbox fault × the exit code it must give, with the bot's whole
command run in this process (`InProcessBot`: the processes themselves are proved by the signal
and entry-point tests); a person answers every SMS at once. The bot must end by itself: a run still going after
four times its expected duration is a hang and fails. How fast it ends is measured in `bench/`,
not asserted here (a loaded machine is slower, not wrong)."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

import pytest

from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import Faults
from bot.system.clock import TZ
from tests.conftest import STYLES, TEST_SMS_DELAY
from tests.support.in_process import InProcessBot


def hours_around(offset_h: int, length_h: int) -> tuple:
    start = datetime.now(TZ) + timedelta(hours=offset_h)
    end = start + timedelta(hours=length_h)
    return start.time().replace(second=0, microsecond=0), end.time().replace(second=0, microsecond=0)


FAST = {"DAMANCOM_RETRY_BACKOFF": "0.2", "DAMANCOM_TIMEOUT_ACTION": "5"}
# (id, faults, extra environment, exit code, expected seconds at most on an idle machine, SMS sent)
MATRIX = [
    ("aucune", Faults(), {}, 0, 60, 1),
    ("unavailable", Faults("unavailable"), FAST, 4, 40, 0),
    ("maintenance", Faults("maintenance"), FAST, 4, 40, 0),
    ("slow-within-timeouts", Faults("slow", slow_seconds=0.5), {}, 0, 90, 1),
    (
        "slow-beyond-timeouts",
        Faults("slow", slow_seconds=6),
        {**FAST, "DAMANCOM_TIMEOUT_NAVIGATION": "2", "DAMANCOM_RETRIES": "2"},
        4,
        60,
        0,
    ),
    ("hang", Faults("hang"), {**FAST, "DAMANCOM_TIMEOUT_NAVIGATION": "2", "DAMANCOM_RETRIES": "2"}, 4, 60, 0),
    ("reset", Faults("reset"), FAST, 4, 40, 0),
    ("session-expiry-once", Faults("session-expiry"), FAST, 0, 90, 2),
    ("session-expiry-always", Faults("session-expiry", session_expiry="always"), FAST, 4, 90, 2),
    ("drift", Faults("drift"), FAST, 6, 40, 0),
    ("server-error", Faults("server-error"), FAST, 4, 40, 1),
    ("busy-hours-now", Faults("busy-hours", busy_hours=hours_around(-1, 2)), FAST, 4, 40, 0),
    ("busy-hours-later", Faults("busy-hours", busy_hours=hours_around(2, 1)), FAST, 0, 60, 1),
    # The shared headless Chromium is reached over DevTools: no window can be opened there.
    ("refuse-headless", Faults("refuse-headless"), FAST, 10, 40, 0),
]


# Faults the sandbox answers before serving any page of its style (a connection it drops or holds, a
# whole-portal page): the bot meets the same bytes on both styles, so one style runs them
# (`test_a_style_blind_fault_answers_the_same_on_both_styles` fails the day one of them stops being so).
STYLE_BLIND = {"unavailable", "maintenance", "hang", "reset", "busy-hours-now", "refuse-headless"}
CASES = [(m, style) for m in MATRIX for style in (STYLES[:1] if m[0] in STYLE_BLIND else STYLES)]


@pytest.mark.parametrize(
    "faults, extra, expected, bound, sms, style",
    [(*m[1:], style) for m, style in CASES],
    ids=[f"{m[0]}-{style}" for m, style in CASES],
)
def test_fault_gives_its_exit_code_and_the_bot_ends(tmp_path, cli_env, faults, extra, expected, bound, sms, style):
    portal = Portal()
    account = portal.accounts["PHARMA-DEMO"]
    faults = dataclasses.replace(faults, fired=set())  # one fresh fault per style
    with Sandbox(portal, faults=faults, style=style, sms_delay=TEST_SMS_DELAY) as sandbox:
        env = {
            **cli_env,
            "DAMANCOM_URL": sandbox.url,
            "DAMANCOM_IDENTIFIER": account.identifier,
            "DAMANCOM_PASSWORD": account.password,
            "DAMANCOM_LOCAL_PAGE": "0",
            **extra,
        }
        bot = InProcessBot(["login"], environ=env, cwd=tmp_path, interactive=True)
        portal.outbox.listeners.append(lambda message: bot.type(message.code))
        code = bot.start().finish(timeout=4 * bound)  # TimeoutError: the bot hangs
    assert code == expected, bot.err
    assert len(portal.outbox.all()) == sms
    assert "Traceback" not in bot.err
    if expected:
        assert "Erreur : " in bot.err and "code de sortie" not in bot.err  # the code is the exit status
        assert list((tmp_path / "recordings").rglob("*.png")), "a screenshot of what went wrong"


def test_a_firewall_guarding_the_spa_api_ends_as_a_refused_browser(tmp_path, cli_env):
    """`refuse-headless-api`: the single-page shell goes through, its API calls get the firewall's page
    (403): the whole run says a refused browser (exit 10), not a screen it does not know (exit 6)."""
    portal, faults = Portal(), Faults("refuse-headless-api")
    account = portal.accounts["PHARMA-DEMO"]
    with Sandbox(portal, faults=faults, style="spa", sms_delay=TEST_SMS_DELAY) as sandbox:
        env = {
            **cli_env,
            **FAST,
            "DAMANCOM_URL": sandbox.url,
            "DAMANCOM_IDENTIFIER": account.identifier,
            "DAMANCOM_PASSWORD": account.password,
            "DAMANCOM_LOCAL_PAGE": "0",
        }
        bot = InProcessBot(["login"], environ=env, cwd=tmp_path, interactive=True)
        code = bot.start().finish(timeout=4 * 40)
    assert code == 10, bot.err
    assert faults.refused and faults.refused[0] in bot.err and "pare-feu" in bot.err
    assert portal.outbox.all() == [] and "Traceback" not in bot.err


def _first_answer(faults: Faults, style: str) -> tuple:
    """What a headless browser's first request to the portal gets: (status, body), or the socket's failure."""
    import http.client

    with Sandbox(Portal(), faults=dataclasses.replace(faults, fired=set()), style=style, sms_delay=0) as sandbox:
        host, port = sandbox.url.split("//")[1].split("/")[0].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=1)
        try:
            connection.request("GET", "/fr/", headers={"User-Agent": "Mozilla/5.0 HeadlessChrome/131.0"})
            answer = connection.getresponse()
            return answer.status, re.sub(rb"\d{19}", b"<reference>", answer.read())  # the firewall's own number
        except TimeoutError:
            return ("held",)
        except ConnectionError:
            return ("dropped",)
        finally:
            connection.close()


@pytest.mark.parametrize("name", sorted(STYLE_BLIND))
def test_a_style_blind_fault_answers_the_same_on_both_styles(name):
    """The matrix runs these faults on one style only: the bot must meet the same answer on the other."""
    faults = next(m[1] for m in MATRIX if m[0] == name)
    assert _first_answer(faults, "classic") == _first_answer(faults, "spa")
    assert _first_answer(faults, "classic") != _first_answer(Faults(), "classic")  # the fault did act

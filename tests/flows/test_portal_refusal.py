"""A refusal page read for what it says: a firewall refusing the browser (exit 10), a block from
abroad (exit 4, « étranger »), a maintenance (exit 4) — on the sandbox's two styles and on the
usual firewall pages. The tests' Chromium is headless: its own User-Agent says `HeadlessChrome`."""

from __future__ import annotations

import pytest

from bot.errors import BrowserRefused, PortalRefused, PortalUnavailable
from bot.exit_codes import ExitCode
from bot.sandbox import Sandbox
from bot.sandbox.faults import Faults
from flows.engine.retry import RetryPolicy
from flows.login import login
from flows.portal import open_portal
from flows.portal_map import AFTER_OPEN
from tests.conftest import STYLES, outbox_person
from tests.support.tiny_portal import TinyPortal


@pytest.mark.parametrize("style", STYLES)
def test_a_firewall_refusing_headless_browsers_is_its_own_kind(flow, portal, demo_account, style):
    faults = Faults("refuse-headless")
    with Sandbox(portal, faults=faults, style=style, sms_delay=0) as sandbox:
        with pytest.raises(BrowserRefused) as caught:
            login(
                flow,
                sandbox.url,
                demo_account.identifier,
                demo_account.password,
                outbox_person(sandbox, demo_account.identifier),
                retry=RetryPolicy(attempts=3, backoff=0.1),
            )
    refused = caught.value
    assert refused.exit_code == ExitCode.BROWSER_REFUSED == 10 and refused.headless
    assert refused.reference == faults.refused[0]  # the page of the first request (then the favicon)
    assert "invisibles" in refused.message and refused.reference in refused.message
    assert "étranger" not in refused.message and "surchargé" not in refused.message
    assert refused.screenshot.is_file() and "HeadlessChrome" in faults.agents[0]
    assert portal.outbox.all() == []  # no SMS


def test_a_firewall_page_answered_to_the_single_page_apps_api_is_read_as_a_refusal(flow, portal, demo_account):
    """The shell goes through, the firewall guards the API: its page comes back to a fetch()."""
    faults = Faults("refuse-headless-api")
    with Sandbox(portal, faults=faults, style="spa", sms_delay=0) as sandbox:
        with pytest.raises(BrowserRefused) as caught:
            login(
                flow,
                sandbox.url,
                demo_account.identifier,
                demo_account.password,
                outbox_person(sandbox, demo_account.identifier),
                retry=RetryPolicy(attempts=3, backoff=0.1),
            )
    refused = caught.value
    assert refused.exit_code == ExitCode.BROWSER_REFUSED and refused.headless
    assert refused.reference == faults.refused[0] and "/fr/api/" in refused.message
    assert "invisibles" in refused.message and "HeadlessChrome" in faults.agents[0]
    assert portal.outbox.all() == []  # the firewall let no request through to the portal


F5 = (
    "<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult "
    "with your administrator.<br><br>Your support ID is: 10453867012345678901<br><br>"
    "<a href='javascript:history.back();'>[Go Back]</a></body></html>"
)
CLOUDFLARE = (
    "<html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been "
    "blocked</h1><h2>You are unable to access damancom.ma</h2><p>Cloudflare Ray ID: 8a1b2c3d4e5f6a7b</p>"
    "</body></html>"
)
IMPERVA = (
    "<html><head><title>Request unsuccessful</title></head><body>Request unsuccessful. Incapsula incident "
    "ID: 1234000560123456789-12345</body></html>"
)
FRENCH = (
    "<html lang='fr'><head><title>Accès refusé</title></head><body><h1>Accès refusé</h1><p>La requête a été "
    "bloquée.</p><p>Référence : 7731-0042-9918</p></body></html>"
)


@pytest.mark.parametrize(
    "html, status, reference",
    [
        (F5, 200, "10453867012345678901"),  # F5 answers 200 with its page
        (CLOUDFLARE, 403, "8a1b2c3d4e5f6a7b"),
        (IMPERVA, 403, "1234000560123456789-12345"),
        (FRENCH, 403, "7731-0042-9918"),
    ],
    ids=["f5", "cloudflare", "imperva", "francais"],
)
def test_the_usual_firewall_pages_are_read_with_their_reference(flow, html, status, reference):
    with TinyPortal(html, status=status) as tiny:
        with pytest.raises(BrowserRefused) as caught:
            open_portal(flow, tiny.url, AFTER_OPEN)
    assert caught.value.reference == reference and caught.value.headless


ABROAD = (
    "<html lang='fr'><body><h1>Accès refusé</h1><p>Ce service n'est pas accessible depuis votre pays.</p>"
    "<p>Référence : 55-1200</p></body></html>"
)
MAINTENANCE = "<html lang='fr'><body><h1>Site en maintenance</h1><p>Revenez plus tard.</p></body></html>"


def test_a_block_from_abroad_stays_a_refusal_to_retry_later(flow):
    with TinyPortal(ABROAD, status=403) as tiny:
        with pytest.raises(PortalRefused) as caught:
            open_portal(flow, tiny.url, AFTER_OPEN)
    assert caught.value.exit_code == 4 and "étranger" in caught.value.message and "Maroc" in caught.value.message


def test_a_maintenance_page_behind_a_403_is_maintenance(flow):
    with TinyPortal(MAINTENANCE, status=403) as tiny:
        with pytest.raises(PortalUnavailable) as caught:
            open_portal(flow, tiny.url, AFTER_OPEN)
    assert not isinstance(caught.value, PortalRefused) and "maintenance" in caught.value.message


def test_a_bare_403_is_said_as_a_refusal_without_guessing_more(flow):
    with TinyPortal("<html><body></body></html>", status=403) as tiny:
        with pytest.raises(PortalRefused) as caught:
            open_portal(flow, tiny.url, AFTER_OPEN)
    assert caught.value.exit_code == 4 and "erreur 403" in caught.value.message

"""The dashboard's declarations for an accountant's fifty employers, over real HTTP without a browser:
the same order and count line as `status`, filters by state and by name as plain links and a GET form
(no script needed), the page's polling keeping the filter. Real SQLite ledger and accounts file."""

from __future__ import annotations

import html
import json
import re
import urllib.parse

import pytest

from bot.app.dashboard import Dashboard
from bot.app.server import DashboardServer
from tests.support.employers import SUMMARY, fifty_employers
from tests.support.local_page import fetch


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("fifty-board")
    environ, order, category, family = fifty_employers(tmp_path)
    dashboard = Dashboard(environ, tmp_path)
    server = DashboardServer(dashboard).start()
    try:
        yield server, order, family
    finally:
        dashboard.jobs.stop_all()
        server.stop()


def periods(page: str) -> str:
    return page.split('<section id="periodes"', 1)[1].split("</section>", 1)[0]


def accounts(part: str) -> list[str]:
    return re.findall(r"<tr data-etat=\"[a-z-]+\"><td>([^<]+)</td>", part)


def text(part: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


def test_fifty_employers_most_urgent_first_with_the_count_line(board):
    server, order, _ = board
    status, page = fetch(server.url)
    assert status == 200
    part = periods(page)
    assert accounts(part) == order  # the very order `status` gives (tests/bot/commands/test_status_many.py)
    assert SUMMARY in text(part)
    cells = re.findall(r"<td><b>([^<]+)</b></td>", part)  # the « Situation » column, counted
    assert cells.count("code à donner") == 1 and cells.count("en échec") == 5 and cells.count("déposée") == 10
    assert cells.count(html.escape("« prêt » attendu", quote=False)) == 1 and len(cells) == 50


def test_state_links_filter_without_a_script(board):
    server, order, family = board
    part = periods(fetch(server.url)[1])
    links = dict(
        (html.unescape(label), html.unescape(href))
        for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', part)
    )
    assert set(links) == {"Toutes", "À faire", "En cours", "En échec", "Déposées"}
    base = server.url.split("/app/")[0]
    for word, label in (
        ("echec", "En échec"),
        ("deposee", "Déposées"),
        ("a-faire", "À faire"),
        ("en-cours", "En cours"),
    ):
        assert f"etat={word}" in links[label]
        status, page = fetch(base + links[label].split("#")[0])
        assert status == 200
        shown = periods(page)
        assert accounts(shown) == [n for n in order if family[n] == word]
        assert SUMMARY in text(shown)  # the portfolio counted whole, and the lines shown said
        assert f"Affichées : {len(accounts(shown))} ligne(s) sur 50." in text(shown)
        assert re.search(rf'<a href="[^"]*etat={word}[^"]*" aria-current="page"', shown)
    status, page = fetch(server.url + "?etat=inconnu")  # a word the page never offers: everything shown
    assert status == 200 and accounts(periods(page)) == order


def test_the_name_form_is_a_get_and_the_polling_keeps_the_filter(board):
    server, order, family = board
    part = periods(fetch(server.url)[1])
    form = re.search(r'<form class="filtres" method="get" action="([^"]+)">', part)
    assert form and 'name="nom"' in part
    status, page = fetch(server.url + "?" + urllib.parse.urlencode({"nom": "CLIENT-1", "etat": "echec"}))
    kept = [n for n in order if n.startswith("client-1")]
    assert accounts(periods(page)) == [n for n in kept if family[n] == "echec"]
    assert f"{len(kept)} employeurs : " in text(periods(page))
    assert 'name="etat" value="echec"' in periods(page)  # the form keeps the state chosen
    assert "location.search" in fetch(server.url + "app.js")[1]  # the poll asks for the same filter
    status, body = fetch(server.url + "etat.json?nom=client-1&etat=echec")
    assert status == 200
    assert accounts(json.loads(body)["sections"]["periodes"]["html"]) == accounts(periods(page))

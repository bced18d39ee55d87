"""The sandbox's « compte groupe » over real HTTP: its space lists its affiliates, one is chosen,
the declarations are each affiliate's own; an expired session between two choices."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

from bot.sandbox import Portal, Sandbox
from tests.sandbox.spa_client import ApiClient

GROUP = "FIDUCIAIRE-GROUPE"


def test_spa_group_space_lists_affiliates_and_one_is_chosen(spa_sandbox, portal):
    client = ApiClient(spa_sandbox.url)
    client.shell()
    assert client.shell("/fr/espace-groupe")[0] == 200  # one of the shell's own screens
    group = portal.accounts[GROUP]
    client.post("otp", identifiant=GROUP)
    status, data = client.post("otp/code", code=spa_sandbox.outbox.all()[-1].code, motdepasse=group.password)
    assert status == 200 and data["suite"] == "/fr/espace-groupe"
    status, data = client.get("groupe")
    assert status == 200 and data["groupe"] == "Cabinet Comptable Atlas"
    assert data["affilies"] == [
        {"raison_sociale": "Pharmacie Al Amal", "affiliation": "1234567"},
        {"raison_sociale": "Fiduciaire Atlas SARL", "affiliation": "7654321"},
    ]
    assert client.get("espace") == (409, {"suite": "/fr/espace-groupe"})  # no affiliate chosen yet
    status, data = client.post("groupe/choisir", affiliation="1111111")
    assert status == 422 and "pas rattaché" in data["erreur"]
    assert client.post("groupe/choisir", affiliation="7654321") == (200, {"suite": "/fr/espace-affilie"})
    status, data = client.get("espace")
    assert status == 200 and data["affiliation"] == "7654321" and data["groupe"] is True
    assert client.get("groupe")[0] == 200 and client.get("espace")[0] == 409  # back to the list: none chosen
    portal.expire(GROUP)
    status, data = client.post("groupe/choisir", affiliation="1234567")
    assert status == 401 and data["suite"] == "/fr/"


def test_classic_group_space_forms_and_declarations_per_affiliate():
    portal = Portal()
    with Sandbox(portal, sms_delay=0) as sandbox:
        base = sandbox.url.removesuffix("/fr/")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        token = [""]

        def call(path: str, **fields: str) -> tuple[str, str]:
            data = urllib.parse.urlencode({"_csrf": token[0], **fields}).encode() if fields else None
            try:
                with opener.open(urllib.request.Request(base + path, data=data)) as response:
                    body, url = response.read().decode(), response.url
            except urllib.error.HTTPError as exc:
                body, url = exc.read().decode(), exc.url
            found = re.search(r'name="_csrf" value="([^"]+)"', body)
            token[0] = found[1] if found else token[0]
            return body, url

        call("/fr/authentification/otp")
        call("/fr/authentification/otp", identifiant=GROUP)
        code = sandbox.outbox.all()[-1].code
        body, url = call("/fr/authentification/otp/code", code=code, motdepasse=portal.accounts[GROUP].password)
        assert url.endswith("/fr/espace-groupe") and "Choix de l'affilié" in body
        assert "Pharmacie Al Amal" in body and "7654321" in body and "Déclaration des salaires" not in body
        assert call("/fr/espace-affilie")[1].endswith("/fr/espace-groupe")  # none chosen: the list again
        body, url = call("/fr/espace-groupe/choisir", affiliation="1234567")
        assert url.endswith("/fr/espace-affilie") and "Changer d'affilié" in body and "1234567" in body
        al_amal, atlas = portal.accounts["PHARMA-DEMO"], portal.accounts["CABINET-FIDUCIAIRE"]
        period = portal.periods(al_amal)[0][0]
        portal.file(al_amal, period, {"employees": 1, "real": 100, "capped": 100})
        assert dict(portal.periods(al_amal))[period] and not dict(portal.periods(atlas))[period]
        body, _ = call("/fr/espace-groupe")
        body, url = call("/fr/espace-groupe/choisir", affiliation="7654321")
        assert "7654321" in body and "À déclarer" in body  # the other affiliate's own declarations
        portal.choice_listeners.append(lambda login, number: portal.expire(login))
        call("/fr/espace-groupe")
        body, url = call("/fr/espace-groupe/choisir", affiliation="1234567")
        assert url.endswith("/fr/") and "Votre session a expiré" in body

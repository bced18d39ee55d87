"""The browser's network errors, said in French wherever a person reads them."""

from __future__ import annotations

import pytest

from bot.output.playwright_fr import network_in_words


@pytest.mark.parametrize(
    "raw, words",
    [
        ("Page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/fr/", "connexion refusée"),
        ("Page.goto: net::ERR_NAME_NOT_RESOLVED at https://www.damancom.ma/fr/", "adresse introuvable"),
        ("net::ERR_CERT_AUTHORITY_INVALID", "connexion sécurisée impossible"),
        ("Page.goto: net::ERR_SOMETHING_NEW at https://x/", "erreur du réseau"),
    ],
)
def test_network_errors_are_words_not_codes(raw, words):
    said = network_in_words(raw)
    assert words in said and "net::" not in said and "ERR_" not in said and "Page.goto" not in said


def test_a_text_without_a_network_error_is_kept():
    assert network_in_words("délai de 30 s dépassé") == "délai de 30 s dépassé"

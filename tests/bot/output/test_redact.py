"""Every registered secret is masked as typed, URL-encoded (a request path, a form body) and
JSON-escaped: the forms in which an API's error or a log line quotes it."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_plus

import pytest

from bot.output import redact

TOKEN = '123456789:AAtest-Token_For/the+Stand In"é'


@pytest.mark.parametrize(
    "shown",
    [
        TOKEN,
        quote(TOKEN),
        quote(TOKEN, safe=""),
        quote_plus(TOKEN),
        re.sub("%[0-9A-F]{2}", lambda h: h[0].lower(), quote(TOKEN, safe="")),
        json.dumps(TOKEN),
        json.dumps(TOKEN, ensure_ascii=False),
    ],
    ids=range(7),
)
def test_every_form_of_a_secret_is_masked(shown):
    redact.register(TOKEN)
    text = redact.scrub(f"Not Found: POST /bot{shown}/getMe")
    assert "AAtest" not in text and redact.MASK in text


def test_a_secret_not_encodable_as_utf8_is_still_registered():
    redact.register("Pa\udcffss-1")  # read from an environment that is not UTF-8
    assert redact.scrub("mot Pa\udcffss-1") == f"mot {redact.MASK}"

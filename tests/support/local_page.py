"""Talking to the bot's local page as a browser form would (token, Host, CSRF)."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request


def fetch(url: str, data: dict | None = None, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode() if data is not None else None)
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def csrf(html: str) -> str:
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)

"""A tiny cookie-keeping client for the spa style's JSON API, like the shell's fetch() calls."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.request
import uuid


class ApiClient:
    def __init__(self, base: str):
        self.base = base.removesuffix("/fr/")
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def shell(self, path: str = "/fr/") -> tuple[int, str]:
        """Loads the one HTML document, and the CSRF token it gives."""
        status, body, _ = self._open(urllib.request.Request(self.base + path))
        token = re.search(r'<meta name="csrf-token" content="([^"]+)">', body)
        if token:
            self.csrf = token.group(1)
        return status, body

    def get(self, route: str) -> tuple[int, dict]:
        return self._json(urllib.request.Request(self.base + "/fr/api/" + route))

    def post(self, route: str, csrf: str | None = None, **fields: str) -> tuple[int, dict]:
        request = urllib.request.Request(
            self.base + "/fr/api/" + route,
            data=json.dumps(fields).encode(),
            headers={"Content-Type": "application/json"},
        )
        return self._json(self._with_token(request, csrf))

    def upload(self, route: str, content: bytes, name: str = "DS.txt") -> tuple[int, dict]:
        """FormData with one file, as the shell's « Déposer le fichier » sends it."""
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="{name}"\r\n'
                "Content-Type: text/plain\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            self.base + "/fr/api/" + route,
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        return self._json(self._with_token(request, None))

    def raw(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def _with_token(self, request, csrf: str | None):
        request.add_header("X-CSRF-Token", self.csrf if csrf is None else csrf)
        return request

    def _json(self, request) -> tuple[int, dict]:
        status, body, _ = self._open(request)
        data = json.loads(body)
        if "csrf" in data:  # the shell keeps the token a reply hands over
            self.csrf = data["csrf"]
        return status, data

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request) as response:
                return response.status, response.read().decode(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(), exc.headers.get("Content-Type", "")

"""A declaration file sent from the dashboard (multipart/form-data), read with the standard library's
e-mail parser (the `cgi` module is gone from newer Pythons)."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

MAX_UPLOAD = 4 * 1024 * 1024  # an e-BDS file is 260 bytes a line; thousands of employees fit


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """(fields, files): text fields by name, and files as (file name, content)."""
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        return {}, {}
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    fields, files = {}, {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        content = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = (filename, content)
        else:
            fields[name] = content.decode("utf-8", "replace")
    return fields, files

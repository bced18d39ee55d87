"""A declaration file sent from the dashboard (multipart/form-data), parsed as it streams in
(Starlette's parser over python-multipart) with bounds on every part: one file, a few fields of a
few hundred bytes. The file stays in memory (never a temporary file: it holds salaries)."""

from __future__ import annotations

from bot.system import localweb

MAX_UPLOAD = 4 * 1024 * 1024  # an e-BDS file is 260 bytes a line; thousands of employees fit
MAX_FIELDS = 4  # the form has the CSRF token and the period
MAX_FIELD_BYTES = 1024


async def read_upload(request) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """(fields, files): text fields by name, and files as (file name, content). A body that is not
    the form (too many parts, a part too large, not multipart) is refused with a French page."""
    from starlette.formparsers import MultiPartException, MultiPartParser

    class InMemory(MultiPartParser):
        spool_max_size = MAX_UPLOAD + 1  # the whole body is bounded by MAX_UPLOAD (the guard)

    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        return {}, {}
    parser = InMemory(
        request.headers, request.stream(), max_files=1, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES
    )
    try:
        form = await parser.parse()
    except MultiPartException:
        raise localweb.Refused(400, localweb.BAD_REQUEST) from None
    fields, files = {}, {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            fields[name] = value
        else:
            files[name] = (value.filename or "", await value.read())
            await value.close()
    return fields, files

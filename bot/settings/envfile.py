"""Reading a `.env` file as people actually produce it, and refusing the rest in French (exit 2).

Windows editors write UTF-8 with a BOM, PowerShell's `>` writes UTF-16 with a BOM, Notepad's
« ANSI » is cp1252. The password is in this file: nothing here may let an exception carry its
content to a screen, so every failure becomes a ConfigError that quotes the path, never the text.
"""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path

from bot.errors import ConfigError

MAX_BYTES = 256 * 1024  # a settings file is a few hundred bytes; /dev/zero must not fill memory

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),  # before UTF-16: longer
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def read_bytes(path: Path) -> bytes:
    from bot.system.files import NotRegularFile, read_regular

    try:
        data = read_regular(path, MAX_BYTES)  # a FIFO or a device is refused before it is opened
    except NotRegularFile as exc:
        raise ConfigError(
            f"Le fichier de réglages « {path} » est {exc.kind}, pas un fichier ordinaire. "
            "Indiquez un fichier .env dans DAMANCOM_ENV_FILE."
        ) from None
    except (OSError, ValueError) as exc:
        from bot.output.system_fr import why as system_why

        why = system_why(exc)
        raise ConfigError(
            f"Le fichier de réglages « {path} » ne peut pas être lu ({why}). "
            "Vérifiez qu'il existe et que vous avez le droit de le lire."
        ) from None
    if len(data) > MAX_BYTES:
        raise ConfigError(
            f"Le fichier de réglages « {path} » est trop gros pour être un fichier .env "
            f"(plus de {MAX_BYTES // 1024} Ko). Vérifiez DAMANCOM_ENV_FILE."
        )
    return data


def decode(data: bytes, path: Path) -> str:
    """BOM first; then UTF-8; then Windows' « ANSI » (cp1252). Binary content is refused."""
    return decoded(data, path)[0]


def decoded(data: bytes, path: Path) -> tuple[str, str, bytes]:
    """(text, encoding, BOM): what `write_values` needs to write the file back as it was."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise _not_text(path) from None
            return _checked(text, path), encoding, bom
    try:
        return _checked(data.decode("utf-8"), path), "utf-8", b""
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; those are never in a hand-typed file.
    try:
        return _checked(data.decode("cp1252"), path), "cp1252", b""
    except UnicodeDecodeError:
        raise _not_text(path) from None


def _checked(text: str, path: Path) -> str:
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\t\r\n\f\v" for ch in text):
        raise _not_text(path)
    return text


def _not_text(path: Path) -> ConfigError:
    return ConfigError(
        f"Le fichier de réglages « {path} » n'est pas un fichier texte lisible. "
        "Enregistrez-le comme texte (par exemple « UTF-8 » dans le Bloc-notes)."
    )


def values(path: Path, *, warn: bool = True) -> dict[str, str]:
    """The variables of the file at `path` (which exists), taken literally: no `${…}` expansion (a
    password may hold a « $ »). A line python-dotenv cannot read, and an unquoted value that a « # »
    cuts short (the rest is a comment), are named in French, never with the value."""
    import logging

    from dotenv import dotenv_values

    text = decode(read_bytes(path), path)
    if warn:
        _warn(text, path)
    logging.getLogger("dotenv.main").setLevel(logging.ERROR)
    found = dotenv_values(stream=io.StringIO(text), interpolate=False)
    return {str(k): v for k, v in found.items() if v is not None}


_UNQUOTED_CUT = re.compile(r"\s*(?:export\s+)?[^=\s]+\s*=\s*(?![\s'\"#])[^#]*?\s#")


def _warn(text: str, path: Path) -> None:
    from dotenv.parser import parse_stream
    from loguru import logger

    for binding in parse_stream(io.StringIO(text)):
        line = binding.original.line
        if binding.error:
            logger.warning("Ligne {} du fichier {} illisible : ignorée (attendu NOM=valeur).", line, path)
        elif binding.key and binding.value and _UNQUOTED_CUT.match(binding.original.string):
            logger.warning(
                "Ligne {} du fichier {} : la valeur de {} s'arrête avant le « # » (la suite est lue comme "
                "un commentaire). Si le « # » fait partie de la valeur, par exemple d'un mot de passe, "
                "mettez-la entre guillemets simples : {}='…'.",
                line,
                path,
                binding.key,
                binding.key,
            )


def write_values(path: Path, updates: dict[str, str]) -> None:
    """Sets each variable of `updates` in the file, keeping every other line, its encoding (Notepad's
    « ANSI » stays cp1252, a BOM stays) and its line ends. A value the encoding cannot hold makes the
    file UTF-8 with a BOM, which Notepad reads. Written whole to a new file, then put in place."""
    from dotenv.parser import parse_stream

    from bot.system.files import private_opener, replace_retrying

    text, encoding, bom = decoded(read_bytes(path), path) if path.exists() else ("", "utf-8", b"")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines, written = [], set()
    for binding in parse_stream(io.StringIO(text)):
        if binding.key not in updates:
            lines.append(binding.original.string)
        elif binding.key not in written:  # a variable set twice keeps one line, the new value
            lines.append(_assignment(binding.key, updates[binding.key], newline))
            written.add(binding.key)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    lines += [_assignment(key, value, newline) for key, value in updates.items() if key not in written]
    content = "".join(lines)
    try:
        raw = bom + content.encode(encoding)
    except UnicodeEncodeError:
        raw = codecs.BOM_UTF8 + content.encode("utf-8")
    temporary = path.with_name(f".{path.name}.nouveau")
    with open(temporary, "wb", opener=private_opener) as handle:
        handle.write(raw)
    replace_retrying(temporary, path)


def _assignment(key: str, value: str, newline: str) -> str:
    if re.fullmatch(r"[^\s'\"#\\$]*", value):
        return f"{key}={value}{newline}"
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")  # read back literally (single quotes)
    return f"{key}='{escaped}'{newline}"

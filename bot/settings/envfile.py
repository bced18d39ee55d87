"""Reading a `.env` file as people actually produce it, and refusing the rest in French (exit 2).

Windows editors write UTF-8 with a BOM, PowerShell's `>` writes UTF-16 with a BOM, Notepad's
« ANSI » is cp1252. The password is in this file: nothing here may let an exception carry its
content to a screen, so every failure becomes a ConfigError that quotes the path, never the text.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

from bot.errors import ConfigError

MAX_BYTES = 256 * 1024  # a settings file is a few hundred bytes; /dev/zero must not fill memory

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),  # before UTF-16: longer
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]


def read_bytes(path: Path) -> bytes:
    from bot.system.files import NotRegularFile, read_regular

    try:
        data = read_regular(path, MAX_BYTES)  # a FIFO or a device is refused before it is opened
    except NotRegularFile as exc:
        raise ConfigError(f"Le fichier de réglages « {path} » est {exc.kind}, pas un fichier ordinaire. "
                          "Indiquez un fichier .env dans DAMANCOM_ENV_FILE.") from None
    except (OSError, ValueError) as exc:
        from bot.output.system_fr import why as system_why

        why = system_why(exc)
        raise ConfigError(f"Le fichier de réglages « {path} » ne peut pas être lu ({why}). "
                          "Vérifiez qu'il existe et que vous avez le droit de le lire.") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"Le fichier de réglages « {path} » est trop gros pour être un fichier .env "
                          f"(plus de {MAX_BYTES // 1024} Ko). Vérifiez DAMANCOM_ENV_FILE.")
    return data


def decode(data: bytes, path: Path) -> str:
    """BOM first; then UTF-8; then Windows' « ANSI » (cp1252). Binary content is refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise _not_text(path) from None
            return _checked(text, path)
    try:
        return _checked(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; those are never in a hand-typed file.
    try:
        return _checked(data.decode("cp1252"), path)
    except UnicodeDecodeError:
        raise _not_text(path) from None


def _checked(text: str, path: Path) -> str:
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\t\r\n\f\v" for ch in text):
        raise _not_text(path)
    return text


def _not_text(path: Path) -> ConfigError:
    return ConfigError(f"Le fichier de réglages « {path} » n'est pas un fichier texte lisible. "
                       "Enregistrez-le comme texte (par exemple « UTF-8 » dans le Bloc-notes).")


def values(path: Path) -> dict[str, str]:
    """The variables of the file at `path` (which exists). A line python-dotenv cannot read is
    named in French (its own warning is English and would quote nothing useful)."""
    import logging

    from dotenv import dotenv_values
    from dotenv.parser import parse_stream
    from loguru import logger

    text = decode(read_bytes(path), path)
    bad = [b.original.line for b in parse_stream(io.StringIO(text)) if b.error]
    for line in bad:
        logger.warning("Ligne {} du fichier {} illisible : ignorée (attendu NOM=valeur).", line, path)
    logging.getLogger("dotenv.main").setLevel(logging.ERROR)
    return {str(k): v for k, v in dotenv_values(stream=io.StringIO(text)).items() if v is not None}

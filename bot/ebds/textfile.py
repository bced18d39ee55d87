"""Guards before reading a file as e-BDS text: a size limit and a « this is not text » test, both
decided at once, so garbage never reaches the line-by-line checks (which would print megabytes)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.errors import BadInput

MAX_BYTES = 50 * 1024 * 1024  # a declaration of 190 000 employees; real ones are far smaller
_SAMPLE = 64 * 1024
_NOT_TEXT = re.compile(r"[^\x20-\x7e\r\n\t]")


class FileNotUsable(BadInput):
    """Too large, not text, or unreadable: refused before any check (exit 2)."""


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def not_text(text: str) -> tuple[str, str] | None:
    """(what was found, what was expected) when `text` cannot be an e-BDS file at all."""
    if len(text) > MAX_BYTES:
        return (
            f"{_megabytes(len(text))}",
            f"au plus {_megabytes(MAX_BYTES)} (un fichier de déclaration est bien plus petit)",
        )
    sample = text[:_SAMPLE]
    odd = len(_NOT_TEXT.findall(sample))
    # A stray NUL or accent is a finding with its line and column; a PDF, a ZIP or UTF-16 is not text.
    if sample and (odd > len(sample) // 10 or sample.count("\x00") > len(sample) // 100):
        return (
            f"un contenu binaire ({odd} caractère(s) non imprimable(s) sur les {len(sample)} premiers)",
            "un fichier texte (le fichier DS_….txt produit par le logiciel de paie, pas un PDF, un ZIP ni un Excel)",
        )
    return None


def read_limited(path: str | Path, what: str) -> bytes:
    """The file's bytes, refused at once when over the size limit (before reading it). Never more
    than the limit is read: a device (/dev/zero) or a pipe is refused before it is opened."""
    from bot.system.files import NotRegularFile, read_regular

    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _too_large(path, what, path.stat().st_size)
        data = read_regular(path, MAX_BYTES)
        if len(data) > MAX_BYTES:  # a file that grew, or one whose size the system does not say (/proc)
            raise _too_large(path, what, None)
        return data
    except NotRegularFile as exc:
        if exc.kind == "un dossier":
            raise FileNotUsable(f"{what} « {path} » est un dossier : indiquez un fichier.") from None
        raise FileNotUsable(
            f"{what} « {path} » refusé : c'est {exc.kind}, pas un fichier ordinaire. "
            "Indiquez un fichier enregistré sur le disque."
        ) from None
    except FileNotFoundError:
        raise FileNotUsable(f"{what} « {path} » introuvable : vérifiez le chemin.") from None
    except PermissionError:
        raise FileNotUsable(
            f"{what} « {path} » illisible : accès refusé (fichier ouvert ailleurs, ou droits)."
        ) from None
    except OSError as exc:
        raise FileNotUsable(f"{what} « {path} » illisible ({exc.strerror or exc}).") from None


def _too_large(path: Path, what: str, size: int | None) -> FileNotUsable:
    found = _megabytes(size) if size is not None else f"plus de {_megabytes(MAX_BYTES)}"
    return FileNotUsable(
        f"{what} « {path} » refusé : {found}, au plus {_megabytes(MAX_BYTES)} "
        "(un fichier de déclaration est bien plus petit). Vérifiez le fichier choisi."
    )

"""The operating system's reasons, in French: « No such file or directory » never reaches a person."""

from __future__ import annotations

import errno

_NAMES = {
    "ENAMETOOLONG": "nom ou chemin trop long",
    "ENOENT": "chemin introuvable",
    "ENOTDIR": "une partie du chemin n'est pas un dossier",
    "EISDIR": "c'est un dossier",
    "EACCES": "accès refusé",
    "EPERM": "opération non permise",
    "ENOSPC": "le disque est plein",
    "EDQUOT": "quota du disque atteint",
    "EROFS": "disque en lecture seule",
    "ELOOP": "liens en boucle",
    "EEXIST": "le fichier existe déjà",
    "EIO": "erreur de lecture ou d'écriture du disque",
    "EINVAL": "nom de fichier invalide",
    "EFBIG": "fichier trop gros",
    "EMLINK": "trop de liens",
    "ENOTEMPTY": "dossier non vide",
    "EBUSY": "fichier utilisé par un autre programme",
    "EADDRINUSE": "port déjà utilisé par un autre programme",
    "EADDRNOTAVAIL": "adresse indisponible",
    "ECONNREFUSED": "connexion refusée",
    "ETIMEDOUT": "délai dépassé",
    "ECONNRESET": "connexion coupée",
}
FILE_ERRNOS = {getattr(errno, name): text for name, text in _NAMES.items() if hasattr(errno, name)}
# Windows' own codes (winerror) for what antivirus and OneDrive do to files
_WINERRORS = {
    5: "accès refusé",
    32: "fichier utilisé par un autre programme (antivirus, OneDrive ?)",
    33: "fichier verrouillé par un autre programme",
    206: "nom ou chemin trop long",
}


def why(exc: BaseException) -> str:
    """The French reason of an OSError (or a short neutral phrase)."""
    if not isinstance(exc, OSError):
        return "chemin invalide"  # a ValueError: a NUL byte or the like in the path
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINERRORS:
        return _WINERRORS[winerror]
    number = getattr(exc, "errno", None)
    if number in FILE_ERRNOS:
        return FILE_ERRNOS[number]
    return "erreur du système"

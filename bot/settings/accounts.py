"""Several employers' accounts: the accounts file (TOML, read with the standard library).

DAMANCOM_ACCOUNTS names it; otherwise `comptes.toml` in the working directory when present.
One table per account, named by a short name the person chooses:

    [accounts.al-amal]
    identifier = "PHARMA-7731"
    telegram_chat = "5550001"

The `.env` account (DAMANCOM_IDENTIFIER) keeps working unchanged and is one more account, named
DAMANCOM_ACCOUNT or its identifier. Each account becomes an environment: the process's own, with
the account's keys written over the matching DAMANCOM_ variables, so every existing reader of the
settings (load_settings, parse_plan, the hand-over) works per account unchanged.

Password, first found: the file's `password`, the system keyring (`damancom-bot secret set NAME`),
DAMANCOM_PASSWORD (only for the `.env` account, or a file holding a single account).

A « compte groupe » (an accountant's one login reaching several employers) is a table of its own,
and each employer it reaches names it and gives its number in the group's list:

    [groups.cabinet]
    identifier = "FIDUCIAIRE-7731"
    phone = "0612345678"

    [accounts.al-amal]
    group = "cabinet"
    affiliation = "1234567"

Such an account's login keys (identifier, password, url, auth, phone) are the group's; its own
table may still say where its messages go and its windows. `--all` and the scheduler log in once
per group and file for each of its accounts in turn (bot/run/group.py).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from bot.errors import ConfigError
from bot.output import redact
from bot.settings import readers
from bot.settings import table as t

DEFAULT_FILE = "comptes.toml"
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
# file key -> the DAMANCOM_ variable it stands for
ROWS = {
    "identifier": t.IDENTIFIER,
    "password": t.PASSWORD,
    "url": t.URL,
    "auth": t.AUTH,
    "telegram_chat": t.TELEGRAM_CHAT,
    "notify": t.NOTIFY,
    "windows": t.WINDOWS,
    "deadline_overrides": t.DEADLINE_OVERRIDES,
    "phone": t.PHONE,
}
KEYS = {key: row.name for key, row in ROWS.items()}
LOGIN_KEYS = ("identifier", "password", "url", "auth", "phone")  # a group member's are its group's
GROUP_KEYS = ("group", "affiliation")  # on an account reached through a group


@dataclass(frozen=True)
class Account:
    name: str
    identifier: str
    values: dict = field(default_factory=dict, repr=False)  # DAMANCOM_ variable -> value (password included)
    source: str = ".env"  # the accounts file's path, or ".env"
    group: str = ""  # the « compte groupe » whose login reaches this employer ([groups.NAME])
    login: "Account | None" = field(default=None, repr=False, compare=False)  # that group's own login

    @property
    def affiliation(self) -> str:
        return self.values.get(t.AFFILIATION.name, "")

    @property
    def has_password(self) -> bool:
        return bool(self.values.get(t.PASSWORD.name))


def accounts_file(environ: Mapping[str, str]) -> Path | None:
    named = t.ACCOUNTS.get(environ)
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(
                f"{t.ACCOUNTS.name} désigne « {named[:200]} », qui n'est pas un fichier. "
                "Corrigez le chemin, ou videz la variable."
            )
        return path
    default = Path(DEFAULT_FILE)
    return default if default.is_file() else None


def pinned(environ: Mapping[str, str], cwd: Path) -> dict[str, str]:
    """`environ` with DAMANCOM_ACCOUNTS naming, from the working folder `cwd`, the accounts file it
    means (`comptes.toml` there when present): every later reader, and the bot's child processes,
    read that same file whatever their own current folder."""
    named = t.ACCOUNTS.get(environ)
    path = Path(cwd) / (named or DEFAULT_FILE)  # an absolute path stays itself
    if not named and not path.is_file():
        return dict(environ)
    return {**environ, t.ACCOUNTS.name: str(path)}


def all_accounts(environ: Mapping[str, str]) -> list[Account]:
    """The file's accounts in its order, then the `.env` account when DAMANCOM_IDENTIFIER is set."""
    path = accounts_file(environ)
    found = read_file(path) if path else []
    identifier = t.IDENTIFIER.text(environ)
    if identifier:
        name = t.ACCOUNT.get(environ) or identifier
        same = [a for a in found if a.identifier == identifier or a.name == name]
        if not same:
            found.append(Account(name, identifier))
    return found


def choose(environ: Mapping[str, str], name: str | None) -> Account | None:
    """The account a command works for: `--account NAME`; without it the only account, or the
    `.env` account. None when nothing is configured at all (the old single-account messages apply)."""
    accounts = all_accounts(environ)
    if name:
        found = find(accounts, name)
        if found:
            return found
        members = [a.name for a in accounts if a.group == name.strip()]
        if members:
            raise ConfigError(
                f"« {name.strip()} » est un compte groupe : son login sert à plusieurs employeurs. Pour tous : "
                f"--all --account {name.strip()} ; pour un seul : --account {members[0]} (employeurs : "
                f"{', '.join(members)})."
            )
        known = ", ".join(a.name for a in accounts) or "aucun"
        raise ConfigError(f"Compte « {name[:80]} » inconnu. Comptes configurés : {known}.")
    if not accounts:
        return None
    if len(accounts) == 1:
        return accounts[0]
    env_account = [a for a in accounts if a.source == ".env"]
    if env_account:
        return env_account[0]
    raise ConfigError(
        "Plusieurs comptes sont configurés : précisez --account NOM (ou --all). Comptes : "
        + ", ".join(a.name for a in accounts)
        + "."
    )


def find(accounts: list[Account], name: str) -> Account | None:
    name = name.strip()
    return next((a for a in accounts if name in (a.name, a.identifier)), None)


def resolve_name(environ: Mapping[str, str], name: str) -> str:
    """The account's name for `--account NAME` given a name or an identifier; unknown names pass
    through (a run may wait under a name no longer configured)."""
    found = find(all_accounts(environ), name)
    return found.name if found else name.strip()


def account_environ(environ: Mapping[str, str], account: Account | None, *, need_password: bool) -> dict[str, str]:
    """The environment a run for `account` reads: the account's keys over the DAMANCOM_ variables,
    its name as DAMANCOM_ACCOUNT, its password resolved when `need_password`."""
    merged = dict(environ)
    if account is None:
        return merged
    # Never the `.env` account's password for another account (password_of decides). Without its
    # own telegram_chat or notify, an account's questions go to the general ones (the accountant).
    if account.source != ".env":
        merged.pop(t.PASSWORD.name, None)
    merged.update(account.values)
    merged[t.IDENTIFIER.name] = account.identifier
    merged[t.ACCOUNT.name] = account.name
    if account.source != ".env":
        merged[t.ACCOUNT_SOURCE.name] = account.source  # names the file in « no password » messages
    if need_password:
        password = password_of(environ, account)
        if password:
            merged[t.PASSWORD.name] = password
    return merged


def password_of(environ: Mapping[str, str], account: Account) -> str | None:
    """The file's `password`, then the keyring, then DAMANCOM_PASSWORD (the `.env` account, or a
    file with a single account and no `.env` account)."""
    from bot.settings import secrets

    if account.has_password:
        return account.values[t.PASSWORD.name]
    try:
        stored = secrets.read(account.name) or (secrets.read(account.group) if account.group else None)
    except secrets.KeyringUnavailable:
        stored = None
    if stored:
        return stored
    if account.source == ".env" or len(all_accounts(environ)) == 1:
        return t.PASSWORD.get(environ) or None
    return None


# --- the file ---------------------------------------------------------------------------------


def read_file(path: Path) -> list[Account]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"Fichier des comptes {path} illisible ({exc.strerror}). Vérifiez ses droits.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Notepad's « ANSI »: still read, accents aside
    _register_passwords(text)  # before anything can fail and quote the file
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+)", str(exc))
        line = f", ligne {where[1]}" if where else ""
        raise ConfigError(
            f"Fichier des comptes {path}{line} : ce n'est pas du TOML valide. Modèle : "
            '[accounts.mon-client] puis identifier = "…" (valeurs entre guillemets).'
        ) from None
    unknown = [k for k in data if k not in ("accounts", "groups")]
    if unknown:
        raise ConfigError(
            f"{_where(path, text, None, unknown[0])} : section inconnue ; seules les tables [accounts.NOM] "
            "et [groups.NOM] sont lues."
        )
    logins = _groups(path, text, data.get("groups", {}))
    tables = data.get("accounts")
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(
            f"Fichier des comptes {path} : aucun compte. Ajoutez une table [accounts.NOM] "
            'avec au moins identifier = "…".'
        )
    accounts = [_account(path, text, name, table, logins) for name, table in tables.items()]
    _check_groups(path, text, accounts, logins)
    seen: dict[str, str] = {}
    for account in accounts:
        if account.group:
            continue  # a group's accounts share its login; its number tells them apart
        if account.identifier in seen:
            raise ConfigError(
                f"{_where(path, text, account.name, 'identifier')} : l'identifiant {account.identifier} "
                f"est déjà celui du compte « {seen[account.identifier]} ». Un identifiant, un compte."
            )
        seen[account.identifier] = account.name
    return accounts


def _account(path: Path, text: str, name: str, table, logins: dict | None = None, section: str = "accounts") -> Account:
    here = lambda key: _where(path, text, name, key, section)  # noqa: E731
    if isinstance(table, dict) and "group" in table:
        return _member(path, text, name, table, logins or {})
    if isinstance(table, dict) and "affiliation" in table:
        raise ConfigError(
            f"{here('affiliation')} : un numéro d'affiliation ne sert qu'aux comptes atteints par un compte "
            'groupe ; ajoutez group = "NOM" (une table [groups.NOM]) ou retirez cette ligne.'
        )
    if not NAME_RE.fullmatch(name):
        raise ConfigError(
            f"{here(None)} : le nom de compte « {name[:40]} » doit être court, en lettres sans "
            "accent, chiffres, « - », « _ » ou « . » (par exemple al-amal)."
        )
    if not isinstance(table, dict):
        raise ConfigError(f'{here(None)} : attendu une table [{section}.{name}] avec identifier = "…".')
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{here(key)} : clé inconnue. Clés possibles : {', '.join(KEYS)}.")
    identifier = table.get("identifier")
    if not isinstance(identifier, str) or not identifier.strip():
        raise ConfigError(
            f'{here("identifier")} : identifiant Damancom obligatoire, entre guillemets (identifier = "PHARMA-7731").'
        )
    if readers.has_space(identifier.strip()):
        raise ConfigError(f"{here('identifier')} : l'identifiant contient des espaces. Recopiez-le sans espace.")
    values = {KEYS[key]: _text(here, key, value) for key, value in table.items() if key != "identifier"}
    redact.register(values.get(t.PASSWORD.name))  # also one written with TOML escapes
    _check(here, values)
    return Account(name, identifier.strip(), values, str(path))


# --- « compte groupe » ---------------------------------------------------------------------------


def _groups(path: Path, text: str, tables) -> dict[str, Account]:
    """Each [groups.NAME] table: the login, read like an account's (same keys, same checks)."""
    if not isinstance(tables, dict):
        raise ConfigError(f"{_where(path, text, None, 'groups')} : attendu des tables [groups.NOM].")
    logins = {}
    for name, table in tables.items():
        here = lambda key, name=name: _where(path, text, name, key, section="groups")  # noqa: E731
        if isinstance(table, dict):
            wrong = next((k for k in table if k in GROUP_KEYS), None)
            if wrong:
                raise ConfigError(
                    f"{here(wrong)} : la clé « {wrong} » va dans la table [accounts.NOM] de chaque employeur "
                    "du groupe, pas dans celle du groupe."
                )
        if not isinstance(table, dict):
            raise ConfigError(f'{here(None)} : attendu une table [groups.{name}] avec identifier = "…".')
        login = _account(path, text, name, table, section="groups")
        logins[name] = Account(login.name, login.identifier, login.values, login.source)
    return logins


def _member(path: Path, text: str, name: str, table: dict, logins: dict[str, Account]) -> Account:
    """An employer reached through a group: the group's login, its own number in the group's list."""
    here = lambda key: _where(path, text, name, key)  # noqa: E731
    if not NAME_RE.fullmatch(name):
        raise ConfigError(
            f"{here(None)} : le nom de compte « {name[:40]} » doit être court, en lettres sans "
            "accent, chiffres, « - », « _ » ou « . » (par exemple al-amal)."
        )
    group = table["group"]
    if not isinstance(group, str) or group.strip() not in logins:
        known = ", ".join(logins) or "aucun"
        raise ConfigError(
            f"{here('group')} : groupe « {str(group)[:40]} » inconnu. Groupes décrits ([groups.NOM]) : {known}."
        )
    login = logins[group.strip()]
    for key in table:
        if key in LOGIN_KEYS:
            raise ConfigError(
                f"{here(key)} : la clé « {key} » est celle du login du groupe « {login.name} » : "
                f"écrivez-la dans [groups.{login.name}], pas dans le compte."
            )
        if key not in KEYS and key not in GROUP_KEYS:
            raise ConfigError(f"{here(key)} : clé inconnue. Clés possibles : {', '.join((*GROUP_KEYS, *KEYS))}.")
    number = table.get("affiliation")
    if isinstance(number, int) and not isinstance(number, bool):
        number = str(number)
    if not isinstance(number, str) or not re.fullmatch(r"\d{5,12}", number.strip()):
        raise ConfigError(
            f'{here("affiliation")} : numéro d\'affiliation CNSS obligatoire, en chiffres (affiliation = "1234567") : '
            "c'est le numéro que la liste des affiliés du compte groupe affiche pour cet employeur."
        )
    own = {KEYS[k]: _text(here, k, v) for k, v in table.items() if k in KEYS}
    _check(here, own)
    values = {**login.values, **own, t.AFFILIATION.name: number.strip()}
    return Account(name, login.identifier, values, str(path), group=login.name, login=login)


def _check_groups(path: Path, text: str, accounts: list[Account], logins: dict[str, Account]) -> None:
    names = {a.name for a in accounts}
    for name, login in logins.items():
        if name in names:
            raise ConfigError(
                f"{_where(path, text, name, None, section='groups')} : « {name} » est déjà le nom d'un compte. "
                "Donnez au groupe un nom à lui (par exemple cabinet)."
            )
        members = [a for a in accounts if a.group == name]
        if not members:
            raise ConfigError(
                f"{_where(path, text, name, None, section='groups')} : aucun compte ne dit "
                f'group = "{name}". Ajoutez-le aux tables [accounts.NOM] des employeurs de ce groupe.'
            )
        seen: dict[str, str] = {}
        for member in members:
            if member.affiliation in seen:
                raise ConfigError(
                    f"{_where(path, text, member.name, 'affiliation')} : le numéro {member.affiliation} est déjà "
                    f"celui du compte « {seen[member.affiliation]} » du même groupe. Un numéro, un employeur."
                )
            seen[member.affiliation] = member.name
    alone = {a.identifier: a.name for a in accounts if not a.group}
    for login in logins.values():
        if login.identifier in alone:
            raise ConfigError(
                f"{_where(path, text, login.name, 'identifier', section='groups')} : l'identifiant "
                f"{login.identifier} est aussi celui du compte « {alone[login.identifier]} ». Un identifiant, "
                "un login : un compte groupe se décrit une fois, dans [groups.NOM]."
            )


def groups(accounts: list[Account]) -> dict[str, list[Account]]:
    """The group logins among `accounts`, each with its employers in the file's order."""
    found: dict[str, list[Account]] = {}
    for account in accounts:
        if account.group:
            found.setdefault(account.group, []).append(account)
    return found


def _text(here, key: str, value) -> str:
    """A key's value as the DAMANCOM_ variable's text form."""
    if key == "deadline_overrides" and isinstance(value, dict):
        value = [f"{period}={_date(here, key, day)}" for period, day in value.items()]
    if key == "telegram_chat" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, list) and key in ("telegram_chat", "notify", "windows", "deadline_overrides"):
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            raise ConfigError(f"{here(key)} : attendu une liste de textes entre guillemets.")
        value = ",".join(str(v) for v in value) if key != "notify" else " ".join(value)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{here(key)} : attendu un texte entre guillemets, non vide.")
    return value if key == "password" else value.strip()


def _date(here, key, day) -> str:
    import datetime

    if isinstance(day, datetime.date):
        return day.isoformat()
    if isinstance(day, str):
        return day
    raise ConfigError(f'{here(key)} : attendu des dates AAAA-MM-JJ, par exemple "2025-06" = "2025-07-17".')


def _check(here, values: dict[str, str]) -> None:
    """Each value through the reader of its variable (`bot/settings/table.py`), the message naming
    the file's key (a chat list by the key's own name)."""
    for key, row in ROWS.items():
        if row.name not in values or key in ("password", "notify", "phone"):
            continue
        try:
            if row is t.TELEGRAM_CHAT:
                readers.chat_texts(key, values[row.name])
            else:
                row.parse(values[row.name])
        except ConfigError as exc:
            raise ConfigError(f"{here(key)} : {exc.message}") from None


def _where(path: Path, text: str, name: str | None, key: str | None, section: str = "accounts") -> str:
    """« Fichier des comptes comptes.toml, ligne 4, clé « url » »: where the person looks."""
    line = _line_of(text, name, key, section)
    parts = [f"Fichier des comptes {path}"]
    what = "groupe" if section == "groups" else "compte"
    if line:
        parts.append(f"ligne {line}")
    if name and key:
        parts.append(f"{what} « {name} », clé « {key} »")
    elif name:
        parts.append(f"{what} « {name} »")
    elif key:
        parts.append(f"« {key} »")
    return ", ".join(parts)


def _line_of(text: str, name: str | None, key: str | None, section: str = "accounts") -> int | None:
    header = None
    inside = name is None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = (
                name is not None
                and re.fullmatch(rf"\[\s*{section}\s*\.\s*[\"']?{re.escape(name)}[\"']?\s*\]", stripped) is not None
            )
            if name is None and key and re.fullmatch(rf"\[+\s*{re.escape(key)}\b.*", stripped):
                return number
            if inside:
                header = number
                if key is None:
                    return number
            continue
        if inside and key and re.match(rf"[\"']?{re.escape(key)}[\"']?\s*=", stripped):
            return number
    return header


def _register_passwords(text: str) -> None:
    """Every `password = "…"` of the file is masked before tomllib (or anything) can quote it."""
    for match in re.finditer(r"(?m)^\s*[\"']?password[\"']?\s*=\s*(\"\"\"|'''|\"|')(.*?)\1", text):
        redact.register(match[2])


def readable_by_others(path: Path) -> bool:
    """A POSIX file whose group or others may read it; always False on Windows (ACLs, private profile)."""
    import os
    import stat

    if os.name != "posix":
        return False
    try:
        return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
    except OSError:
        return False

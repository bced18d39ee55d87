"""Settings fixed from the dashboard: the identifier and Telegram go to the `.env` file the bot reads
(DAMANCOM_ENV_FILE, else ./.env), in that file's own encoding, the password into the system keyring
(`bot.settings.secrets`), never into a file. Every value is checked as `load_settings` would before
anything is written."""

from __future__ import annotations

import re
from pathlib import Path

from bot.errors import BadInput, ConfigError
from bot.settings import readers, table


def env_file(environ, cwd: Path) -> Path:
    named = table.ENV_FILE.text(environ)
    path = Path(named) if named else Path(".env")
    return path if path.is_absolute() else Path(cwd) / path


def account_name(environ) -> str:
    return table.ACCOUNT.text(environ) or table.IDENTIFIER.text(environ)


def save(form: dict[str, str], environ: dict[str, str], cwd: Path) -> list[str]:
    """Writes what the form filled in; returns French sentences of what changed (never a value that is
    secret). The `.env` first, the password last, under the account name the next start will use: a
    keyring that refuses keeps what was saved, and the error says so and what to do for the password."""
    identifier = form.get("identifiant", "").strip()
    password = form.get("mot_de_passe", "")
    token, chat = form.get("telegram_jeton", "").strip(), form.get("telegram_discussion", "").strip()
    _check(identifier, token, chat)
    name = _name_after(environ, identifier)
    if password and not name:
        raise BadInput("Indiquez aussi l'identifiant : le mot de passe est rangé sous ce nom.")
    done = _write_env(environ, cwd, identifier, token, chat)
    if password:
        done.append(_store_password(name, password, done, env_file(environ, cwd)))
    if not done:
        raise BadInput("Rien à enregistrer : remplissez au moins un champ.")
    return done


def _check(identifier: str, token: str, chat: str) -> None:
    """Every value checked as `load_settings` would, before anything is written."""
    if identifier and (readers.has_space(identifier) or len(identifier) > 64 or not identifier.isprintable()):
        raise BadInput(
            "L'identifiant ne doit contenir ni espace ni caractère spécial : recopiez-le tel que la CNSS l'a donné."
        )
    if token and not readers.TELEGRAM_TOKEN_RE.fullmatch(token):
        raise BadInput(
            "Ce jeton Telegram n'a pas la bonne forme (des chiffres, « : », puis une longue suite de "
            "lettres) : recopiez celui donné par @BotFather."
        )
    if bool(token) != bool(chat):
        raise BadInput(
            "Pour Telegram, indiquez le jeton du bot et le numéro de la discussion (ou lancez "
            "« damancom-bot telegram setup », qui le trouve pour vous)."
        )
    if chat and not re.fullmatch(r"-?\d{1,20}", chat):
        raise BadInput("Le numéro de discussion Telegram est un nombre, par exemple 123456789.")


def _name_after(environ: dict[str, str], identifier: str) -> str:
    """The `.env` account's name once the new identifier is saved: DAMANCOM_ACCOUNT when the person set
    one, else the identifier (bot/settings/accounts.py). The dashboard's environment holds the name
    derived from the old identifier: that one follows the identifier."""
    old_identifier = table.IDENTIFIER.text(environ)
    named = table.ACCOUNT.text(environ)
    if identifier and (not named or named == old_identifier):
        return identifier
    return named or account_name(environ)


def _write_env(environ: dict[str, str], cwd: Path, identifier: str, token: str, chat: str) -> list[str]:
    from bot.settings import envfile
    from bot.system.files import make_private

    path = env_file(environ, cwd)
    updates, done = {}, []
    if identifier:
        updates[table.IDENTIFIER.name] = identifier
        done.append(f"Identifiant {identifier} enregistré dans {path}.")
    if token:
        known = envfile.values(path, warn=False).get(table.TELEGRAM_CHAT.name, "") if path.exists() else ""
        chats = sorted({*known.replace(",", " ").split(), chat})
        updates.update(table.values(TELEGRAM_TOKEN=token, TELEGRAM_CHAT=" ".join(chats)))
        done.append(f"Telegram enregistré dans {path} (discussion {chat}).")
    if not updates:
        return done
    try:
        envfile.write_values(path, updates)  # in the file's own encoding (Notepad's « ANSI » stays so)
        make_private(path)  # it may hold the password too (an older setup)
    except OSError as exc:
        raise ConfigError(f"Le fichier de réglages « {path} » ne peut pas être écrit ({exc.strerror}).") from None
    if identifier and _name_after(environ, identifier) == identifier:
        environ[table.ACCOUNT.name] = identifier  # the name this session reads the password under
    environ.update(updates)
    if token:
        environ[table.TELEGRAM_CHAT.name] = " ".join(
            sorted({*environ.get(table.TELEGRAM_CHAT.name, "").replace(",", " ").split(), chat})
        )
    return done


def _store_password(name: str, password: str, done: list[str], path: Path) -> str:
    from bot.settings import secrets

    try:
        secrets.store(name, password)
    except secrets.KeyringUnavailable as exc:
        saved = (
            " ".join(done) + " Le mot de passe, lui, n'est pas enregistré"
            if done
            else "Le mot de passe n'est pas enregistré"
        )
        raise ConfigError(
            f"{saved} : {exc.message} Pour ce compte : "
            f"ouvrez {path} dans le Bloc-notes, ajoutez la ligne DAMANCOM_PASSWORD=votre mot de passe, "
            "enregistrez, puis relancez le tableau de bord."
        ) from None
    return f"Mot de passe du compte {name} rangé dans {secrets.where()}, jamais dans un fichier du bot."


def password_for_child(environ: dict[str, str]) -> dict[str, str]:
    """A run started from the dashboard gets the keyring's password when `.env` has none."""
    if table.PASSWORD.text(environ):
        return {}
    from bot.settings import secrets

    name = account_name(environ)
    try:
        password = secrets.read(name) if name else None
    except ConfigError:
        return {}
    return table.values(PASSWORD=password) if password else {}

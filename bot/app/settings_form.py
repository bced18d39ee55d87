"""Settings fixed from the dashboard: the identifier and Telegram go to the `.env` file the bot reads
(DAMANCOM_ENV_FILE, else ./.env), the password into the system keyring (`bot.settings.secrets`),
never into a file. Every value is checked as `load_settings` would before anything is written."""

from __future__ import annotations

import re
from pathlib import Path

from bot.errors import BadInput, ConfigError


def env_file(environ, cwd: Path) -> Path:
    named = (environ.get("DAMANCOM_ENV_FILE") or "").strip()
    path = Path(named) if named else Path(".env")
    return path if path.is_absolute() else Path(cwd) / path


def account_name(environ) -> str:
    return (environ.get("DAMANCOM_ACCOUNT") or environ.get("DAMANCOM_IDENTIFIER") or "").strip()


def save(form: dict[str, str], environ: dict[str, str], cwd: Path) -> list[str]:
    """Writes what the form filled in; returns French sentences of what changed (never a value that is secret)."""
    from dotenv import set_key

    from bot.settings import secrets
    from bot.settings.config import TELEGRAM_TOKEN_RE
    from bot.system.files import make_private

    identifier = form.get("identifiant", "").strip()
    password = form.get("mot_de_passe", "")
    token, chat = form.get("telegram_jeton", "").strip(), form.get("telegram_discussion", "").strip()
    if identifier and (any(ch.isspace() for ch in identifier) or len(identifier) > 64 or not identifier.isprintable()):
        raise BadInput("L'identifiant ne doit contenir ni espace ni caractère spécial : recopiez-le tel que la CNSS "
                       "l'a donné.")
    if token and not TELEGRAM_TOKEN_RE.fullmatch(token):
        raise BadInput("Ce jeton Telegram n'a pas la bonne forme (des chiffres, « : », puis une longue suite de "
                       "lettres) : recopiez celui donné par @BotFather.")
    if bool(token) != bool(chat):
        raise BadInput("Pour Telegram, indiquez le jeton du bot et le numéro de la discussion (ou lancez "
                       "« damancom-bot telegram setup », qui le trouve pour vous).")
    if chat and not re.fullmatch(r"-?\d{1,20}", chat):
        raise BadInput("Le numéro de discussion Telegram est un nombre, par exemple 123456789.")
    done = []
    if password:  # first: a keyring that refuses leaves every setting as it was
        name = (environ.get("DAMANCOM_ACCOUNT") or "").strip() or identifier or account_name(environ)
        if not name:
            raise BadInput("Indiquez aussi l'identifiant : le mot de passe est rangé sous ce nom.")
        secrets.store(name, password)
        done.append(f"Mot de passe du compte {name} rangé dans le trousseau de l'ordinateur (pas dans un fichier).")
    path = env_file(environ, cwd)
    try:
        if identifier:
            set_key(str(path), "DAMANCOM_IDENTIFIER", identifier, quote_mode="never")
            environ["DAMANCOM_IDENTIFIER"] = identifier
            done.append(f"Identifiant {identifier} enregistré dans {path}.")
        if token:
            from bot.handover.telegram_setup import write_env

            write_env(path, token, int(chat))
            environ["DAMANCOM_TELEGRAM_TOKEN"] = token
            environ["DAMANCOM_TELEGRAM_CHAT"] = " ".join(
                sorted({*environ.get("DAMANCOM_TELEGRAM_CHAT", "").replace(",", " ").split(), chat}))
            done.append(f"Telegram enregistré dans {path} (discussion {chat}).")
        if path.exists():
            make_private(path)  # it may hold the password too (an older setup)
    except OSError as exc:
        raise ConfigError(f"Le fichier de réglages « {path} » ne peut pas être écrit ({exc.strerror}).") from None
    if not done:
        raise BadInput("Rien à enregistrer : remplissez au moins un champ.")
    return done


def password_for_child(environ: dict[str, str]) -> dict[str, str]:
    """A run started from the dashboard gets the keyring's password when `.env` has none."""
    if environ.get("DAMANCOM_PASSWORD"):
        return {}
    from bot.settings import secrets

    name = account_name(environ)
    try:
        password = secrets.read(name) if name else None
    except ConfigError:
        return {}
    return {"DAMANCOM_PASSWORD": password} if password else {}

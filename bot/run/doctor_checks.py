"""`damancom-bot doctor`: is this machine ready, and (with --live) does the portal still look like
our selector files say? Each check is small and independent; the command prints them all."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.errors import BotError, BrowserRefused, ConfigError
from bot.settings import table as variables
from flows.engine import locate, selectors_data


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    blocking: bool = True

    def __post_init__(self):
        from bot.output import redact

        self.detail = redact.scrub(self.detail)  # an API's error may echo the token: scrubbed like every text


@dataclass
class Row:
    screen: str
    element: str
    found_by: str | None  # the strategy that matched; None when nothing did
    optional: bool = False


def all_checks(settings, environ, *, with_browser: bool = True, cwd: Path | None = None) -> list[Check]:
    """What `doctor` (and the dashboard) checks on this machine, in order. The `.env` files (`cwd`'s
    and the config folder's) are read again here: a dashboard open for hours checks what a run
    started now would use."""
    from bot.settings.config import config_dir, env_files, load_settings, read_environment

    fresh = read_environment(environ, cwd)
    if fresh != dict(environ):  # a `.env` written since `environ` was read
        environ, settings = fresh, load_settings(fresh, need_credentials=False, cwd=cwd)
    files = env_files(environ, cwd)
    checks = [
        Check(
            "configuration",
            True,
            f"portail {settings.url}"
            + (" (bac à sable, portail d'essai sur cet ordinateur)" if _local(settings.url) else ""),
        ),
        every_variable(environ, files, config_dir(environ)),
        credentials(settings, environ),
        keyring_check(),
        accounts_file(environ),
        schedule_settings(environ),
        writable("dossier d'état", settings.state_dir),
        writable("enregistrements", settings.recordings),
        synced_folder("synchronisation", settings.recordings, environ),
        private_modes(settings.state_dir, settings.recordings),
        selector_files(settings.selectors_dir),
        browser(settings) if with_browser else None,
        telegram(settings),
    ]
    return [c for c in checks if c is not None]


def every_variable(environ, files: list[Path], config_folder: Path) -> Check:
    """Every DAMANCOM_ variable read in one pass (`bot/settings/table.py: read_all`): one a command
    reads only when it needs it (the salary caps, the dashboard's port) is refused here already."""
    try:
        variables.read_all(environ)
    except ConfigError as exc:
        return Check("réglages", False, exc.message)
    return Check(
        "réglages",
        True,
        " puis ".join(str(f.resolve()) for f in files)
        if files
        else f"aucun fichier .env (ni ici, ni dans {config_folder})",
        blocking=False,
    )


def _local(url: str) -> bool:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def verdict(checks: list[Check]) -> str:
    """The last sentence of `doctor`: true whatever is missing."""
    if any(not c.ok and c.blocking for c in checks):
        return "Corrigez les points marqués « !! » puis relancez damancom-bot doctor."
    warned = [c.name for c in checks if not c.ok]
    if "identifiants" in warned:
        return (
            "Installation prête pour « damancom-bot demo » et le bac à sable ; pour vous connecter au portail, "
            "renseignez d'abord les identifiants (ligne « identifiants »)."
        )
    if warned:
        return (
            f"Tout est prêt, avec un avertissement à lire ({', '.join(warned)}, marqué « -- »). "
            "« damancom-bot doctor --live » vérifie aussi les écrans du portail."
        )
    return "Tout est prêt. « damancom-bot doctor --live » vérifie aussi les écrans du portail."


def schedule_settings(environ) -> Check:
    """What `schedule` reads when it starts (each account's plan, DAMANCOM_PARALLEL), refused here
    by the same code as there: doctor never says « ready » for settings the planner refuses."""
    from bot.errors import ConfigError
    from bot.settings import accounts

    plan = (variables.FIRST_ATTEMPT, variables.WINDOWS, variables.DEADLINE, variables.DEADLINE_OVERRIDES)
    try:
        for account in accounts.all_accounts(environ) or [None]:
            each = accounts.account_environ(environ, account, need_password=False)
            for row in plan:
                row.get(each)
        variables.PARALLEL.get(environ)
        (first_day, first_time), windows, (deadline_day, deadline_time), _ = [row.get(environ) for row in plan]
    except ConfigError as exc:
        return Check("planification", False, f"{exc.message} (« damancom-bot schedule » refuserait de démarrer)")
    from bot.settings.readers import window_label

    hours = " et ".join(window_label(start, end) for start, end in windows)
    return Check(
        "planification",
        True,
        f"premier essai le {first_day} à {first_time:%H:%M}, heures creuses "
        f"{hours}, échéance le {deadline_day} à {deadline_time:%H:%M}",
    )


def writable(label: str, folder: Path) -> Check:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        from bot.output.system_fr import why

        return Check(label, False, f"{folder} n'est pas accessible en écriture ({why(exc)}).")
    return Check(label, True, str(folder))


def synced_folder(label: str, folder: Path, environ) -> Check | None:
    """OneDrive (and the like) lock files while syncing them and copy recordings to the cloud:
    a warning when a folder of ours lies inside one."""
    resolved = str(folder.resolve()).lower()
    roots = [environ.get(name) for name in ("OneDrive", "OneDriveConsumer", "OneDriveCommercial")]
    inside = any(r and resolved.startswith(str(Path(r).resolve()).lower()) for r in roots) or any(
        part.lower().startswith(("onedrive", "dropbox", "google drive")) for part in folder.resolve().parts
    )
    if not inside:
        return None
    return Check(
        label,
        False,
        f"{folder} est dans un dossier synchronisé (OneDrive…) : les fichiers peuvent y être "
        "verrouillés pendant la synchronisation. Videz DAMANCOM_RECORDINGS pour utiliser le dossier par "
        "défaut.",
        blocking=False,
    )


def private_modes(*roots: Path) -> Check:
    """Folders 0700 and files 0600 under the bot's folders: nobody else on this computer may read
    the logs, the ledger, the receipts or a trace (it holds the session cookie). What a clone or a
    `mkdir` left open (umask 022) is closed here, as every run closes the folders it writes in."""
    import os
    import stat

    if os.name != "posix":
        return Check(
            "droits",
            True,
            "non vérifiés sous Windows (les dossiers de l'utilisateur y sont déjà privés)",
            blocking=False,
        )
    closed, stuck = 0, []
    for root in roots:
        if not root.exists():
            continue
        for path in [root, *root.rglob("*")]:
            try:
                mode = path.lstat().st_mode
                if stat.S_ISLNK(mode) or not mode & 0o077:
                    continue
                os.chmod(path, stat.S_IMODE(mode) & 0o700)
                closed += 1
            except OSError:
                stuck.append(path)
    if stuck:
        shown = ", ".join(str(p) for p in stuck[:3]) + (f" et {len(stuck) - 3} autre(s)" if len(stuck) > 3 else "")
        return Check(
            "droits",
            False,
            f"lisibles par d'autres utilisateurs de cet ordinateur, et le bot ne peut pas "
            f"changer leurs droits : {shown}. Corrigez avec : chmod -R go-rwx "
            f"{' '.join(str(r) for r in roots if r.exists())}",
        )
    done = f" ({closed} élément(s) rendus privés à l'instant)" if closed else ""
    return Check("droits", True, f"dossiers et fichiers du bot réservés à votre compte (0700/0600){done}")


def selector_files(folder: Path | None) -> Check:
    names = selectors_data.screen_names(folder)
    try:
        for name in names:
            selectors_data.load(name, folder)
    except ConfigError as exc:
        return Check("sélecteurs", False, exc.message)
    return Check("sélecteurs", True, f"{len(names)} fichiers valides ({', '.join(names)})")


def credentials(settings, environ=None) -> Check:
    """The `.env` account's identifier and password; with an accounts file, each account's."""
    from bot.settings import accounts

    listed = [a for a in accounts.all_accounts(environ or {}) if a.source != ".env"] if environ is not None else []
    if listed and not settings.identifier:
        missing = [a.name for a in listed if not accounts.password_of(environ, a)]
        if missing:
            return Check(
                "identifiants",
                False,
                f"mot de passe introuvable pour : {', '.join(missing)} (ni dans le "
                "fichier des comptes, ni dans le trousseau) : damancom-bot secret set NOM.",
                blocking=False,
            )
        return Check(
            "identifiants", True, f"{len(listed)} compte(s) du fichier des comptes, mot de passe trouvé pour chacun"
        )
    missing = [
        n
        for n, v in ((variables.IDENTIFIER.name, settings.identifier), (variables.PASSWORD.name, settings.password))
        if not v
    ]
    if missing:
        return Check(
            "identifiants", False, f"{' et '.join(missing)} vide(s) : nécessaire(s) pour « login ».", blocking=False
        )
    return Check("identifiants", True, f"identifiant {settings.identifier}, mot de passe renseigné")


def keyring_check() -> Check:
    """Which keyring `secret set` and the dashboard would use, or plainly that there is none."""
    from bot.settings import secrets

    try:
        return Check("trousseau", True, f"mots de passe rangés dans {secrets.where()}", blocking=False)
    except secrets.KeyringUnavailable as exc:
        return Check("trousseau", False, exc.message, blocking=False)


def accounts_file(environ) -> Check:
    """The accounts file, when there is one: readable, and private if it holds passwords."""
    from bot.settings import accounts

    path = accounts.accounts_file(environ)
    if path is None:
        return Check(
            "comptes", True, "un seul compte (fichier .env) ; plusieurs : fichier comptes.toml", blocking=False
        )
    found = accounts.read_file(path)  # a wrong key stops here with its line, exit 2
    names = ", ".join(a.name for a in found)
    with_password = [a.name for a in found if a.has_password]
    if with_password and accounts.readable_by_others(path):
        return Check(
            "comptes",
            False,
            f"{path} contient des mots de passe ({', '.join(with_password)}) et d'autres "
            f"utilisateurs de cet ordinateur peuvent le lire. Faites « chmod 600 {path} », ou rangez-les "
            "dans le trousseau (damancom-bot secret set NOM) et retirez les lignes password.",
            blocking=False,
        )
    return Check("comptes", True, f"{len(found)} compte(s) dans {path} : {names}")


def telegram(settings) -> Check:
    """The two-way channel with the phone, when configured: the token works (no message is sent)."""
    if not settings.telegram_token:
        return Check("telegram", True, "non configuré (facultatif : damancom-bot telegram setup)", blocking=False)
    from bot.handover.telegram_api import BotApi, TelegramFailed
    from bot.handover.telegram_setup import explain

    try:
        me = BotApi(settings.telegram_token, settings.telegram_api, timeout=10).get_me()
    except TelegramFailed as exc:
        return Check("telegram", False, explain(exc))
    return Check(
        "telegram",
        True,
        f"bot @{me.get('username', '?')}, {len(settings.telegram_chats)} discussion(s) "
        "autorisée(s) ; « damancom-bot telegram test » envoie un message",
    )


def browser(settings) -> Check:
    from playwright.sync_api import Error as PlaywrightError

    from bot.run import browser as browsers
    from bot.run.driver_start import sync_playwright

    try:
        with sync_playwright() as playwright:
            choice = browsers.find(playwright, settings.browser)
            try:
                launched = browsers.launch(playwright, choice, headless=True)
            except PlaywrightError as exc:
                return Check("navigateur", False, browsers.launch_failed(choice, exc).message)
            version = launched.version
            launched.close()
    except BotError as exc:
        return Check("navigateur", False, exc.message)
    return Check("navigateur", True, f"{choice.describe()}, version {version}")


def element_rows(page, screen) -> list[Row]:
    rows = []
    spec = screen.spec
    for element, strategies in spec.elements.items():
        if element in spec.absent:
            continue
        found = locate.resolve(page, strategies, remember=False)  # the first strategy in file order
        rows.append(Row(spec.label, element, found.describe() if found else None, element in spec.optional))
    return rows


def live(ctx, url: str) -> list[Row]:
    """Home and the identifier screen: the screens reachable without sending an SMS."""
    from bot.errors import UnexpectedPage
    from flows import login
    from flows.engine.step import go
    from flows.home import EntryScreen, HomeScreen
    from flows.identifier import IdentifierScreen
    from flows.portal import open_portal

    try:
        home = open_portal(ctx, url, login.AFTER_OPEN + (IdentifierScreen,))
    except UnexpectedPage:  # without the OTP choice, the next screen cannot be reached
        home = HomeScreen(ctx)
        home.shot("diagnostic-accueil")
        return (
            [headless_row(ctx)]
            + element_rows(ctx.page, home)
            + [Row(IdentifierScreen(ctx).spec.label, "(écran non atteint)", None)]
        )
    except BrowserRefused as refused:
        raise headless_refused(refused) from None
    home.shot("diagnostic-accueil")
    rows = [headless_row(ctx)] + element_rows(ctx.page, home)
    if isinstance(home, EntryScreen):
        home = go(ctx, home.enter, home, login.AFTER_ENTRY, "l'entrée de l'espace affilié")
        home.shot("diagnostic-choix")
        rows += element_rows(ctx.page, home)
    if isinstance(home, IdentifierScreen):
        return rows
    identifier = go(ctx, home.choose_otp, home, login.AFTER_OTP_CHOICE, "« S'authentifier avec OTP »")
    identifier.shot("diagnostic-identifiant")
    return rows + element_rows(ctx.page, identifier)


def headless_row(ctx) -> Row:
    """The portal answered this browser: says whether it was a headless one (its own User-Agent)."""
    from flows.unavailable import is_headless

    headless = is_headless(ctx.page)
    return Row("portail", "navigateur", "invisible (headless) accepté" if headless else "fenêtre visible acceptée")


def headless_refused(refused: BrowserRefused) -> BrowserRefused:
    if not refused.headless:
        return refused
    return BrowserRefused(
        f"{refused.message} Le portail n'accepte donc pas de navigateur invisible : « damancom-bot login », "
        "« declare » et le planificateur continueront dans une fenêtre visible de votre navigateur (Chrome ou Edge ; "
        "sous Linux il faut un écran, ou Xvfb), et s'en souviendront pour ce compte.",
        headless=True,
        reference=refused.reference,
        screenshot=refused.screenshot,
    )


def table(rows: list[Row]) -> list[str]:
    width = max([len(r.screen) for r in rows] + [5])
    lines = [f"{'Écran':<{width}}  {'Élément':<16}  Trouvé par"]
    for row in rows:
        how = row.found_by or ("absent (facultatif)" if row.optional else "INTROUVABLE")
        lines.append(f"{row.screen:<{width}}  {row.element:<16}  {how}")
    return lines

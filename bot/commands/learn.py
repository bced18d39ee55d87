"""`damancom-bot learn`: the person shows the bot the way, step by step, in a visible browser."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = (
    "Mode apprentissage : vous faites la connexion à la main dans le navigateur, le bot note les "
    "éléments utilisés (jamais ce que vous tapez) et s'en sert ensuite."
)

STEPS = [
    "1. Cliquez sur ce qui mène à la connexion par code SMS (« S'authentifier avec OTP » ; avant, « Mon compte » "
    "ou un autre bouton si le portail le demande ; après, tout écran supplémentaire : profil…).",
    "2. Tapez votre identifiant dans son champ, puis cliquez sur le bouton qui envoie le code par SMS.",
    "3. Tapez le code reçu par SMS et votre mot de passe, puis cliquez sur « Valider ».",
    "Quand l'espace affilié est affiché, le bot enregistre ce qu'il a appris. (Entrée dans ce terminal pour "
    "terminer plus tôt.)",
]


def add_options(parser) -> None:
    parser.add_argument("--url", help="l'adresse du portail (par défaut : DAMANCOM_URL)")
    parser.add_argument("--wait", type=float, default=900, help="durée maximale de la leçon, en secondes")


def run(args, env) -> int:
    from bot.audit.recorder import Recorder
    from bot.settings.config import learned_selectors_dir

    settings = _settings(args, env)
    url = args.url or settings.url
    folder = settings.selectors_dir or learned_selectors_dir(settings.state_dir)
    recorder = Recorder(settings.recordings, settings.account or "apprentissage", "apprentissage")
    events = _watch(settings, env, recorder, url, args.wait, _enter_pressed(env))
    return _save(events, settings, env, recorder, folder)


def _settings(args, env):
    """The settings of a lesson, once its selectors folder exists and a window can be shown."""
    from pathlib import Path

    from bot.errors import ConfigError
    from bot.output import console
    from bot.settings import table
    from bot.settings.config import load_settings

    wanted = table.SELECTORS.get(env.environ)
    if wanted:  # learning is how that folder comes to exist
        try:
            Path(wanted).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from bot.output.system_fr import why

            raise ConfigError(
                f"DAMANCOM_SELECTORS désigne « {wanted} », qui ne peut pas être créé ({why(exc)}). "
                "Choisissez un autre dossier."
            ) from None
    settings = load_settings(env.environ, need_credentials=False, cwd=env.cwd)
    if not 10 <= args.wait <= 3600:
        raise ConfigError(f"--wait {args.wait} : attendu entre 10 et 3600 secondes.")
    console.require_display(True, env.environ)
    return settings


def _enter_pressed(env):
    """An event set when the person presses Entrée in the terminal (a closed input is no Entrée)."""
    import threading

    done = threading.Event()

    def wait_for_enter() -> None:
        if env.stdin.readline():
            done.set()

    threading.Thread(target=wait_for_enter, daemon=True).start()
    return done


def _watch(settings, env, recorder, url: str, wait: float, done) -> list:
    """The person's clicks and fields in a visible browser, until the affiliate space shows, Entrée,
    or `wait` seconds: the events the lesson is drawn from."""
    from playwright.sync_api import Error as PlaywrightError

    from bot.run.runner import CONTEXT_OPTIONS, started_browser
    from flows.engine import learn
    from flows.engine.context import FlowContext
    from flows.interface import InterfaceScreen

    with started_browser(settings, headless=False) as browsers:
        context = browsers.main.new_context(**CONTEXT_OPTIONS)
        hands = learn.Recorder(context)
        page = context.new_page()
        ctx = FlowContext(page, recorder, settings.action_timeout, settings.navigation_timeout, settings.selectors_dir)
        env.say(f"Mode apprentissage sur {url}. Faites la connexion vous-même dans la fenêtre du navigateur :")
        for line in STEPS:
            env.say("  " + line)
        try:
            page.goto(url, wait_until="domcontentloaded")
            waited = 0.0
            while not done.is_set() and waited < wait and not InterfaceScreen(ctx).is_here():
                try:  # a Playwright wait: wakes up as soon as the page reports a click
                    page.wait_for_event("console", timeout=1000)
                except PlaywrightError:
                    waited += 1
            if InterfaceScreen(ctx).is_here():
                recorder.screenshot(page, "apprentissage-espace-affilie")
        finally:
            context.close()
    return hands.events


def _save(events: list, settings, env, recorder, folder) -> int:
    """The lesson written into the selectors folder, and said; nothing noted is exit 3."""
    from bot.errors import CodeNotProvided
    from flows.engine import learn

    lesson = learn.lesson_from(events)
    if not lesson.elements:
        recorder.finish(ExitCode.NO_CODE, "Rien appris.")
        raise CodeNotProvided(
            "Aucun clic ni champ n'a été noté : rien n'a été appris. Relancez « damancom-bot learn » "
            "et faites la connexion dans la fenêtre du navigateur."
        )
    written = learn.write(lesson, folder, None)
    recorder.finish(
        ExitCode.OK, f"Appris : {len(lesson.elements)} élément(s), {len(lesson.extra_steps)} étape(s) en plus."
    )
    env.say(
        f"Appris : {', '.join(f'{s}.{e}' for s, e in lesson.elements)}"
        + (f" ; {len(lesson.extra_steps)} étape(s) supplémentaire(s)" if lesson.extra_steps else "")
        + "."
    )
    env.say(f"Fichiers écrits dans {folder} : {', '.join(p.name for p in written)}.")
    if not settings.selectors_dir:
        env.say("La prochaine connexion les utilisera (dossier des sélecteurs appris, ou DAMANCOM_SELECTORS).")
    return ExitCode.OK

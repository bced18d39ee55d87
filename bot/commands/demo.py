"""`damancom-bot demo`: the whole login path against the embedded sandbox portal."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Connexion de démonstration au portail simulé (bac à sable), sans compte réel."

ACCOUNT = "none"  # the sandbox's own demo account


def add_options(parser) -> None:
    parser.add_argument("--headed", action="store_true", help="affiche la fenêtre du navigateur")
    parser.add_argument(
        "--interactive", action="store_true", help="vous saisissez vous-même le code « envoyé » par le bac à sable"
    )
    parser.add_argument(
        "--style",
        default="classic",
        metavar="STYLE",
        help="style du portail simulé : classic (par défaut) ou spa (application d'une seule page)",
    )


def run(args, env) -> int:
    from bot.audit.recorder import Recorder
    from bot.handover.build import build_handover
    from bot.handover.outbox import OutboxChannel
    from bot.output import console, redact
    from bot.run.runner import run_login
    from bot.sandbox import Portal, Sandbox
    from bot.schedule.plan import parse_plan
    from bot.settings.config import load_settings, tsa_url

    settings = load_settings(env.environ, need_credentials=False, cwd=env.cwd)
    headless = settings.headless and not args.headed
    console.require_display(not headless, env.environ)
    portal = Portal()
    account = next(iter(portal.accounts.values()))
    redact.register(account.password)
    with Sandbox(portal, style=args.style) as sandbox:
        settings = settings.with_(
            url=sandbox.url,
            identifier=account.identifier,
            password=account.password,
            account=account.identifier,
            auth="otp",
            notify=(),
            telegram_token="",
            tsa_url=tsa_url(env.environ, sandbox.url),
        )  # off unless DAMANCOM_TSA_URL is set
        recorder = Recorder(
            settings.recordings,
            settings.account,
            tsa_url=settings.tsa_url,
            deadline_of=parse_plan(env.environ).deadline,  # the report says by when to file
            state_dir=settings.state_dir,
        )
        if args.interactive:
            portal.outbox.listeners.append(lambda sms: _show_sms(env, sms))
            person = build_handover(settings, env, recorder.run_id, terminal=True, assisted=not headless)
        else:

            def phone(mailbox):  # the sandbox's phone hands its code straight to the run
                return OutboxChannel(mailbox, portal.outbox, account.identifier, settings.code_wait)

            person = build_handover(
                settings.with_(local_page=False), env, recorder.run_id, terminal=False, extra=(phone,)
            )
        env.say(f"Démonstration : portail simulé sur {sandbox.url} (compte {account.identifier}).")
        result = run_login(settings, person, recorder, headless=headless)
    console.login_summary(env, result, sandbox=True)
    return ExitCode.OK


def _show_sms(env, sms) -> None:
    # The sandbox's "phone": only in --interactive demos, never through the logger.
    env.say("")
    env.say(f"  +-- SMS reçu au {sms.phone[:2]} •• •• •• {sms.phone[-2:]} (expéditeur : CNSS) --")
    env.say(f"  | {sms.text}")
    env.say("  +----------------------------------------------------------")

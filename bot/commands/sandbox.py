"""`damancom-bot sandbox`: serve the simulated portal on its own, until Ctrl-C.
`damancom-bot sandbox approve --url URL`: approve pending e-ID requests, like the phone app."""

from __future__ import annotations

from bot.exit_codes import ExitCode

ACCOUNT = "sandbox"  # `--account`: the simulated portal's identifier, for approve
ACCOUNT_HELP = "pour approve : le compte du bac à sable qui approuve (par défaut PHARMA-DEMO)"
HELP = "Démarre seul le portail simulé (bac à sable) sur 127.0.0.1 ; « approve » approuve l'e-ID."


def add_options(parser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        choices=["serve", "approve"],
        default="serve",
        help="serve (par défaut) ou approve (approuver les demandes e-ID en attente)",
    )
    parser.add_argument("--port", type=int, default=0, help="port d'écoute (par défaut : un port libre)")
    parser.add_argument("--url", help="pour approve : l'adresse du bac à sable (ligne « URL … » au démarrage)")
    parser.add_argument(
        "--fault",
        metavar="PANNE",
        help="simule une panne : unavailable, maintenance, slow, hang, reset, session-expiry, "
        "drift, server-error, busy-hours, slow-receipt, refuse-headless (pare-feu refusant "
        "les navigateurs invisibles), refuse-headless-api (le même, devant l'API du style spa seulement)",
    )
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=3.0,
        help="pour slow : délai de chaque réponse ; pour slow-receipt : de la réponse à la validation (s)",
    )
    parser.add_argument(
        "--busy-hours",
        default="08:00-20:00",
        help="pour busy-hours : heures d'indisponibilité (heure du Maroc), HH:MM-HH:MM",
    )
    parser.add_argument(
        "--session-expiry",
        choices=["once", "always"],
        default="once",
        help="pour session-expiry : une seule fois (par défaut) ou à chaque fois",
    )
    parser.add_argument(
        "--style",
        default="classic",
        metavar="STYLE",
        help="classic (par défaut : une page par écran, formulaires) ou spa (application d'une "
        "seule page : API JSON, messages éphémères, code en six cases)",
    )
    parser.add_argument(
        "--shape",
        metavar="FORME",
        default=None,
        help="dessine la connexion selon une forme de portail : un nom (sandbox, field, classic, "
        "spa) et/ou des réglages clé=valeur séparés par des virgules, par exemple "
        "« field,delay=2 » ou « entry=link,words=Se connecter,code=late ». Réglages : "
        "pages=documents|single, entry=choice|link|direct, words=LIBELLÉ, "
        "fields=label|placeholder|caps|aria|structure, buttons=button|link|input, "
        "code=one|boxes|late, password=with-code|before, messages=alert|toast|inline|neutral, "
        "delay=0..3 (s), late=0..5 (s), cookies=yes|no, modal=yes|no, headless=accepted|refused",
    )
    parser.add_argument(
        "--sms-delay",
        type=float,
        default=None,
        metavar="SECONDES",
        help="pour --style spa : durée de l'envoi du code par SMS (par défaut 1,5 s)",
    )


def run(args, env) -> int:
    if args.action == "approve":
        return _approve(args, env)
    from bot.errors import ConfigError
    from bot.sandbox import Portal
    from bot.sandbox.faults import Faults, parse_hours
    from bot.sandbox.server import SMS_DELAY, SandboxServer
    from bot.sandbox.shapes import Shape

    if not 0 <= args.slow_seconds <= 600:  # also refuses nan (every comparison with nan is false)
        raise ConfigError(f"--slow-seconds {args.slow_seconds} : attendu un nombre de secondes entre 0 et 600.")
    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port {args.port} : attendu un numéro de port entre 1 et 65535 (ou 0 pour un port libre).")
    faults = Faults(
        args.fault,
        slow_seconds=args.slow_seconds,
        session_expiry=args.session_expiry,
        busy_hours=parse_hours(args.busy_hours) if args.fault == "busy-hours" else None,
    )
    shape = Shape.parse(args.shape) if args.shape is not None else None
    portal = Portal()
    portal.outbox.listeners.append(lambda sms: env.say(f"SMS pour {sms.identifier} ({sms.phone}) : code {sms.code}"))
    try:
        server = SandboxServer(
            portal,
            "127.0.0.1",
            args.port,
            faults,
            style=args.style,
            shape=shape,
            sms_delay=SMS_DELAY if args.sms_delay is None else args.sms_delay,
        )
    except OSError as exc:
        from bot.output.system_fr import why

        raise ConfigError(
            f"Impossible d'écouter sur le port {args.port} ({why(exc)}). "
            "Choisissez un autre port avec --port, ou 0 pour un port libre."
        ) from None
    env.say(f"URL {server.url}")
    env.say("Bac à sable démarré. Comptes : " + ", ".join(portal.accounts) + ". Ctrl-C pour arrêter.")
    if args.style != "classic":
        env.say(f"Style du portail : {args.style}.")
    if shape is not None:
        env.say(f"Forme du portail : {shape.format()}.")
    if faults.name:
        env.say(f"Panne simulée : {faults.name}.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        env.say("Bac à sable arrêté.")
    finally:
        server.server_close()
    return ExitCode.OK


def _approve(args, env) -> int:
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    from bot.errors import ConfigError, PortalUnavailable

    if not args.url:
        raise ConfigError(
            "Indiquez l'adresse du bac à sable : damancom-bot sandbox approve --url http://127.0.0.1:PORT/fr/"
        )
    parts = urllib.parse.urlsplit(args.url)
    endpoint = f"{parts.scheme}://{parts.netloc}/_sandbox/eid/approve"
    identifier = args.account or "PHARMA-DEMO"
    data = urllib.parse.urlencode({"identifiant": identifier}).encode()
    try:
        with urllib.request.urlopen(endpoint, data=data, timeout=10) as response:
            count = json.loads(response.read())["approuvees"]
    except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
        raise PortalUnavailable(f"Le bac à sable {args.url} ne répond pas ({exc}). Vérifiez l'adresse.") from None
    env.say(f"{count} demande(s) e-ID approuvée(s) pour {identifier}.")

    return ExitCode.OK if count else ExitCode.NO_CODE

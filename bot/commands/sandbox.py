"""`damancom-bot sandbox`: serve the simulated portal on its own, until Ctrl-C."""

from __future__ import annotations

HELP = "Démarre seul le portail simulé (bac à sable) sur 127.0.0.1."


def add_options(parser) -> None:
    parser.add_argument("--port", type=int, default=0, help="port d'écoute (par défaut : un port libre)")


def run(args, env) -> int:
    from bot.errors import ConfigError
    from bot.sandbox import Portal
    from bot.sandbox.server import SandboxServer

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port {args.port} : attendu un numéro de port entre 1 et 65535 (ou 0 pour un port libre).")
    portal = Portal()
    portal.outbox.listeners.append(
        lambda sms: env.say(f"SMS pour {sms.identifier} ({sms.phone}) : code {sms.code}"))
    try:
        server = SandboxServer(portal, "127.0.0.1", args.port)
    except OSError as exc:
        raise ConfigError(f"Impossible d'écouter sur le port {args.port} ({exc.strerror}). "
                          "Choisissez un autre port avec --port, ou 0 pour un port libre.") from None
    env.say(f"URL {server.url}")
    env.say("Bac à sable démarré. Comptes : " + ", ".join(portal.accounts) + ". Ctrl-C pour arrêter.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        env.say("Bac à sable arrêté.")
    finally:
        server.server_close()
    return 0

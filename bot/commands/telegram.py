"""`damancom-bot telegram setup|test`: link the bot to the person's Telegram chat, then check it."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Relie le bot à Telegram (setup) ou envoie un message de test (test)."

STEPS = """Relier damancom-bot à Telegram (le téléphone vous demandera « Prêt à recevoir le SMS ? »).

1. Sur votre téléphone, ouvrez Telegram et cherchez « @BotFather » (le compte officiel, coche bleue).
2. Envoyez-lui /newbot, puis donnez un nom (par exemple « Pharmacie Al Amal - CNSS ») et un nom
   d'utilisateur finissant par « bot » (par exemple pharmacie_alamal_cnss_bot).
3. @BotFather répond avec un jeton (une ligne comme 123456789:AAH...). Ne le partagez avec personne.
"""


def add_options(parser) -> None:
    parser.add_argument("action", choices=["setup", "test"], help="setup : relier ; test : message de test")
    parser.add_argument("--token", help="setup : le jeton donné par @BotFather (sinon il est demandé)")
    parser.add_argument(
        "--sms",
        action="store_true",
        help="setup : relier aussi le canal où une application transfère les SMS de la CNSS",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=600,
        help="setup : attente maximale du /start envoyé depuis le téléphone, en secondes",
    )


def run(args, env) -> int:
    if args.action == "test":
        return _test(env)
    return _setup(args, env)


def _setup(args, env) -> int:
    from bot.errors import ConfigError
    from bot.handover import telegram_setup
    from bot.handover.telegram_api import BotApi
    from bot.output import redact
    from bot.settings import table
    from bot.settings.readers import TELEGRAM_TOKEN_RE

    token = args.token or (table.TELEGRAM_TOKEN.text(env.environ) if args.sms else None)
    if not args.sms:
        env.say(STEPS)
    if not token:
        env.stdout.write("Collez ici le jeton : ")
        env.stdout.flush()
        token = env.stdin.readline()
    token = (token or "").strip()
    redact.register(token)
    if not TELEGRAM_TOKEN_RE.fullmatch(token):
        raise ConfigError(
            "Ce n'est pas un jeton de bot Telegram (des chiffres, « : », puis une longue suite de "
            "lettres). Recopiez la ligne donnée par @BotFather et relancez la commande."
        )
    api = BotApi(token, table.TELEGRAM_API.text(env.environ) or table.TELEGRAM_API.default)
    me = telegram_setup.check_token(api)
    name = me.get("username", "")
    env.say(f"Jeton vérifié : votre bot est @{name}.")
    if args.sms:
        return _setup_sms(args, env, api, token, name)
    env.say(
        f"4. Sur le téléphone, ouvrez https://t.me/{name} et appuyez sur « Démarrer » (ou envoyez /start). "
        f"J'attends votre message ({args.wait / 60:.0f} min au plus)…"
    )
    chat = telegram_setup.find_chat(api, args.wait)
    if chat is None:
        raise ConfigError(
            f"Aucun message reçu par @{name} dans le délai : envoyez /start au bot depuis votre "
            "téléphone, puis relancez « damancom-bot telegram setup »."
        )
    env_file = env.path(table.ENV_FILE.text(env.environ) or ".env")
    telegram_setup.write_env(env_file, token, int(chat["id"]))
    telegram_setup.send_test(api, (int(chat["id"]),), "", text=telegram_setup.WELCOME)
    who = chat.get("first_name") or chat.get("username") or "?"
    env.say(
        f"5. Discussion trouvée ({who}, n° {chat['id']}) : DAMANCOM_TELEGRAM_TOKEN et DAMANCOM_TELEGRAM_CHAT "
        f"sont écrits dans {env_file}. Un message de bienvenue vient d'arriver sur le téléphone."
    )
    env.say("Terminé. « damancom-bot telegram test » envoie un message de test à tout moment.")
    return ExitCode.OK


def _setup_sms(args, env, api, token: str, name: str) -> int:
    from bot.errors import ConfigError
    from bot.handover import telegram_setup
    from bot.settings import table

    env.say(
        f"Dans Telegram, ajoutez @{name} comme administrateur du canal où l'application transfère les SMS "
        "(avec le droit de supprimer des messages), puis publiez un message dans ce canal. "
        f"J'attends ({args.wait / 60:.0f} min au plus)…"
    )
    chat = telegram_setup.find_chat(api, args.wait, kind="channel")
    if chat is None:
        raise ConfigError(
            f"@{name} n'a vu aucune publication de canal dans le délai : vérifiez qu'il est "
            "administrateur du canal, publiez-y un message, puis relancez la commande."
        )
    env_file = env.path(table.ENV_FILE.text(env.environ) or ".env")
    telegram_setup.write_env(env_file, token, int(chat["id"]), table.TELEGRAM_SMS_CHAT.name)
    env.say(
        f"Canal trouvé (« {chat.get('title', '?')} », n° {chat['id']}) : DAMANCOM_TELEGRAM_SMS_CHAT est écrit "
        f"dans {env_file}. Le bot y lira les codes des SMS transférés, sans jamais y écrire."
    )
    return ExitCode.OK


def _test(env) -> int:
    from bot.errors import ConfigError
    from bot.handover import telegram_setup
    from bot.handover.telegram_api import BotApi
    from bot.settings.config import load_settings

    settings = load_settings(env.environ, need_credentials=False, cwd=env.cwd)
    if not settings.telegram_token:
        raise ConfigError(
            "Telegram n'est pas configuré (DAMANCOM_TELEGRAM_TOKEN vide) : lancez d'abord "
            "« damancom-bot telegram setup »."
        )
    api = BotApi(settings.telegram_token, settings.telegram_api)
    me = telegram_setup.check_token(api)
    telegram_setup.send_test(api, settings.telegram_chats, settings.account)
    env.say(f"Message de test envoyé par @{me.get('username', '?')} à {len(settings.telegram_chats)} discussion(s).")
    return ExitCode.OK

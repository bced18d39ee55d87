"""Exit codes: the contract with people, scripts and the scheduler (documented in README).

One table: each member carries everything said about it elsewhere, so adding a code is adding
one row (a member without all of its fields does not even import; `tests/bot/test_exit_codes.py`
checks every field):

- `rank`: for `--all`, the command's code is the account's with the highest rank (worst wins);
- `decision` and `reason`: what the scheduler does after an attempt that ended so, and the
  ledger's reason code (its French in `bot/ledger/words.py`);
- `title`: the outcome in French, for reports, summaries and the `--all` table.
"""

from enum import IntEnum

# The scheduler's decisions (bot/schedule/plan.py plans from them).
DONE, RETRY, RETRY_TOMORROW, STOP = "done", "retry", "retry-tomorrow", "stop"
WAIT = "wait"  # the account was busy (another run): a little later, nothing failed
NEXT_WINDOW = "next-window"  # the person said « pas maintenant », an SMS went out unanswered, a run was stopped
BY_HAND = "by-hand"  # the person said « stop »: they file it themselves
DECISIONS = (DONE, RETRY, RETRY_TOMORROW, STOP, WAIT, NEXT_WINDOW, BY_HAND)


class ExitCode(IntEnum):
    # name = value, rank, decision, reason, title          # meaning
    OK = 0, 0, DONE, "declared", "Réussite"  # done (a login that did not file: see plan.decide)
    BUG = 1, 90, STOP, "bug", "Erreur inattendue du bot"  # unexpected error in the bot itself
    BAD_INPUT = 2, 50, STOP, "bad_input", "Réglage ou saisie incorrects"  # configuration, usage or input is wrong
    NO_CODE = 3, 30, RETRY, "no_code", "Code SMS non fourni à temps"  # the person did not provide the code in time
    UNAVAILABLE = 4, 20, RETRY, "portal_down", "Portail indisponible"  # portal unavailable or overloaded: retry later
    REJECTED = 5, 70, STOP, "rejected", "Refus du portail"  # credentials or code rejected (the lockout counts it)
    SCREENS_CHANGED = 6, 60, STOP, "screens_changed", "Écrans du portail inattendus"  # screens not as expected
    # another run holds this account (scheduler, other terminal): wait, nothing is wrong
    BUSY = 7, 10, WAIT, "busy", "Compte occupé par une autre connexion"
    # `audit verify`: the run folder does not match its manifest, ledger or timestamp (no attempt ends so)
    ALTERED = 8, 80, STOP, "bug", "Dossier d'audit modifié"
    # the browser crashed or broke off (not the portal): retry later
    BROWSER_FAILED = 9, 40, RETRY, "browser_failed", "Le navigateur a échoué (pas le portail)"
    # the portal's firewall refuses this browser and no visible window could help: a person acts (the
    # same browser would be refused again, so the scheduler does not retry it)
    BROWSER_REFUSED = 10, 55, STOP, "browser_refused", "Navigateur refusé par le pare-feu du portail"
    # Ctrl-C, or the console window closed: the trail is closed, nothing sent after; the scheduler
    # tries again at the next window (whoever stopped it may not want a retry at once)
    INTERRUPTED = 130, 100, NEXT_WINDOW, "interrupted", "Interrompue à votre demande"

    def __new__(cls, value: int, rank: int, decision: str, reason: str, title: str):
        member = int.__new__(cls, value)
        member._value_ = value
        member.rank, member.decision, member.reason, member.title = rank, decision, reason, title
        return member


def worst(codes) -> int:
    """`--all`'s exit code: the highest-ranked of the accounts' codes (0 when there are none); a
    number outside the table (never written by the bot) counts as a bug."""
    ranked = [ExitCode(c) if int(c) in ExitCode._value2member_map_ else ExitCode.BUG for c in codes]
    return int(max(ranked, key=lambda c: c.rank, default=ExitCode.OK))


def title(code: int) -> str:
    """The outcome in French (a number outside the table is shown as it is)."""
    try:
        return ExitCode(code).title
    except ValueError:
        return f"Code {code}"

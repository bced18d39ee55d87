"""Exit codes: the contract with people, scripts and the scheduler (documented in README)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    BUG = 1  # unexpected error in the bot itself
    BAD_INPUT = 2  # configuration, usage or input is wrong
    NO_CODE = 3  # the person did not provide the code in time
    UNAVAILABLE = 4  # portal unavailable or overloaded: retry later
    REJECTED = 5  # credentials or code rejected by the portal
    SCREENS_CHANGED = 6  # the portal's screens are not what we expect
    BUSY = 7  # another run holds this account (scheduler, other terminal): wait, nothing is wrong
    ALTERED = 8  # `audit verify`: the run folder does not match its manifest, ledger or timestamp
    BROWSER_FAILED = 9  # the browser crashed or broke off (not the portal): retry later
    BROWSER_REFUSED = 10  # the portal's firewall refuses this browser and no visible window could help: a person acts
    INTERRUPTED = 130  # Ctrl-C, or the console window closed: the trail is closed, nothing sent after

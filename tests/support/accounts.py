"""Several employers on one sandbox: sandbox accounts and the matching accounts file."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.state import Account


def sandbox_accounts(count: int) -> list[Account]:
    return [
        Account(
            identifier=f"EMPLOYEUR-{i:02d}",
            password=f"Mot-De-Passe-{i:02d}-{'xyz' * 2}",
            phone=f"06000000{i:02d}",
            employer=f"Officine n°{i}",
            affiliation=f"{1000000 + i}",
        )
        for i in range(1, count + 1)
    ]


def write_accounts_file(path: Path, url: str, rows: list[tuple[str, str, str | None]], extra: str = "") -> Path:
    """rows: (name, identifier, password or None: from the keyring)."""
    lines = []
    for name, identifier, password in rows:
        lines += [f"[accounts.{name}]", f'identifier = "{identifier}"', f'url = "{url}"']
        if password is not None:
            lines.append(f'password = "{password}"')
        lines.append(extra)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def hand_codes(portal, state: Path, names: dict[str, str]) -> None:
    """The person: each SMS the sandbox sends is dropped for its account's run, as
    `otp CODE --account NAME` does. `names`: identifier -> account name."""
    import threading

    from bot.handover import dropbox
    from bot.handover.client import deliver

    def hand_over(sms) -> None:  # off the sandbox's thread: `deliver` waits for the run to take it
        folder = dropbox.handover_dir(state, names[sms.identifier])
        threading.Thread(target=deliver, args=(folder / dropbox.CODE_FILE, {"code": sms.code}), daemon=True).start()

    portal.outbox.listeners[:] = [hand_over]

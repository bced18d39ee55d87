"""A valid e-BDS file for a sandbox account and period, built from its préétabli."""

from __future__ import annotations

from bot.ebds.build import build
from bot.sandbox.preetabli import make_preetabli

CSV = (
    "immatriculation;jours;salaire_brut;situation;nom;cin\n"
    "112233445;26;4500,00;;;\n223344556;26;8 200,50;;;\n334455667;0;0;CS;;\n{new};10;2000;;ALAOUI SARA;BK123456\n"
)


def make_file(tmp_path, account, period, new="998877665", affiliation=None):
    pre = make_preetabli(account, period)
    if affiliation:
        pre = pre.replace(account.affiliation, affiliation)
    name, content = build(pre, CSV.format(new=new), 600_000)
    path = tmp_path / name
    path.write_bytes(content.encode("ascii"))
    return path


def filed_earlier(portal, account, period, path, state_dir) -> str:
    """The state a filing run leaves, without the run (its browser session costs seconds): the file
    went through the sandbox's own upload and validation, the ledger holds the receipt. The receipt's
    reference."""
    from bot.ledger.ledger import Ledger
    from bot.sandbox import filing
    from bot.sandbox.state import Session
    from bot.schedule.plan import Plan
    from bot.system import clock

    session = Session("filed-earlier", "csrf", account=account)
    assert filing.upload(portal, session, period, path.read_text(encoding="ascii")) == []
    reference = filing.validate(portal, session, period).reference
    now, deadline = clock.now(), Plan().deadline(period)
    ledger = Ledger(state_dir)
    ledger.ensure(account.identifier, period, deadline, Plan().first_attempt(period), now)
    ledger.filed(account.identifier, period, deadline, reference, now)
    return reference

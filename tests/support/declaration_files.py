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

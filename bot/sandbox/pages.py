"""French HTML screens of the sandbox, modeled on the Damancom path described in the seed."""

from __future__ import annotations

from html import escape

from bot.sandbox.state import Account

STATE_LABELS = {True: "Déclarée", False: "À déclarer"}

STYLE = """
body{font-family:Arial,Helvetica,sans-serif;margin:0;background:#f4f6f9;color:#1d2733}
header{background:#00589c;color:#fff;padding:12px 24px;display:flex;justify-content:space-between}
header strong{font-size:20px} .banner{background:#fff3cd;color:#6b4e00;padding:6px 24px;font-size:13px}
main{max-width:760px;margin:24px auto;background:#fff;padding:24px 32px;border-radius:6px;box-shadow:0 1px 4px #0002}
label{display:block;margin:14px 0 4px;font-weight:bold} input{padding:8px;font-size:16px;width:280px}
.btn,button{display:inline-block;margin:16px 8px 0 0;padding:10px 18px;border:0;border-radius:4px;
background:#00589c;color:#fff;font-size:15px;text-decoration:none;cursor:pointer}
.btn.secondaire{background:#5b6b7b} .alerte{padding:10px 14px;border-radius:4px;margin:12px 0}
.erreur{background:#fde2e1;color:#8a1c13} .info{background:#e3f0fb;color:#0b3e66}
table{border-collapse:collapse;width:100%;margin-top:8px} th,td{border:1px solid #ccd5df;padding:8px;text-align:left}
.etat-a-declarer{color:#a34a00;font-weight:bold} .etat-declaree{color:#1c7a33}
"""


def layout(title: str, body: str, *, flash: str | None = None, error: str | None = None) -> str:
    alerts = ""
    if flash:
        alerts += f'<div class="alerte info" role="status">{escape(flash)}</div>'
    if error:
        alerts += f'<div class="alerte erreur" role="alert">{escape(error)}</div>'
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{escape(title)} - Damancom</title>
<style>{STYLE}</style></head>
<body><header><strong>CNSS · Damancom</strong><span>Portail des affiliés</span></header>
<div class="banner">Bac à sable : simulation locale du portail Damancom, aucune donnée réelle.</div>
<main>{alerts}{body}</main></body></html>"""


def _csrf(token: str) -> str:
    return f'<input type="hidden" name="_csrf" value="{escape(token)}">'


def home(flash: str | None = None) -> str:
    return layout(
        "Accueil",
        """
<h1>Bienvenue sur Damancom</h1>
<p>Le portail de la CNSS pour la déclaration des salaires et le télépaiement des cotisations.</p>
<h2>Connexion à votre espace</h2>
<a class="btn" href="/fr/authentification/otp">S'authentifier avec OTP</a>
<a class="btn secondaire" href="/fr/authentification/eid">S'authentifier avec e-ID</a>
""",
        flash=flash,
    )


def identifier(csrf: str, *, error: str | None = None, flash: str | None = None) -> str:
    return layout(
        "Authentification",
        f"""
<h1>Authentification par OTP</h1>
<p>Saisissez votre identifiant : un code à 6 chiffres sera envoyé par SMS au numéro enregistré à la CNSS.</p>
<form method="post" action="/fr/authentification/otp">{_csrf(csrf)}
<label for="identifiant">Identifiant</label>
<input id="identifiant" name="identifiant" autocomplete="username" required>
<div><button type="submit">Continuer</button></div>
</form>""",
        error=error,
        flash=flash,
    )


def code(csrf: str, phone: str, ttl_minutes: int, *, error: str | None = None, flash: str | None = None) -> str:
    return layout(
        "Code de vérification",
        f"""
<h1>Vérification</h1>
<p>Un code à 6 chiffres a été envoyé par SMS au {escape(phone)}. Il est valable {ttl_minutes} minutes.</p>
<form method="post" action="/fr/authentification/otp/code" autocomplete="off">{_csrf(csrf)}
<label for="code">Code reçu par SMS</label>
<input id="code" name="code" autocomplete="one-time-code" inputmode="numeric" maxlength="6"
 pattern="[0-9]{{6}}" required>
<label for="motdepasse">Mot de passe</label>
<input id="motdepasse" name="motdepasse" type="password" autocomplete="current-password" required>
<div><button type="submit">Valider</button></div>
</form>
<form method="post" action="/fr/authentification/otp/renvoi">{_csrf(csrf)}
<button type="submit" class="secondaire">Renvoyer le code</button></form>""",
        error=error,
        flash=flash,
    )


def eid(challenge_id: str, qr_svg: str, *, error: str | None = None) -> str:
    # The page asks the portal every second whether the phone approved, like the real one waits.
    return layout(
        "Identité numérique",
        f"""
<h1>Authentification avec e-ID</h1>
<p>Ouvrez l'application « Identité Numérique » de la DGSN sur votre téléphone et scannez ce code QR,
puis approuvez la connexion.</p>
<figure><div role="img" aria-label="Code QR e-ID" id="qr-eid" data-challenge="{escape(challenge_id)}"
style="width:max-content;background:#fff;padding:8px">{qr_svg}</div>
<figcaption>En attente de l'approbation sur votre téléphone…</figcaption></figure>
<a class="btn secondaire" href="/fr/">Annuler</a>
<script>
setInterval(async () => {{
  const r = await fetch("/fr/authentification/eid/etat", {{cache: "no-store"}});
  const etat = (await r.json()).etat;
  if (etat === "approuve") location.href = "/fr/espace-affilie";
  if (etat === "expire") location.href = "/fr/?eid=expire";
}}, 1000);
</script>""",
        error=error,
    )


def eid_phone(pending: list, csrf: str, identifier: str) -> str:
    """The sandbox's stand-in for the phone app: one « Approuver » button per pending request."""
    items = (
        "".join(
            f'<li>Demande {escape(c.id)} <form method="post" action="/_sandbox/eid/approuver" style="display:inline">'
            f'{_csrf(csrf)}<input type="hidden" name="challenge" value="{escape(c.id)}">'
            f'<input type="hidden" name="identifiant" value="{escape(identifier)}">'
            '<button type="submit">Approuver</button></form></li>'
            for c in pending
        )
        or "<li>Aucune demande en attente.</li>"
    )
    return layout("Identité Numérique (téléphone simulé)", f"<h1>Identité Numérique</h1><ul>{items}</ul>")


def mad(centimes: int) -> str:
    return f"{centimes / 100:,.2f}".replace(",", " ").replace(".", ",") + " MAD"


def _link_words(account: Account, period: str, done: bool) -> str:
    if done and period in account.receipts:
        return "Accusé de réception"
    return "Consulter" if done else "Déclarer"


def group_space(group: Account, affiliates: list[Account], csrf: str, *, flash: str | None = None) -> str:
    """A « compte groupe »'s space: its affiliates, one form each to work for it."""
    rows = "".join(
        f"<tr><td>{escape(a.employer)}</td><td>{escape(a.affiliation)}</td><td>"
        f'<form method="post" action="/fr/espace-groupe/choisir">{_csrf(csrf)}'
        f'<input type="hidden" name="affiliation" value="{escape(a.affiliation)}">'
        f'<button type="submit" aria-label="Choisir {escape(a.employer)} ({escape(a.affiliation)})">Choisir</button>'
        "</form></td></tr>"
        for a in affiliates
    )
    return layout(
        "Espace groupe",
        f"""
<h1>Espace groupe</h1>
<p>Compte groupe : <strong id="groupe">{escape(group.employer)}</strong></p>
<h2>Choix de l'affilié</h2>
<table><caption>Affiliés rattachés à ce compte</caption>
<thead><tr><th>Raison sociale</th><th>N° d'affiliation</th><th>Action</th></tr></thead><tbody>{rows}</tbody></table>
<form method="post" action="/fr/deconnexion">{_csrf(csrf)}
<button type="submit" class="secondaire">Se déconnecter</button></form>
""",
        flash=flash,
    )


def interface(account: Account, csrf: str, periods: list[tuple[str, bool]], *, group: bool = False) -> str:
    rows = "".join(
        f'<tr><td>{p[5:]}/{p[:4]}</td><td class="{"etat-declaree" if done else "etat-a-declarer"}">'
        f'{STATE_LABELS[done]}</td><td><a href="/fr/declaration/{p}">{_link_words(account, p, done)}</a></td></tr>'
        for p, done in periods
    )
    due = [(p, r) for p, r in account.receipts.items()]
    payment = (
        "".join(f"<p>Période {p[5:]}/{p[:4]} : montant dû {mad(r.amount_due)} (non payé).</p>" for p, r in due)
        or "<p>Aucun paiement en attente.</p>"
    )
    change = ' · <a href="/fr/espace-groupe">Changer d\'affilié</a>' if group else ""
    return layout(
        "Espace affilié",
        f"""
<h1>Espace affilié</h1>
<p>Raison sociale : <strong id="raison-sociale">{escape(account.employer)}</strong><br>
N° d'affiliation : <strong id="affiliation">{escape(account.affiliation)}</strong></p>
<nav><a href="#declaration">Déclaration des salaires</a> · <a href="#telepaiement">Télépaiement</a>{change}</nav>
<h2 id="declaration">Déclaration des salaires</h2>
<table><caption>Périodes de déclaration</caption>
<thead><tr><th>Période</th><th>État</th><th>Action</th></tr></thead><tbody>{rows}</tbody></table>
<h2 id="telepaiement">Télépaiement</h2>{payment}
<form method="post" action="/fr/deconnexion">{_csrf(csrf)}
<button type="submit" class="secondaire">Se déconnecter</button></form>
""",
    )


def unavailable() -> str:
    return layout(
        "Service indisponible",
        "<h1>Service momentanément indisponible</h1><p>Le portail Damancom "
        "connaît une forte affluence. Veuillez réessayer ultérieurement.</p>",
    )


def maintenance() -> str:
    return layout(
        "Maintenance",
        "<h1>Maintenance en cours</h1><p>Le portail Damancom est en maintenance. "
        "Il sera de nouveau accessible dans quelques heures.</p>",
    )


def server_error() -> str:
    return layout("Erreur", "<h1>Erreur interne du serveur</h1><p>Une erreur technique est survenue.</p>")


def message(title: str, text: str) -> str:
    return layout(
        title, f'<h1>{escape(title)}</h1><p>{escape(text)}</p><a class="btn" href="/fr/">Retour à l\'accueil</a>'
    )


def declaration(period: str, csrf: str, *, errors: list[str] = (), declared: bool = False) -> str:
    shown = f"{period[5:]}/{period[:4]}"
    if declared:
        body = (
            f"<p>La période {shown} est <strong>Déclarée</strong>.</p>"
            f'<a class="btn" href="/fr/declaration/{period}/accuse">Accusé de réception</a>'
        )
    else:
        body = (
            f"<p>Période {shown} : <strong>À déclarer</strong>.</p>"
            f'<p><a href="/fr/declaration/{period}/preetabli">Télécharger le préétabli</a></p>'
            f'<h2>Déposer un fichier</h2><form method="post" action="/fr/declaration/{period}/depot" '
            f'enctype="multipart/form-data">{_csrf(csrf)}'
            '<label for="fichier">Fichier de déclaration (DS_…txt)</label>'
            '<input id="fichier" name="fichier" type="file" accept=".txt">'
            '<div><button type="submit">Déposer le fichier</button></div></form>'
        )
    issues = "".join(f"<li>{escape(e)}</li>" for e in errors)
    alert = f'<div class="alerte erreur" role="alert">Fichier refusé :<ul>{issues}</ul></div>' if errors else ""
    return layout(
        "Déclaration des salaires",
        f"<h1>Déclaration des salaires - {shown}</h1>{alert}{body}"
        '<p><a href="/fr/espace-affilie">Retour à l\'espace affilié</a></p>',
    )


def confirmation(period: str, csrf: str, totals: dict[str, int]) -> str:
    from bot.sandbox.state import amount_due

    shown = f"{period[5:]}/{period[:4]}"
    return layout(
        "Confirmation de la déclaration",
        f"""
<h1>Confirmation de la déclaration - {shown}</h1>
<table><tbody>
<tr><th>Nombre de salariés</th><td id="nombre-salaries">{totals["employees"]}</td></tr>
<tr><th>Total des salaires réels</th><td id="total-reel">{mad(totals["real"])}</td></tr>
<tr><th>Total des salaires plafonnés</th><td id="total-plafonne">{mad(totals["capped"])}</td></tr>
<tr><th>Montant à payer</th><td id="montant">{mad(amount_due(totals["real"], totals["capped"]))}</td></tr>
</tbody></table>
<form method="post" action="/fr/declaration/{period}/valider">{_csrf(csrf)}
<button type="submit">Valider la déclaration</button></form>
<p><a href="/fr/declaration/{period}">Annuler</a></p>""",
    )


def filed_at(receipt) -> str:
    """When a declaration was filed, as the receipt shows it (Moroccan time)."""
    from datetime import datetime

    from bot.system.clock import TZ

    return datetime.fromtimestamp(receipt.filed_at, TZ).strftime("%d/%m/%Y à %H:%M:%S")


def receipt_page(period: str, account: Account, receipt) -> str:
    when = filed_at(receipt)
    return layout(
        "Accusé de réception",
        f"""
<h1>Accusé de réception</h1>
<p>Déclaration des salaires de la période {period[5:]}/{period[:4]} - {escape(account.employer)}
(n° d'affiliation {escape(account.affiliation)}).</p>
<table><tbody>
<tr><th>Référence</th><td id="reference">{receipt.reference}</td></tr>
<tr><th>Date de dépôt</th><td id="date-depot">{when}</td></tr>
<tr><th>Nombre de salariés</th><td>{receipt.employees}</td></tr>
<tr><th>Total des salaires réels</th><td>{mad(receipt.total_real)}</td></tr>
<tr><th>Total des salaires plafonnés</th><td>{mad(receipt.total_capped)}</td></tr>
<tr><th>Montant à payer</th><td>{mad(receipt.amount_due)}</td></tr>
</tbody></table>
<p><a href="/fr/declaration/{period}/accuse.txt">Télécharger l'accusé de réception</a></p>
<p><a href="/fr/espace-affilie">Retour à l'espace affilié</a></p>""",
    )

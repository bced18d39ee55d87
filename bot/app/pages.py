"""The dashboard's HTML, in French: one page of sections. The live ones (`LIVE`) are also served as
fragments to the page's script, which swaps a section only when its content changed (a code being
typed is never wiped) and counts the code's validity down every second."""

from __future__ import annotations

import re
import time
from html import escape
from pathlib import Path

from bot.app import progress
from bot.app.jobs import DONE_FR, VERB_FR
from bot.settings import table
from bot.system import localweb

LIVE = ("attente", "direct", "periodes", "rapports", "verifications")

STYLE = """body{font-family:Arial,Helvetica,sans-serif;max-width:980px;margin:20px auto;padding:0 16px;color:#1d2733}
h1{font-size:26px}h2{font-size:20px;border-bottom:1px solid #cdd5df;padding-bottom:4px;margin-top:28px}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #e3e8ee;padding:6px;text-align:left;vertical-align:top}
button{font-size:16px;padding:8px 16px;margin:6px 8px 6px 0;cursor:pointer}
input{font-size:16px;padding:6px}input.code{font-size:28px;letter-spacing:6px;width:8em}
.note{padding:10px;border-radius:4px;background:#e7f4ea;color:#1c5a2b}.erreur{background:#fbe9e7;color:#8a1c13}
.note.neutre{background:#eef2f7;color:#1d2733}.refus{font-weight:bold}
.essai{border:3px dashed #6b3fa0;border-radius:6px;padding:10px;background:#f5effb}
.sms{font-family:monospace;font-size:16px}
.attente{border:2px solid #d9822b;border-radius:6px;padding:12px;margin:10px 0;background:#fff8ef}
.filtres{margin:8px 0}.filtres label{display:inline;margin-right:6px}a.choisi{font-weight:bold}
.ok{color:#1c7a33}.ko{color:#8a1c13}.discret{color:#5b6773;font-size:14px}label{display:block;margin-top:8px}"""


def page(app, note: tuple[str, str, int | None] | None, view: dict | None = None) -> str:
    """`view`: the declarations' filters from the address (`etat`, `nom`), kept by the page's polling."""
    parts = {name: section(app, name, view) for name in LIVE}
    flash = _flash(note, parts["direct"])
    problem = app.config_problem()
    if problem:
        flash += f'<p class="note erreur" role="alert">Réglage à corriger : {escape(progress.for_person(problem))}</p>'
    live = "".join(
        f'<section id="{n}" data-sig="{signature(parts[n])}" aria-live="polite">{parts[n]}</section>' for n in LIVE[:2]
    )
    later = "".join(f'<section id="{n}" data-sig="{signature(parts[n])}">{parts[n]}</section>' for n in LIVE[2:])
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>damancom-bot : tableau de bord</title>'
        f'<meta name="viewport" content="width=device-width"><style>{STYLE}</style></head><body>'
        f"<h1>damancom-bot : tableau de bord{' — MODE ESSAI' if app.trial else ''}</h1>"
        f'<section id="portail">{portal(app)}</section>{flash}{live}'
        f'<section id="actions">{actions(app)}</section>{later}<section id="reglages">{settings(app)}</section>'
        f'<p class="discret">Cette page ne fonctionne que sur cet ordinateur ; fermez-la quand vous avez fini '
        f'(le bot continue sans elle).</p><script src="{app.prefix}/app.js"></script></body></html>'
    )


def _flash(note, direct: str) -> str:
    """The note of the button just pressed. « Code remis » is neutral (the portal has not answered yet)
    and leaves once the portal refused that code (the page's script removes it as the refusal shows)."""
    if not note:
        return ""
    kind, text, seen = note
    if kind == "erreur":
        return f'<p class="note erreur" role="alert">{escape(progress.for_person(text))}</p>'
    if kind == "attente":
        shown = _REFUSALS.search(direct)
        if shown and int(shown.group(1)) > (seen or 0):
            return ""
        return f'<p class="note neutre" role="status" data-refus-vu="{int(seen or 0)}">{escape(text)}</p>'
    return f'<p class="note" role="status">{escape(text)}</p>'


_REFUSALS = re.compile(r'data-refus="(\d+)"')


def portal(app) -> str:
    """Which portal the page's buttons use, always in view, and the switch to the other one."""
    if app.trial:
        return (
            '<div class="essai"><p><b>Mode essai</b> : la page utilise le <b>portail d\'essai</b> de cet ordinateur '
            f"({escape(app.trial.url)}), avec son compte {escape(app.account)}. Rien n'est envoyé à la CNSS, aucun "
            "vrai SMS : le code d'essai s'affiche sur cette page. Chaque résultat est marqué « essai ».</p>"
            + _form(
                app, "essai", '<input type="hidden" name="mode" value="reel"><button>Revenir au vrai portail</button>'
            )
            + "</div>"
        )
    from bot.settings.config import portal_url

    try:
        url = portal_url(app.environ)
    except Exception:  # noqa: BLE001 - a bad address is said by « Réglage à corriger »
        url = "adresse à corriger"
    return (
        f"<p>Portail utilisé : le <b>vrai portail Damancom</b> ({escape(url)}). Pour essayer la page sans rien "
        "envoyer à la CNSS :</p>"
        + _form(app, "essai", '<input type="hidden" name="mode" value="essai"><button>Passer en mode essai</button>')
    )


def _essai(app) -> str:
    return " (essai)" if app.trial else ""


def section(app, name: str, view: dict | None = None) -> str:
    if name == "periodes":
        return periods(app, view or {})
    return {"attente": waiting, "direct": live_run, "rapports": reports, "verifications": checks}[name](app)


def signature(html: str) -> str:
    """Changes only when the section's content does: the ticking countdown text is left out."""
    import hashlib

    return hashlib.sha1(_COUNTDOWN.sub(r"\1", html).encode("utf-8")).hexdigest()[:16]


_COUNTDOWN = re.compile(r'(data-expires="[^"]*">)[^<]*')


def _form(app, action: str, inner: str, extra: str = "") -> str:
    # a multipart body is refused before it is parsed when its URL lacks the CSRF token (`server.py`)
    query = f"?_csrf={app.csrf}" if "multipart" in extra else ""
    return (
        f'<form method="post" action="{app.prefix}/action/{action}{query}"{extra}>'
        f'<input type="hidden" name="_csrf" value="{app.csrf}">{inner}</form>'
    )


def waiting(app) -> str:
    runs = progress.waiting_runs(app.state_dir)
    if not runs:
        return ""
    parts = []
    for run in runs:
        account = escape(run["account"])
        hidden = f'<input type="hidden" name="compte" value="{account}">'
        head = f"<p><b>La connexion du compte {account} {progress.PHASE_FR.get(run['phase'], 'attend')}.</b></p>"
        if run["phase"] == "ready":
            body = (
                "<p>Le portail enverra un code par SMS au téléphone enregistré à la CNSS dès que vous confirmez.</p>"
                + _form(app, "pret", hidden + "<button>Je suis prêt</button>")
            )
        elif run["phase"] == "code":
            body = (
                _trial_sms(app, run) + f'<p class="compte-a-rebours" data-expires="{run["expires"]:.0f}">'
                f"{_remaining(run['expires'])}</p>"
                + _form(
                    app,
                    "code",
                    hidden + '<label for="code">Code reçu par SMS</label>'
                    '<input id="code" class="code" name="code" autocomplete="one-time-code" inputmode="numeric" '
                    'maxlength="7" autofocus><button>Envoyer le code</button>',
                )
                + _form(app, "renvoyer", hidden + "<button>Je n'ai pas reçu le SMS : renvoyer le code</button>")
            )
        elif run["phase"] == "question":
            shown = _question_picture(app, run["picture"])
            body = (
                f'<p>Le portail pose cette question :</p><img class="question" src="{shown}" '
                'alt="La question posée par le portail (capture)">'
                if shown
                else "<p>Répondez d'après la capture envoyée par le bot (notification ou terminal).</p>"
            ) + _form(
                app,
                "reponse",
                hidden + '<label for="reponse">Réponse</label>'
                '<input id="reponse" name="reponse"><button>Envoyer la réponse</button>',
            )
        else:
            body = ""
        parts.append(f'<div class="attente">{head}{body}</div>')
    return "<h2>Le bot a besoin de vous</h2>" + "".join(parts)


def _trial_sms(app, run: dict) -> str:
    """In « mode essai » the sandbox's phone is this page: its SMS, shown where the code is typed."""
    text = app.trial.last_sms(run["since"]) if app.trial else ""
    return (
        f"<p class=\"essai\">SMS d'essai reçu (portail d'essai, pas la CNSS) : "
        f'<span class="sms">{escape(text)}</span></p>'
        if text
        else ""
    )


def _question_picture(app, picture: str) -> str:
    """Only a picture from the recordings folder, where the run keeps its screenshots."""
    if not picture:
        return ""
    try:
        inside = Path(picture).resolve().is_relative_to(Path(app.recordings).resolve())
    except (OSError, ValueError):
        return ""
    return localweb.png_data_url(picture) if inside and picture.endswith(".png") else ""


def _remaining(expires: float) -> str:
    left = int(expires - time.time())
    if left <= 0:
        return "Le code envoyé a probablement expiré : demandez-en un nouveau."
    return f"Code valable encore {left // 60} min {left % 60:02d} s."


def live_run(app) -> str:
    job = app.jobs.current()
    if job is not None and job.trial != bool(app.trial):
        job = None  # a run on the other portal: its steps are with that portal's records
    runs = progress.waiting_runs(app.state_dir)
    if job is None and not runs:
        return ""
    if job is not None:
        what = VERB_FR.get(job.verb, job.verb) + (f" ({job.period})" if job.period else "")
        if job.running:
            status = f"<p>En cours{_essai(app)} : {escape(what)} pour le compte {escape(job.account)}.</p>"
        elif job.exit_code == 0:
            status = (
                f'<p class="ok">Terminé{_essai(app)} : {escape(what)} {DONE_FR.get(job.verb, "réussi")}. '
                f"{escape(progress.for_person(job.last_line))}</p>"
            )
        else:
            status = (
                f'<p class="ko">Échec{_essai(app)} : {escape(what)}. {escape(progress.for_person(job.last_line))}</p>'
            )
        folder = progress.audit_folder(app.recordings, job.account, since=job.started)
    else:
        run = runs[0]
        status = f"<p>Connexion en cours pour le compte {escape(run['account'])}.</p>"
        folder = progress.audit_folder(app.recordings, run["account"], run_id=run["run_id"])
    found = progress.steps(folder)
    due = progress.amount_due(found)
    if due and job is not None and job.verb == "declare" and job.exit_code == 0:
        status += (
            f'<p class="ok montant">Montant à payer : <b>{escape(due)}</b>. Le bot ne paie jamais : faites '
            "vous-même le télépaiement sur Damancom.</p>"
        )
    rows = "".join(
        f'<li class="{"ok" if s["outcome"] == "ok" else "ko"}">{escape(s["time"])} — {escape(s["title"])}'
        f"{(' : ' + escape(s['message'])) if s['message'] else ''}</li>"
        for s in found
    )
    steps = f'<ol class="etapes">{rows}</ol>' if rows else '<p class="discret">Démarrage…</p>'
    return f"<h2>Connexion en direct{_essai(app)}</h2>{status}{_refused(found, runs)}{steps}"


def _refused(found: list[dict], runs: list[dict]) -> str:
    """The portal's « no » to a code, in red and in words: what happened and what to do now."""
    count = progress.refusals(found)
    if not count:
        return ""
    times = "le code" if count == 1 else f"{count} codes"
    then = (
        "saisissez le nouveau code reçu par SMS ci-dessus."
        if any(r["phase"] == "code" for r in runs)
        else "relancez la connexion pour recevoir un nouveau code."
    )
    if found and found[-1]["final"]:
        then = "la connexion s'est arrêtée (voir la dernière étape)."
    return f'<p class="ko refus" role="alert" data-refus="{count}">Le portail a refusé {times} : {then}</p>'


def periods(app, view: dict) -> str:
    """Every employer and period, the most urgent first (as `status`), the count line made from the
    same lines, and filters by state and by name: plain links and a GET form, no script needed."""
    from bot.schedule import glance

    every = app.periods()
    if not every:
        table = (
            "<p>Aucune déclaration suivie pour l'instant. Le planificateur (« damancom-bot schedule ») les "
            "ajoute chaque mois ; vous pouvez aussi vous connecter ou déposer ci-dessous.</p>"
        )
    else:
        etat, nom = view.get("etat", ""), view.get("nom", "")
        named = [r for r in every if glance.named(r.account, nom)]
        rows = [r for r in named if not etat or r.etat == etat]
        whole = glance.summary([r.line for r in named if r.line])
        shown = f"Affichées : {len(rows)} ligne(s) sur {len(named)}." if etat or nom else ""
        body = "".join(
            f'<tr data-etat="{escape(r.etat)}"><td>{escape(r.account)}</td><td>{escape(r.period)}</td>'
            f"<td><b>{escape(r.situation)}</b></td><td>{escape(r.state + _essai(app))}</td>"
            f"<td>{escape(r.next_line)}</td><td>{escape(r.deadline)}</td></tr>"
            for r in rows
        )
        table = (
            f'<p class="resume"><b>{escape(whole)}.</b> {escape(shown)}</p>{_filters(app, etat, nom)}'
            "<table><thead><tr><th>Compte</th><th>Période</th><th>Situation</th><th>État</th><th>Et ensuite</th>"
            f"<th>Échéance</th></tr></thead><tbody>{body}</tbody></table>"
        )
        if not rows:
            table += '<p class="discret">Aucune ligne pour ce filtre.</p>'
    if app.trial:
        return (
            f'<h2>Déclarations{_essai(app)}</h2><p class="discret">Les déclarations d\'essai, à part des vraies.</p>'
            f"{table}"
        )
    return f"<h2>Déclarations</h2>{app.scheduler_line()}{table}"


FILTERS = (
    ("", "Toutes"),
    ("a-faire", "À faire"),
    ("en-cours", "En cours"),
    ("echec", "En échec"),
    ("deposee", "Déposées"),
)


def _filters(app, etat: str, nom: str) -> str:
    """Links by state (the name kept), and a name field: both plain GET requests to this page."""
    from urllib.parse import urlencode

    links = []
    for word, label in FILTERS:
        query = urlencode({k: v for k, v in (("etat", word), ("nom", nom)) if v})
        href = f"{app.prefix}/" + (f"?{query}" if query else "") + "#periodes"
        current = ' aria-current="page" class="choisi"' if word == etat else ""
        links.append(f'<a href="{escape(href)}"{current}>{escape(label)}</a>')
    keep = f'<input type="hidden" name="etat" value="{escape(etat)}">' if etat else ""
    return (
        f'<nav class="filtres" aria-label="Filtrer les déclarations">Afficher : {" · ".join(links)}</nav>'
        f'<form class="filtres" method="get" action="{app.prefix}/#periodes">{keep}'
        '<label for="nom">Nom du compte (début)</label>'
        f'<input id="nom" name="nom" value="{escape(nom)}"> <button>Filtrer</button></form>'
    )


def actions(app) -> str:
    login = _form(app, "connexion", "<button>Se connecter maintenant</button>")
    upload = _form(
        app,
        "fichier",
        f'<label for="periode">Période (AAAA-MM)</label><input id="periode" name="periode" '
        f'value="{escape(app.default_period())}" pattern="\\d{{4}}-\\d{{2}}" required>'
        '<label for="fichier">Fichier de déclaration (DS_….txt)</label>'
        '<input id="fichier" type="file" name="fichier" accept=".txt" required>'
        "<br><button>Vérifier le fichier</button>",
        ' enctype="multipart/form-data"',
    )
    pending = app.pending
    check = ""
    if pending and pending["problems"]:
        items = _listed(pending["problems"], pending.get("more_problems", 0), "problème(s)")
        check = (
            f'<div class="attente"><p class="ko">Fichier {escape(pending["name"])} refusé par la vérification '
            f"locale (rien n'a été envoyé, aucun SMS) :</p>{items}{_warnings(pending)}</div>"
        )
    elif pending:
        totals = "".join(f"<li>{escape(k)} : {escape(v)}</li>" for k, v in (pending["totals"] or {}).items())
        check = (
            f'<div class="attente"><p class="ok">Fichier {escape(pending["name"])} conforme pour la période '
            f"{escape(pending['period'])}.</p><ul>{totals}</ul>{_warnings(pending)}<p>Le portail calcule le "
            "montant à payer : il s'affiche dans « Connexion en direct » dès qu'il montre les totaux, avant la "
            "validation.</p>"
            "<p>Confirmer le dépôt ? Le bot se connecte "
            "(un SMS est envoyé), dépose le fichier, compare les totaux affichés par le portail et garde "
            "l'accusé de réception.</p>"
            + _form(
                app,
                "deposer",
                f'<input type="hidden" name="periode" value="{escape(pending["period"])}">'
                "<button>Déposer la déclaration</button>",
            )
            + "</div>"
        )
    who = (
        f"pour le compte <b>{escape(app.account)}</b>"
        if app.account
        else "(indiquez d'abord votre identifiant dans « Réglages »)"
    )
    where = "au <b>portail d'essai</b>" if app.trial else "au vrai portail Damancom"
    return (
        f"<h2>Agir maintenant{_essai(app)}</h2><p>Connexion {where} {who} ; un code arrive par SMS et se saisit "
        f"ici.</p>{login}<h3>Déposer une déclaration</h3><p>Le fichier est vérifié sur cet ordinateur avant "
        f"toute connexion : un fichier refusé ne coûte aucun SMS.</p>{_samples(app)}{upload}{check}"
    )


def _samples(app) -> str:
    """In « mode essai »: files to try with, made for the essai account and the period shown."""
    if not app.trial:
        return ""
    period = escape(app.default_period())
    links = " · ".join(
        f'<a href="{app.prefix}/essai/{what}?periode={period}" download>{label}</a>'
        for what, label in (
            ("declaration", "déclaration d'exemple, prête à déposer"),
            ("preetabli", "préétabli d'exemple"),
            ("salaries", "salaires d'exemple (pour « damancom-bot bds build »)"),
        )
    )
    return (
        f"<p class=\"essai\">Fichiers d'essai pour {period} : {links}. Téléchargez la déclaration d'exemple, "
        "puis choisissez-la ci-dessous.</p>"
    )


def _listed(items: list[str], more: int, what: str, shown: int = 20) -> str:
    rows = "".join(f"<li>{escape(p)}</li>" for p in items[:shown])
    left = len(items[shown:]) + more
    return f"<ul>{rows}</ul>" + (f'<p class="discret">… et {left} autre(s) {what}.</p>' if left else "")


def _warnings(pending: dict) -> str:
    """What `bds check` warns about on the same file: legal, but worth a look before filing."""
    warnings = pending.get("warnings") or []
    if not warnings:
        return ""
    count = len(warnings) + pending.get("more_warnings", 0)
    return (
        f"<div class=\"avertissements\"><p>{count} avertissement(s) à vérifier (ils n'empêchent pas l'envoi) :</p>"
        + _listed(warnings, pending.get("more_warnings", 0), "avertissement(s)")
        + "</div>"
    )


def reports(app) -> str:
    found = app.reports()
    if not found:
        return f"<h2>Accusés et rapports{_essai(app)}</h2><p>Aucun rapport pour l'instant.</p>"
    rows = "".join(
        f"<tr><td>{escape(r.started)}</td><td>{escape(r.account)}</td><td>{escape(r.period)}</td>"
        f"<td>{escape(r.outcome + _essai(app))}</td><td>{escape(r.receipt or '')}</td><td>{escape(r.amount)}</td><td>"
        + " · ".join(
            f'<a href="{app.prefix}/fichier/{escape(path)}" target="_blank" rel="noopener">{escape(label)}</a>'
            for label, path in r.files
        )
        + "</td></tr>"
        for r in found
    )
    return (
        f"<h2>Accusés et rapports{_essai(app)}</h2><table><thead><tr><th>Date</th><th>Compte</th><th>Période</th>"
        "<th>Résultat</th>"
        f"<th>Accusé de réception</th><th>Montant à payer</th><th>Ouvrir</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def checks(app) -> str:
    state = app.doctor
    button = _form(app, "verifier", "<button>Vérifier l'installation</button>")
    if state.get("running"):
        body = "<p>Vérifications en cours…</p>"
    elif state.get("checks"):
        body = (
            "<ul>"
            + "".join(
                f'<li class="{"ok" if ok else ("ko" if blocking else "discret")}">'
                f"{'✓' if ok else ('✗' if blocking else '–')} "
                f"<b>{escape(name)}</b> : {escape(progress.for_person(detail))}</li>"
                for name, ok, blocking, detail in state["checks"]
            )
            + "</ul>"
        )
    else:
        body = "<p>Le navigateur, les dossiers, les sélecteurs et Telegram sont vérifiés à la demande.</p>"
    return f"<h2>Vérifications (doctor)</h2>{body}{button}"


def settings(app) -> str:
    env = app.environ
    identifier = escape(env.get(table.IDENTIFIER.name, ""))
    telegram = "configuré" if env.get(table.TELEGRAM_TOKEN.name) else "non configuré"
    password = "déjà renseigné" if app.has_password() else "non renseigné"
    inner = (
        f'<label for="identifiant">Identifiant Damancom</label><input id="identifiant" name="identifiant" '
        f'value="{identifier}" autocomplete="username">'
        f'<label for="mot_de_passe">Mot de passe Damancom ({password} ; un nouveau est rangé dans le '
        "trousseau de l'ordinateur, jamais dans un fichier)</label>"
        '<input id="mot_de_passe" name="mot_de_passe" type="password" '
        'autocomplete="new-password">'
        f'<label for="telegram_jeton">Telegram ({telegram}) : jeton du bot</label>'
        '<input id="telegram_jeton" name="telegram_jeton" autocomplete="off" size="50">'
        '<label for="telegram_discussion">Telegram : numéro de la discussion</label>'
        '<input id="telegram_discussion" name="telegram_discussion" inputmode="numeric">'
        "<br><button>Enregistrer les réglages</button>"
    )
    return (
        f'<h2>Réglages</h2><p class="discret">Fichier de réglages : {escape(str(app.env_file()))}. '
        "Les champs laissés vides ne changent rien.</p>" + _form(app, "reglages", inner)
    )


SCRIPT = """(() => {
  const prefix = document.currentScript.src.replace(/\\/app\\.js$/, '');
  function countdown() {
    for (const el of document.querySelectorAll('[data-expires]')) {
      const left = Math.floor(Number(el.dataset.expires) - Date.now() / 1000);
      el.textContent = left <= 0 ? 'Le code envoyé a probablement expiré : demandez-en un nouveau.'
        : 'Code valable encore ' + Math.floor(left / 60) + ' min ' + String(left % 60).padStart(2, '0') + ' s.';
    }
  }
  async function poll() {
    try {
      const reply = await fetch(prefix + '/etat.json' + location.search, {cache: 'no-store'});
      if (reply.ok) {
        const data = await reply.json();
        for (const [name, part] of Object.entries(data.sections)) {
          const el = document.getElementById(name);
          if (el && el.dataset.sig !== part.sig) { el.innerHTML = part.html; el.dataset.sig = part.sig; }
        }
        const refused = document.querySelector('[data-refus]');  // « Code remis » stops being true
        for (const note of document.querySelectorAll('[data-refus-vu]')) {
          if (refused && Number(refused.dataset.refus) > Number(note.dataset.refusVu)) note.remove();
        }
        document.body.dataset.polled = String(Number(document.body.dataset.polled || 0) + 1);
        countdown();
      }
    } catch (e) { /* the dashboard was closed: keep the last view */ }
    setTimeout(poll, 1000);
  }
  setInterval(countdown, 1000);
  poll();
})();"""

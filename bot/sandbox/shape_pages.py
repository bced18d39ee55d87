"""French HTML of the login screens, drawn the way a `Shape` says (bot/sandbox/shapes.py).

Every screen is a `<div id="vue">` holding its content in `<template>`s and a small JSON
configuration; one script (`_SCRIPT`, the same in every document) draws the content after the
shape's delay, the announcement and the late code boxes in beats, the toasts, and, for
`pages=single`, swaps `#vue` after each form or link instead of loading a new document."""

from __future__ import annotations

import json
from html import escape

from bot.sandbox.pages import STYLE
from bot.sandbox.shapes import Shape

EXTRA_STYLE = """
.chiffres{display:flex;gap:8px} .chiffres input{width:44px;text-align:center;font-size:22px;padding:6px 0}
.toasts{position:fixed;right:16px;bottom:16px;z-index:1100;display:flex;flex-direction:column;gap:8px;max-width:380px}
.toast{padding:12px 16px;border-radius:6px;font-size:14px;color:#fff} .toast-error{background:#8a1c13}
.toast-info{background:#0b3e66} .alert{padding:10px 14px;border-radius:4px;margin:12px 0}
.alert-danger{background:#fde2e1;color:#8a1c13} .alert-info{background:#e3f0fb;color:#0b3e66}
.invalid-feedback{color:#b3261e;font-size:14px} .form-text{color:#5b6b7b;font-size:14px}
.cookie-banner{position:fixed;left:0;right:0;bottom:0;background:#1d2733;color:#fff;padding:14px 24px;z-index:900}
.voile{position:fixed;inset:0;background:#0009;z-index:1000;display:flex;align-items:center;justify-content:center}
.modal-content{background:#fff;max-width:520px;padding:24px 32px;border-radius:8px}
nav.public a{margin-right:16px}
"""

SENT = "Un code à 6 chiffres vous a été envoyé par SMS et e-mail au {phone}. Il est valable {minutes} minutes."

# Draws a screen in beats, wires the code boxes and the link-buttons; with `pages=single`,
# forms and links fetch the next screen and swap #vue (history.pushState, no new document).
_SCRIPT = r"""
(() => {
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  const put = (id, where) => { const t = document.getElementById(id), w = document.querySelector(where);
    if (t && w) w.append(t.content.cloneNode(true)); };
  function toasts(cfg) {
    for (const [kind, text] of cfg.toasts) {
      const item = document.createElement('div');
      item.className = 'toast toast-' + kind; item.setAttribute('role', 'status'); item.textContent = text;
      document.querySelector('.toasts').append(item);
      setTimeout(() => item.remove(), 6000);
    }
  }
  function wire() {
    for (const a of document.querySelectorAll('#app a[data-envoi]')) a.onclick = (e) => {
      e.preventDefault(); a.closest('form').requestSubmit(); };
    const boxes = [...document.querySelectorAll('#app .chiffres input')];
    boxes.forEach((box, i) => {
      box.oninput = () => { box.value = box.value.replace(/\D/g, '').slice(-1);
        if (box.value && boxes[i + 1]) boxes[i + 1].focus(); };
      box.onkeydown = (e) => { if (e.key === 'Backspace' && !box.value && boxes[i - 1]) boxes[i - 1].focus(); };
    });
  }
  async function draw() {
    const cfg = JSON.parse(document.getElementById('config').textContent);
    const app = document.getElementById('app');
    app.replaceChildren();
    if (cfg.delay) await wait(cfg.delay);
    put('ecran', '#app'); wire(); toasts(cfg);
    if (cfg.late === null) return;
    await wait(cfg.late / 2); put('annonce', '#zone-annonce');
    await wait(cfg.late / 2); put('cases', '#zone-code'); wire();
  }
  window.__dessiner = draw;
  for (const b of document.querySelectorAll('.cookie-banner button')) b.onclick = () => {
    document.cookie = 'cookies_vus=1; path=/'; b.closest('.cookie-banner').remove(); };
  for (const b of document.querySelectorAll('.voile button')) b.onclick = () => b.closest('.voile').remove();
  const single = document.body.dataset.pages === 'single';
  async function go(url, options) {
    const response = await fetch(url, {credentials: 'same-origin', ...options});
    const html = await response.text();
    const next = new DOMParser().parseFromString(html, 'text/html').getElementById('vue');
    if (!next) { location.assign(response.url); return; }
    document.getElementById('vue').replaceWith(document.adoptNode(next));
    document.title = new DOMParser().parseFromString(html, 'text/html').title;
    history.pushState({}, '', response.url);
    draw();
  }
  if (single) {
    document.addEventListener('submit', (e) => {
      const form = e.target; e.preventDefault();
      const data = new URLSearchParams(new FormData(form));
      if ((form.method || 'get').toLowerCase() === 'get') go(form.action.split('?')[0] + '?' + data);
      else go(form.action, {method: 'POST', body: data});
    });
    document.addEventListener('click', (e) => {
      const a = e.target.closest('a[href^="/fr/"]');
      if (!a || a.dataset.envoi !== undefined) return;
      e.preventDefault(); go(a.getAttribute('href'));
    });
    addEventListener('popstate', () => go(location.pathname));
  }
  draw();
})();
"""


class Screens:
    """The login screens of one shape."""

    def __init__(self, shape: Shape, csrf: str, cookies_seen: bool):
        self.shape, self.csrf, self.cookies_seen = shape, csrf, cookies_seen

    # the page around every screen --------------------------------------------------
    def page(
        self, title: str, content: str, *, messages=(), modal: bool = False, late: tuple[str, str] | None = None
    ) -> str:
        """`messages`: (kind, text) pairs, kind « error » or « info »; `late`: the announcement and
        the code boxes, drawn in two beats after the rest."""
        shown, toasts = self._messages(messages)
        templates = f'<template id="ecran">{shown}{content}</template>'
        if late is not None:
            templates += f'<template id="annonce">{late[0]}</template><template id="cases">{late[1]}</template>'
        config = {
            "delay": round(self.shape.delay * 1000),
            "toasts": toasts,
            "late": round(self.shape.late * 1000) if late is not None else None,
        }
        config_json = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
        overlays = ""
        if self.shape.cookies == "yes" and not self.cookies_seen:
            overlays += (
                '<div class="cookie-banner" id="bandeau-cookies"><p>Ce site utilise des cookies pour '
                'mesurer son audience.</p><button type="button">Accepter</button> '
                '<button type="button">Refuser</button></div>'
            )
        if modal and self.shape.modal == "yes":
            overlays += (
                '<div class="voile"><div class="modal-content" role="dialog" aria-modal="true">'
                "<h2>Information</h2><p>Depuis juillet 2025, la connexion se fait par un code reçu par "
                'SMS (OTP) ou par l\'identité numérique (e-ID).</p><button type="button">Fermer</button>'
                "</div></div>"
            )
        return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{escape(title)} - Damancom</title>
<style>{STYLE}{EXTRA_STYLE}</style></head>
<body data-pages="{self.shape.pages}"><header><strong>CNSS · Damancom</strong><span>Portail des affiliés</span></header>
<div class="banner">Bac à sable : simulation locale du portail Damancom, aucune donnée réelle.</div>
<div id="vue"><main id="app"></main>{templates}
<script type="application/json" id="config">{config_json}</script></div>
<div class="toasts" aria-live="polite"></div>{overlays}
<script>{_SCRIPT}</script></body></html>"""

    def _messages(self, messages) -> tuple[str, list]:
        html, toasts = "", []
        for kind, text in messages:
            if self.shape.messages == "toast":
                toasts.append([kind, text])
            else:
                html += self.message(kind, text)
        return html, toasts

    def message(self, kind: str, text: str) -> str:
        style, text = self.shape.messages, escape(text)
        if style == "alert":  # Bootstrap's habit: role=alert on every alert, reassuring ones included
            return f'<div class="alert alert-{"danger" if kind == "error" else "info"}" role="alert">{text}</div>'
        if style == "inline":
            return f'<div class="{"invalid-feedback" if kind == "error" else "form-text"}">{text}</div>'
        if style == "toast":
            return f'<div class="toast toast-{kind}" role="status">{text}</div>'
        return f"<p>{text}</p>"

    # controls ------------------------------------------------------------------------
    def button(self, words: str, *, primary: bool = True) -> str:
        """The form's submit, as the shape draws buttons."""
        css = "btn btn-primary" if primary else "btn secondaire"
        if self.shape.buttons == "link":
            return f'<a href="#" class="{css}" data-envoi>{escape(words)}</a>'
        if self.shape.buttons == "input":
            return f'<input type="submit" class="{css}" value="{escape(words)}">'
        return f'<button type="submit" class="{css}">{escape(words)}</button>'

    def field(self, name: str, kind: str, words: str, attrs: str = "") -> str:
        """A text field, found by its label, placeholder (capitals or not), aria-label or nothing."""
        style = self.shape.fields
        base = f'<input id="{name}" name="{name}" type="{kind}" {attrs}'.rstrip()
        if style == "label":
            return f'<label for="{name}">{escape(words)}</label>{base}>'
        if style == "placeholder":
            return f'{base} placeholder="{escape(words)}"><br>'
        if style == "caps":
            return f'{base} placeholder="{escape(words.upper())}"><br>'
        if style == "aria":
            return f'{base} aria-label="{escape(words)}"><br>'
        return f"{base}><br>"

    def form(self, action: str, inner: str, method: str = "post") -> str:
        token = f'<input type="hidden" name="_csrf" value="{escape(self.csrf)}">' if method == "post" else ""
        return f'<form method="{method}" action="{action}" autocomplete="off">{token}{inner}</form>'

    # screens -------------------------------------------------------------------------
    def home(self, flash: str | None) -> str:
        messages = [("info", flash)] if flash else []
        if self.shape.entry == "choice":
            return self.page(
                "Accueil", "<h1>Bienvenue sur Damancom</h1>" + self._choice(), messages=messages, modal=True
            )
        way_in = (
            f'<p><a class="btn btn-primary" href="/fr/authentification">{escape(self.shape.words)}</a></p>'
            if self.shape.entry == "link"
            else ""
        )
        return self.page(
            "Accueil",
            f"""<h1>Caisse Nationale de Sécurité Sociale</h1>
<nav class="public"><a href="/fr/actualites">Actualités</a><a href="/fr/assures">Espace assurés</a>
<a href="/fr/contact">Nous contacter</a><a href="/fr/authentification/oubli">Mot de passe oublié ?</a></nav>
<p>Damancom est le portail des employeurs affiliés à la CNSS : déclaration des salaires et télépaiement.</p>
{way_in}""",
            messages=messages,
            modal=True,
        )

    def choice(self, flash: str | None = None) -> str:
        return self.page(
            "Authentification",
            "<h1>Authentification</h1>" + self._choice(),
            messages=[("info", flash)] if flash else [],
            modal=self.shape.entry != "choice",
        )

    def _choice(self) -> str:
        otp, eid = "S'authentifier avec OTP", "S'authentifier avec e-ID"
        if self.shape.buttons == "link":
            return (
                f'<h2>Connexion à votre espace</h2><a class="btn btn-primary" href="/fr/authentification/otp">{otp}</a>'
                f'<a class="btn secondaire" href="/fr/authentification/eid">{eid}</a>'
            )
        pick = self.button(otp)
        other = f'<form method="get" action="/fr/authentification/eid">{self.button(eid, primary=False)}</form>'
        return (
            f'<h2>Connexion à votre espace</h2><form method="get" action="/fr/authentification/otp">{pick}</form>'
            + other
        )

    def identifier(self, error: str | None = None) -> str:
        field = self.field("identifiant", "text", "Identifiant")
        inner = f"{field}<div>{self.button('Suivant')}</div>"
        return self.page(
            "Authentification",
            "<h1>Authentification par OTP</h1><p>Saisissez votre identifiant : un "
            "code à 6 chiffres sera envoyé par SMS.</p>" + self.form("/fr/authentification/otp", inner),
            messages=[("error", error)] if error else [],
        )

    def password_alone(self, sent: str) -> str:
        inner = f"{self._password()}<div>{self.button('Suivant')}</div>"
        return self.page(
            "Mot de passe",
            "<h1>Mot de passe</h1>" + self.form("/fr/authentification/otp/motdepasse", inner),
            messages=[("info", sent)],
        )

    def code(self, sent: str, error: str | None = None) -> str:
        """The code's screen: one field or six boxes (maybe drawn late), the password unless it came before."""
        with_password = self.shape.password == "with-code"
        boxes = self._boxes() if self.shape.code != "one" else self._one_field()
        announce = self.message("info", sent)
        late = self.shape.code == "late"
        inner = (
            f'<div id="zone-annonce">{"" if late else announce}</div>'
            f"{self._password() if with_password else ''}"
            f'<div id="zone-code">{"" if late else boxes}</div><div>{self.button("Valider")}</div>'
        )
        return self.page(
            "Vérification",
            "<h1>Vérification</h1>" + self.form("/fr/authentification/otp/code", inner),
            messages=[("error", error)] if error else [],
            late=(announce, boxes) if late else None,
        )

    def _password(self) -> str:
        return self.field("motdepasse", "password", "Mot de passe")

    def _one_field(self) -> str:
        return self.field("code", "text", "Code reçu par SMS", 'inputmode="numeric" maxlength="6"')

    def _boxes(self) -> str:
        label = ' aria-label="Chiffre {} du code"' if self.shape.fields == "aria" else ""
        boxes = "".join(f'<input type="tel" maxlength="1" name="c{i}"{label.format(i)}>' for i in range(1, 7))
        return f'<div class="chiffres">{boxes}</div>'

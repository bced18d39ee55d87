// The sandbox portal as a single-page app: this script renders every screen into <main> and talks
// to /fr/api/ with fetch(). The document is never reloaded; each screen gets its URL by pushState.
// Screen texts live here (not in the API's JSON) so the « drift » fault rewrites them as well.
"use strict";
(() => {
  const TOAST_MS = __TOAST_MS__;
  const REQUEST_MS = 30000;
  const app = document.getElementById("app");
  const toasts = document.querySelector(".toasts");
  let csrf = document.querySelector('meta[name="csrf-token"]').content;
  let announcementSeen = false;
  let current = null;  // the path on screen
  let eidTimer = null;

  const ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
  const esc = (value) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
  const $ = (css) => app.querySelector(css);
  const setTitle = (text) => { document.title = text + " - Damancom"; };

  // toasts ---------------------------------------------------------------------------
  function toast(text, kind) {
    const item = document.createElement("div");
    item.className = "toast toast-" + (kind === "error" ? "error" : "info");
    item.setAttribute("role", "status");
    item.textContent = text;
    toasts.appendChild(item);
    setTimeout(() => item.remove(), TOAST_MS);
  }

  // the API ----------------------------------------------------------------------------
  // Returns {status, ok, data}, or null after a network failure or a 5xx (a toast said so).
  async function api(method, path, body, quiet) {
    const headers = {"Accept": "application/json", "X-CSRF-Token": csrf};
    const options = {method, headers, credentials: "same-origin", cache: "no-store"};
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const abort = new AbortController();
    options.signal = abort.signal;
    const timer = setTimeout(() => abort.abort(), REQUEST_MS);
    let response;
    let data = {};
    try {
      response = await fetch("/fr/api/" + path, options);
      try { data = await response.json(); } catch (e) { data = {}; }
    } catch (e) {
      if (!quiet) {
        toast(e.name === "AbortError"
          ? "Service momentanément indisponible : le serveur ne répond pas. Veuillez réessayer ultérieurement."
          : "Service momentanément indisponible : connexion au serveur impossible. Veuillez réessayer ultérieurement.",
          "error");
      }
      return null;
    } finally {
      clearTimeout(timer);
    }
    if (data.csrf) csrf = data.csrf;
    if (response.status >= 500) {
      if (!quiet) toast(data.erreur || "Service momentanément indisponible. Veuillez réessayer ultérieurement.", "error");
      return null;
    }
    return {status: response.status, ok: response.ok, data};
  }

  // Shows the reply's messages and goes where it says (replacing the URL when a load bounced).
  function follow(result, replace) {
    const data = result.data;
    if (data.info) toast(data.info, "info");
    if (data.erreur) toast(data.erreur, "error");
    if (data.suite) open(data.suite, {replace});
  }

  function busy(button, text) {
    button.dataset.label = button.innerHTML;
    button.disabled = true;
    if (text) button.innerHTML = '<span class="spinner" aria-hidden="true"></span>' + text;
  }

  function idle(button) {
    if (button.dataset.label !== undefined) button.innerHTML = button.dataset.label;
    button.disabled = false;
  }

  // routing ---------------------------------------------------------------------------
  async function open(path, options) {
    const opts = options || {};
    if (opts.replace) history.replaceState(null, "", path);
    else if (opts.push !== false && path !== location.pathname) history.pushState(null, "", path);
    current = path;
    stopEid();
    const data = opts.data;
    let match;
    if (path === "/fr/") return renderHome();
    if (path === "/fr/authentification/otp") return renderIdentifier();
    if (path === "/fr/authentification/otp/code") return data ? renderCode(data) : load("otp/code", renderCode);
    if (path === "/fr/authentification/eid") return startEid();
    if (path === "/fr/espace-affilie") return load("espace", renderInterface);
    if (path === "/fr/espace-groupe") return load("groupe", renderGroup);
    if ((match = path.match(/^\/fr\/declaration\/(\d{4}-\d{2})(\/confirmation|\/accuse)?$/))) {
      const [, period, step] = match;
      if (step === "/accuse") return data ? renderReceipt(data) : load(`declaration/${period}/accuse`, renderReceipt);
      const show = (d) => {
        if (step === "/confirmation" && d.en_attente) return renderConfirmation(d);
        if (step === "/confirmation") history.replaceState(null, "", current = `/fr/declaration/${period}`);
        return renderDeclaration(d);
      };
      return data ? show(data) : load(`declaration/${period}`, show);
    }
    return renderNotFound();
  }

  async function load(path, render) {
    const result = await api("GET", path);
    if (!result) return;
    if (!result.ok) return follow(result, true);
    render(result.data);
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-lien]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    open(link.getAttribute("href"));
  });

  window.addEventListener("popstate", () => {
    if (location.pathname !== current) open(location.pathname, {push: false});
  });

  // screens ---------------------------------------------------------------------------
  function renderHome() {
    setTitle("Accueil");
    app.innerHTML = `
<h1>Bienvenue sur Damancom</h1>
<p>Le portail de la CNSS pour la déclaration des salaires et le télépaiement des cotisations.</p>
<h2>Connexion à votre espace</h2>
<button type="button" class="btn" id="choix-otp">S'authentifier avec OTP</button>
<button type="button" class="btn secondaire" id="choix-eid">S'authentifier avec e-ID</button>`;
    $("#choix-otp").addEventListener("click", () => open("/fr/authentification/otp"));
    $("#choix-eid").addEventListener("click", () => open("/fr/authentification/eid"));
    if (!announcementSeen) showAnnouncement();
  }

  // A modal over the whole page on the first display of the home screen: clicks go nowhere else.
  function showAnnouncement() {
    announcementSeen = true;
    const overlay = document.createElement("div");
    overlay.className = "voile";
    overlay.innerHTML = `
<div class="annonce" role="dialog" aria-modal="true" aria-labelledby="annonce-titre">
<button type="button" class="fermer" aria-label="Fermer">×</button>
<h2 id="annonce-titre">Information importante</h2>
<p>Information importante : la déclaration des salaires du mois écoulé et le paiement des cotisations
doivent être faits avant le 10 de chaque mois ; passé ce délai, des majorations de retard s'appliquent.</p>
<p>La connexion se fait avec un code reçu par SMS (OTP) ou avec l'identité numérique (e-ID).</p>
<button type="button" class="btn" id="annonce-ok">J'ai compris</button>
</div>`;
    const close = () => {
      overlay.remove();
      document.removeEventListener("keydown", onEscape);
    };
    const onEscape = (event) => { if (event.key === "Escape") close(); };
    overlay.querySelector(".fermer").addEventListener("click", close);
    overlay.querySelector("#annonce-ok").addEventListener("click", close);
    document.addEventListener("keydown", onEscape);
    document.body.appendChild(overlay);
    overlay.querySelector("#annonce-ok").focus();
  }

  function renderIdentifier() {
    setTitle("Authentification");
    app.innerHTML = `
<h1>Authentification par OTP</h1>
<p>Saisissez votre identifiant : un code à 6 chiffres sera envoyé par SMS au numéro enregistré à la CNSS.</p>
<div><span class="legende">Identifiant</span>
<input name="identifiant" placeholder="Votre identifiant" autocomplete="username"></div>
<div><button type="button" id="envoyer" disabled>Continuer</button></div>`;
    const input = $("input");
    const send = $("#envoyer");
    input.addEventListener("input", () => { send.disabled = input.value.trim() === ""; });
    input.addEventListener("keydown", (event) => { if (event.key === "Enter" && !send.disabled) send.click(); });
    send.addEventListener("click", async () => {
      busy(send, "Envoi du code…");
      input.readOnly = true;
      const result = await api("POST", "otp", {identifiant: input.value});
      if (current !== "/fr/authentification/otp") return;
      input.readOnly = false;
      idle(send);
      if (!result) return;
      if (result.ok) return open(result.data.suite, {data: result.data});
      input.select();
      follow(result);
    });
    input.focus();
  }

  function renderCode(data) {
    setTitle("Code de vérification");
    const boxes = [1, 2, 3, 4, 5, 6].map((i) =>
      `<input class="chiffre" type="text" inputmode="numeric" maxlength="1" aria-label="Chiffre ${i} du code">`).join("");
    app.innerHTML = `
<h1>Vérification</h1>
<p>Un code à 6 chiffres a été envoyé par SMS au ${esc(data.telephone)}. Il est valable ${esc(data.validite_minutes)} minutes.</p>
<div><span class="legende">Code reçu par SMS</span><div class="chiffres">${boxes}</div></div>
<div><span class="legende">Mot de passe</span>
<input type="password" aria-label="Mot de passe" autocomplete="current-password"></div>
<div><button type="button" id="valider" disabled>Valider</button>
<button type="button" class="secondaire" id="renvoyer">Renvoyer le code</button></div>`;
    const digits = [...app.querySelectorAll(".chiffre")];
    const password = $('input[type="password"]');
    const submit = $("#valider");
    const resend = $("#renvoyer");
    const refresh = () => {
      submit.disabled = !(digits.every((box) => /^[0-9]$/.test(box.value)) && password.value !== "");
    };
    // Several digits at once (a paste, or a value set by a program): spread them over the boxes;
    // a whole code always starts at the first box.
    const spread = (text, from) => {
      const found = text.replace(/[^0-9]/g, "").split("");
      let i = found.length >= 6 ? 0 : from;
      for (const digit of found) {
        if (i > 5) break;
        digits[i++].value = digit;
      }
      digits[Math.min(i, 5)].focus();
      refresh();
    };
    digits.forEach((box, i) => {
      box.addEventListener("input", () => {
        const typed = box.value.replace(/[^0-9]/g, "");
        if (typed.length > 1) {
          box.value = "";
          return spread(typed, i);
        }
        box.value = typed;
        if (typed && i < 5) digits[i + 1].focus();
        refresh();
      });
      box.addEventListener("keydown", (event) => {
        if (event.key === "Backspace") {
          event.preventDefault();
          if (box.value) box.value = "";
          else if (i > 0) digits[i - 1].value = "";
          if (i > 0) digits[i - 1].focus();
          refresh();
        } else if (event.key === "ArrowLeft" && i > 0) {
          digits[i - 1].focus();
        } else if (event.key === "ArrowRight" && i < 5) {
          digits[i + 1].focus();
        } else if (event.key === "Enter" && !submit.disabled) {
          submit.click();
        }
      });
      box.addEventListener("paste", (event) => {
        event.preventDefault();
        spread((event.clipboardData || window.clipboardData).getData("text"), i);
      });
      box.addEventListener("focus", () => box.select());
    });
    password.addEventListener("input", refresh);
    password.addEventListener("keydown", (event) => { if (event.key === "Enter" && !submit.disabled) submit.click(); });
    submit.addEventListener("click", async () => {
      submit.disabled = true;
      const result = await api("POST", "otp/code", {code: digits.map((box) => box.value).join(""),
                                                    motdepasse: password.value});
      if (!result) return refresh();
      if (result.ok) return open(result.data.suite);
      if (result.data.champ === "code") {
        digits.forEach((box) => { box.value = ""; });
        digits[0].focus();
      } else if (result.data.champ === "motdepasse") {
        password.value = "";
        password.focus();
      }
      refresh();
      follow(result);
    });
    resend.addEventListener("click", async () => {
      busy(resend, "Envoi du code…");
      const result = await api("POST", "otp/renvoi");
      idle(resend);
      if (result) follow(result);
    });
    digits[0].focus();
  }

  async function startEid() {
    const result = await api("POST", "eid");
    if (!result) return;
    if (!result.ok) return follow(result, true);
    setTitle("Identité numérique");
    app.innerHTML = `
<h1>Authentification avec e-ID</h1>
<p>Ouvrez l'application « Identité Numérique » de la DGSN sur votre téléphone et scannez ce code QR,
puis approuvez la connexion.</p>
<figure><div role="img" aria-label="Code QR e-ID" id="qr-eid" data-challenge="${esc(result.data.challenge)}"
style="width:max-content;background:#fff;padding:8px">${result.data.qr}</div>
<figcaption>En attente de l'approbation sur votre téléphone…</figcaption></figure>
<a class="btn secondaire" href="/fr/" data-lien>Annuler</a>`;
    // Asks the portal every second whether the phone approved, like the classic page.
    const poll = async () => {
      const state = await api("GET", "eid/etat", undefined, true);
      if (eidTimer === null) return;
      const etat = state && state.ok ? state.data.etat : "en_attente";
      if (etat === "approuve") return open("/fr/espace-affilie");
      if (etat === "expire") {
        toast("La demande e-ID a expiré. Recommencez.", "error");
        return open("/fr/");
      }
      eidTimer = setTimeout(poll, 1000);
    };
    eidTimer = setTimeout(poll, 1000);
  }

  function stopEid() {
    if (eidTimer !== null) clearTimeout(eidTimer);
    eidTimer = null;
  }

  // A « compte groupe »: its affiliates, one « Choisir » each.
  function renderGroup(data) {
    setTitle("Espace groupe");
    const rows = data.affilies.map((a) =>
      `<tr><td>${esc(a.raison_sociale)}</td><td>${esc(a.affiliation)}</td>`
      + `<td><button type="button" class="choisir" data-affiliation="${esc(a.affiliation)}" `
      + `aria-label="Choisir ${esc(a.raison_sociale)} (${esc(a.affiliation)})">Choisir</button></td></tr>`).join("");
    app.innerHTML = `
<h1>Espace groupe</h1>
<p>Compte groupe : <strong id="groupe">${esc(data.groupe)}</strong></p>
<h2>Choix de l'affilié</h2>
<table><caption>Affiliés rattachés à ce compte</caption>
<thead><tr><th>Raison sociale</th><th>N° d'affiliation</th><th>Action</th></tr></thead><tbody>${rows}</tbody></table>
<div><button type="button" class="secondaire" id="deconnexion">Se déconnecter</button></div>`;
    app.querySelectorAll(".choisir").forEach((button) => button.addEventListener("click", async () => {
      busy(button);
      const result = await api("POST", "groupe/choisir", {affiliation: button.dataset.affiliation});
      idle(button);
      if (result) follow(result);
    }));
    $("#deconnexion").addEventListener("click", async () => {
      const result = await api("POST", "deconnexion");
      if (result) follow(result);
    });
  }

  function renderInterface(data) {
    setTitle("Espace affilié");
    const rows = data.periodes.map((p) => {
      const action = p.declaree && p.accuse ? "Accusé de réception" : (p.declaree ? "Consulter" : "Déclarer");
      return `<tr><td>${esc(p.affichage)}</td><td class="${p.declaree ? "etat-declaree" : "etat-a-declarer"}">`
        + `${p.declaree ? "Déclarée" : "À déclarer"}</td>`
        + `<td><a href="/fr/declaration/${esc(p.periode)}" data-lien>${action}</a></td></tr>`;
    }).join("");
    const payment = data.paiements.map((p) =>
      `<p>Période ${esc(p.affichage)} : montant dû ${esc(p.montant)} (non payé).</p>`).join("")
      || "<p>Aucun paiement en attente.</p>";
    const change = data.groupe ? ` · <a href="/fr/espace-groupe" data-lien>Changer d'affilié</a>` : "";
    app.innerHTML = `
<h1>Espace affilié</h1>
<p>Raison sociale : <strong id="raison-sociale">${esc(data.raison_sociale)}</strong><br>
N° d'affiliation : <strong id="affiliation">${esc(data.affiliation)}</strong></p>
<nav><a href="#declaration">Déclaration des salaires</a> · <a href="#telepaiement">Télépaiement</a>${change}</nav>
<h2 id="declaration">Déclaration des salaires</h2>
<table><caption>Périodes de déclaration</caption>
<thead><tr><th>Période</th><th>État</th><th>Action</th></tr></thead><tbody>${rows}</tbody></table>
<h2 id="telepaiement">Télépaiement</h2>${payment}
<div><button type="button" class="secondaire" id="deconnexion">Se déconnecter</button></div>`;
    $("#deconnexion").addEventListener("click", async () => {
      const result = await api("POST", "deconnexion");
      if (result) follow(result);
    });
  }

  function renderDeclaration(data) {
    setTitle("Déclaration des salaires");
    const shown = esc(data.affichage);
    const period = esc(data.periode);
    const body = data.declaree
      ? `<p>La période ${shown} est <strong>Déclarée</strong>.</p>`
        + `<a class="btn" href="/fr/declaration/${period}/accuse" data-lien>Accusé de réception</a>`
      : `<p>Période ${shown} : <strong>À déclarer</strong>.</p>
<p><a href="/fr/declaration/${period}/preetabli">Télécharger le préétabli</a></p>
<h2>Déposer un fichier</h2>
<label for="fichier">Fichier de déclaration (DS_…txt)</label>
<input id="fichier" name="fichier" type="file" accept=".txt">
<div><button type="button" id="deposer">Déposer le fichier</button></div>`;
    app.innerHTML = `<h1>Déclaration des salaires - ${shown}</h1>
<div class="alerte erreur refus" aria-live="polite"></div>${body}
<p><a href="/fr/espace-affilie" data-lien>Retour à l'espace affilié</a></p>`;
    const deposit = $("#deposer");
    if (!deposit) return;
    deposit.addEventListener("click", async () => {
      const form = new FormData();
      const file = $("#fichier").files[0];
      if (file) form.append("fichier", file);
      busy(deposit, "Envoi du fichier…");
      const result = await api("POST", `declaration/${data.periode}/depot`, form);
      idle(deposit);
      if (!result) return;
      if (result.ok) return open(result.data.suite, {data: result.data});
      const refusals = result.data.refus || [];
      $(".refus").innerHTML = refusals.length
        ? "Fichier refusé :<ul>" + refusals.map((r) => `<li>${esc(r)}</li>`).join("") + "</ul>" : "";
      if (refusals.length) {
        const more = refusals.length > 1 ? ` (et ${refusals.length - 1} autre(s) problème(s), voir la liste)` : "";
        toast(`Fichier refusé : ${refusals[0]}${more}`, "error");
        return;
      }
      follow(result);
    });
  }

  function renderConfirmation(data) {
    setTitle("Confirmation de la déclaration");
    const totals = data.en_attente;
    app.innerHTML = `
<h1>Confirmation de la déclaration - ${esc(data.affichage)}</h1>
<table><tbody>
<tr><th>Nombre de salariés</th><td id="nombre-salaries">${esc(totals.salaries)}</td></tr>
<tr><th>Total des salaires réels</th><td id="total-reel">${esc(totals.total_reel)}</td></tr>
<tr><th>Total des salaires plafonnés</th><td id="total-plafonne">${esc(totals.total_plafonne)}</td></tr>
<tr><th>Montant à payer</th><td id="montant">${esc(totals.montant)}</td></tr>
</tbody></table>
<div><button type="button" id="valider-declaration">Valider la déclaration</button></div>
<p><a href="/fr/declaration/${esc(data.periode)}" data-lien>Annuler</a></p>`;
    const confirm = $("#valider-declaration");
    confirm.addEventListener("click", async () => {
      busy(confirm);
      const result = await api("POST", `declaration/${data.periode}/valider`);
      idle(confirm);
      if (!result) return;
      if (result.ok) return open(result.data.suite, {data: result.data});
      follow(result);
    });
  }

  function renderReceipt(data) {
    setTitle("Accusé de réception");
    app.innerHTML = `
<h1>Accusé de réception</h1>
<p>Déclaration des salaires de la période ${esc(data.affichage)} - ${esc(data.raison_sociale)}
(n° d'affiliation ${esc(data.affiliation)}).</p>
<table><tbody>
<tr><th>Référence</th><td id="reference">${esc(data.reference)}</td></tr>
<tr><th>Date de dépôt</th><td id="date-depot">${esc(data.date_depot)}</td></tr>
<tr><th>Nombre de salariés</th><td>${esc(data.salaries)}</td></tr>
<tr><th>Total des salaires réels</th><td>${esc(data.total_reel)}</td></tr>
<tr><th>Total des salaires plafonnés</th><td>${esc(data.total_plafonne)}</td></tr>
<tr><th>Montant à payer</th><td>${esc(data.montant)}</td></tr>
</tbody></table>
<p><a href="/fr/declaration/${esc(data.periode)}/accuse.txt" download>Télécharger l'accusé de réception</a></p>
<p><a href="/fr/espace-affilie" data-lien>Retour à l'espace affilié</a></p>`;
  }

  function renderNotFound() {
    setTitle("Page introuvable");
    app.innerHTML = `<h1>Page introuvable</h1><p>Cette page n'existe pas.</p>
<a class="btn" href="/fr/" data-lien>Retour à l'accueil</a>`;
  }

  open(location.pathname, {push: false});
})();

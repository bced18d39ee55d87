/* Portail des employeurs – single-page application, no framework. */
(function () {
  "use strict";
  var vue = document.getElementById("vue");
  var contexte = { telephone: "" };

  function echapper(texte) {
    return String(texte).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function appel(methode, chemin, donnees) {
    var options = { method: methode, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (donnees !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(donnees);
    }
    return fetch("/api/v1/" + chemin, options).then(function (reponse) {
      return reponse.json().catch(function () { return {}; }).then(function (corps) {
        return { statut: reponse.status, corps: corps };
      });
    });
  }

  function afficher(html) { vue.innerHTML = html; }

  function activer(element, action) {
    element.addEventListener("click", action);
    element.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); action(e); }
    });
  }

  /* ---- screens ---------------------------------------------------------------------- */

  function ecranAccueil() {
    afficher(
      '<section class="carte"><h1>Bienvenue sur le portail des employeurs</h1>' +
      "<p>Déclarez vos salariés, consultez vos cotisations et effectuez vos paiements en ligne, " +
      "24 heures sur 24.</p>" +
      '<h2>Actualités</h2><ul><li>Rappel : la déclaration des salaires est à effectuer avant le 10 de chaque mois.</li>' +
      "<li>Nouveau : connexion sécurisée par code SMS ou Identité Numérique.</li></ul>" +
      '<p class="aide">Pour accéder à vos services, cliquez sur « Mon compte » en haut de la page.</p></section>'
    );
  }

  function ecranChoix() {
    appel("GET", "modes").then(function (r) {
      var tuiles = (r.corps.modes || []).map(function (m) {
        return '<div><div class="tuile" role="button" tabindex="0" data-mode="' + echapper(m.code) +
          '" aria-describedby="aide-' + echapper(m.code) + '">' + echapper(m.libelle) + "</div>" +
          '<p class="aide" id="aide-' + echapper(m.code) + '">' + echapper(m.aide) + "</p></div>";
      }).join("");
      afficher('<section class="carte"><h1>Accès à mon compte</h1>' +
        "<p>Choisissez votre mode d'authentification.</p>" +
        '<div class="tuiles">' + tuiles + "</div></section>");
      vue.querySelectorAll("[data-mode]").forEach(function (tuile) {
        activer(tuile, function () {
          if (tuile.getAttribute("data-mode") === "otp") { ecranIdentifiant(""); } else { ecranEid(); }
        });
      });
    });
  }

  function ecranEid() {
    afficher('<section class="carte"><h1>Identité Numérique</h1>' +
      "<p>Ouvrez l'application « Identité Numérique » sur votre téléphone et scannez ce code.</p>" +
      '<div style="width:160px;height:160px;background:repeating-linear-gradient(45deg,#000 0 6px,#fff 6px 12px)"></div>' +
      '<div class="lien" role="button" tabindex="0" id="retour">Retour</div></section>');
    activer(document.getElementById("retour"), ecranChoix);
  }

  function ecranIdentifiant(message) {
    afficher('<section class="carte"><h1>Authentification par code SMS</h1>' +
      (message ? '<div class="alerte">' + echapper(message) + "</div>" : "") +
      '<div class="legende">Identifiant</div>' +
      '<input type="text" id="champ-ident" aria-label="Identifiant de connexion" autocomplete="username" ' +
      'placeholder="Ex. : AB123456">' +
      '<p class="aide">Un code à 6 chiffres sera envoyé au numéro de téléphone enregistré auprès de la CNSS.</p>' +
      '<button type="button" class="btn" id="suivant" disabled>Suivant</button> ' +
      '<div class="lien" role="button" tabindex="0" id="retour">Retour</div></section>');
    var champ = document.getElementById("champ-ident");
    var bouton = document.getElementById("suivant");
    champ.addEventListener("input", function () { bouton.disabled = champ.value.trim() === ""; });
    champ.addEventListener("keydown", function (e) { if (e.key === "Enter" && !bouton.disabled) { envoyer(); } });
    bouton.addEventListener("click", envoyer);
    activer(document.getElementById("retour"), ecranChoix);

    function envoyer() {
      bouton.disabled = true;
      champ.readOnly = true;
      bouton.textContent = "Envoi du code en cours…";
      appel("POST", "otp/demande", { identifiant: champ.value }).then(function (r) {
        if (r.statut === 200) { contexte.telephone = r.corps.telephone; ecranCode(); }
        else { ecranIdentifiant(r.corps.message || "Service momentanément indisponible."); }
      });
    }
  }

  function ecranCode() {
    afficher('<section class="carte"><h1>Vérification</h1>' +
      "<p>Un code vous a été envoyé par SMS au " + echapper(contexte.telephone) +
      ". Saisissez-le avec votre mot de passe.</p>" +
      '<div class="legende">Code reçu par SMS</div>' +
      '<input type="tel" id="champ-code" aria-label="Code reçu par SMS" autocomplete="one-time-code" placeholder="••••••">' +
      '<div class="legende">Mot de passe</div>' +
      '<input type="password" id="champ-mdp" aria-label="Mot de passe" autocomplete="current-password">' +
      '<div><button type="button" class="btn" id="valider">Valider</button></div></section>');
    var bouton = document.getElementById("valider");
    bouton.addEventListener("click", function () {
      var code = document.getElementById("champ-code").value;
      var mdp = document.getElementById("champ-mdp");
      bouton.disabled = true;
      appel("POST", "otp/verification", { code: code, motDePasse: mdp.value }).then(function (r) {
        bouton.disabled = false;
        if (r.statut === 200) { ecranEspace(); return; }
        if (r.corps.etape === "identifiant") { ecranIdentifiant(r.corps.message); return; }
        var ancien = vue.querySelector(".err");
        if (ancien) { ancien.remove(); }
        var erreur = document.createElement("p");
        erreur.className = "err";
        erreur.textContent = "Code ou mot de passe incorrect.";
        bouton.insertAdjacentElement("afterend", erreur);
        mdp.value = "";
      });
    });
  }

  function ecranEspace() {
    appel("GET", "espace").then(function (r) {
      if (r.statut !== 200) { ecranAccueil(); return; }
      var lignes = r.corps.periodes.map(function (p) {
        return "<tr><td>" + echapper(p.periode) + "</td><td>" + echapper(p.etat) + "</td></tr>";
      }).join("");
      afficher('<div class="bandeau-affilie"><div><strong>' + echapper(r.corps.raisonSociale) +
        "</strong> – N° d'affiliation " + echapper(r.corps.numeroAffiliation) + "</div>" +
        '<div class="lien" role="button" tabindex="0" id="deconnexion">Se déconnecter</div></div>' +
        '<div class="espace"><nav class="menu-lateral" aria-label="Menu de l\'espace affilié">' +
        '<a href="#" data-menu="ds">Déclaration des salaires</a><a href="#" data-menu="tp">Télépaiement</a>' +
        '<a href="#" data-menu="at">Attestations</a></nav>' +
        '<section class="carte" style="flex:1"><h1>Espace affilié</h1><h2>Situation des déclarations</h2>' +
        "<table><thead><tr><th>Période</th><th>État</th></tr></thead><tbody>" + lignes +
        "</tbody></table></section></div>");
      activer(document.getElementById("deconnexion"), function () {
        appel("POST", "deconnexion").then(ecranAccueil);
      });
      vue.querySelectorAll("[data-menu]").forEach(function (lien) {
        lien.addEventListener("click", function (e) { e.preventDefault(); });
      });
    });
  }

  /* ---- navigation, consent, start --------------------------------------------------- */

  document.querySelectorAll("[data-lien]").forEach(function (lien) {
    lien.addEventListener("click", function (e) {
      e.preventDefault();
      if (lien.getAttribute("data-lien") === "compte") {
        appel("GET", "session").then(function (r) { if (r.corps.connecte) { ecranEspace(); } else { ecranChoix(); } });
      } else {
        ecranAccueil();
      }
    });
  });

  var voile = document.getElementById("consentement");
  if (!window.localStorage.getItem("cnss-consentement")) { voile.hidden = false; }
  voile.querySelectorAll("[data-consentement]").forEach(function (bouton) {
    bouton.addEventListener("click", function () {
      window.localStorage.setItem("cnss-consentement", bouton.getAttribute("data-consentement"));
      voile.hidden = true;
    });
  });

  appel("GET", "session").then(function (r) { if (r.corps.connecte) { ecranEspace(); } else { ecranAccueil(); } });
})();

"""What the login flow asks of the person: be ready, hand over the code, approve the e-ID."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from loguru import logger

from bot.errors import CodeNotProvided, PersonDeclined
from bot.handover.base import Channel
from bot.handover.code import duration_fr
from bot.handover.mailbox import (
    ANSWER,
    CLOSED,
    CODE,
    NOT_NOW,
    READY,
    RESEND,
    STOP,
    Mailbox,
    channel_fr,
)
from bot.output.notify import Notifier
from bot.system import clock


class HandOver:
    def __init__(
        self,
        mailbox: Mailbox,
        channels: list[Channel],
        *,
        account: str,
        code_wait: float,
        ready_wait: float = 900,
        unattended: bool = False,
        assisted: bool = False,
        notifier: Notifier | None = None,
        say: Callable[[str], None] = lambda text: None,
        local_url: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.mailbox, self.channels = mailbox, channels
        self.account, self.code_wait, self.ready_wait = account, code_wait, ready_wait
        self.unattended, self.assisted = unattended, assisted
        self.notifier = notifier or Notifier([])
        self.say, self.local_url, self.clock = say, local_url, clock
        self.sms_at: float | None = None
        self.resent = False
        self._cutoff = 0  # deliveries up to this mark answered nothing the portal still accepts
        self._tried: set[str] = set()  # codes already given to the portal: never a second try for one code
        self.code_via = ""  # the channel that handed the last code over (« terminal », « telegram »…)
        self._prompt_hint: str | None = None  # the terminal's prompt, until the code screen shows
        if assisted:  # the browser window is a channel too: the person may type there
            mailbox.channel_opened("navigateur")

    # how to answer, in words -------------------------------------------------------
    def _ways(self) -> str:
        ways = [f"« damancom-bot otp CODE --account {self.account} » dans un terminal"]
        if self.local_url:
            ways.append(f"la page {self.local_url}")
        ways += [c.answer_way for c in self.channels if c.answer_way]
        return " ou ".join(ways)

    @staticmethod
    def _until(seconds: float) -> str:
        """A time a person reads: Morocco's (the portal's), whatever the machine's zone."""
        return clock.until(seconds)

    # the ready gate ------------------------------------------------------------------
    def before_sms(self) -> None:
        """Unattended runs ask first: no SMS is sent unless a person says they are there."""
        self._cutoff = self.mailbox.mark()
        if not self.unattended:
            return
        for channel in self.channels:
            channel.open("ready")
        how = f"« damancom-bot ready --account {self.account} »"
        if self.local_url:
            how += f" ou le bouton « Je suis prêt » de la page {self.local_url}"
        self.notifier.send(
            "Damancom : prêt pour la connexion ?",
            f"Le bot va se connecter à Damancom pour le compte {self.account} ; le portail enverra alors un code "
            f"par SMS. Quand vous avez votre téléphone, confirmez avec {how}. Sans réponse avant "
            f"{self._until(self.ready_wait)}, aucun SMS ne sera demandé.",
        )
        self.say(f"En attente de votre confirmation ({how}).")
        delivery = self.mailbox.take({READY, NOT_NOW, STOP}, timeout=self.ready_wait)
        if delivery is None or delivery.kind == CLOSED:
            raise CodeNotProvided(
                f"Personne n'a confirmé sa présence dans le délai ({duration_fr(self.ready_wait)}) : aucun SMS "
                "n'a été demandé. Le bot réessaiera plus tard."
            )
        if delivery.kind == NOT_NOW:
            raise PersonDeclined(
                "Vous avez répondu « Pas maintenant » : aucun SMS n'a été demandé. Le bot "
                "réessaiera au prochain créneau.",
                reason="not_now",
            )
        if delivery.kind == STOP:
            raise PersonDeclined(
                "Vous avez demandé d'arrêter : aucun SMS n'a été demandé et le bot ne réessaiera "
                "plus pour cette période. Faites la déclaration vous-même.",
                reason="stop",
            )
        logger.info("Présence confirmée : {}.", channel_fr(delivery.via))
        self._cutoff = self.mailbox.mark()

    # the code --------------------------------------------------------------------------
    def sms_sent(self) -> None:
        self.sms_at = self.clock()
        self.mailbox.discard(CODE, self._cutoff)  # anything typed before the identifier went out answered nothing
        if any(c.automatic for c in self.channels):
            hint = "Code demandé : le téléphone simulé du bac à sable le transmet automatiquement."
        elif self.assisted:
            hint = (
                "Saisissez le code (et le mot de passe s'il manque) dans la fenêtre du navigateur ; "
                f"vous pouvez aussi utiliser {self._ways()}."
            )
        elif any(c.prints_own_prompt for c in self.channels):
            hint = f"Code demandé : saisissez-le ci-dessous, ou utilisez {self._ways()}."
        else:
            hint = f"Code demandé : donnez-le avec {self._ways()}."
        # The terminal's prompt waits for the code screen (`_prompt`): printed now, it would come above
        # the SMS it asks about (the sandbox's phone prints it once the portal has sent it).
        self._prompt_hint = hint
        for channel in self.channels:
            if not channel.prints_own_prompt:
                channel.open("code", hint)
        if not any(c.prints_own_prompt for c in self.channels):  # the terminal prints it with its prompt
            self.say(hint)
        self.notifier.send(
            "Damancom : code SMS envoyé",
            f"Le portail vient d'envoyer un code par SMS au téléphone du compte {self.account}. Donnez-le au bot "
            f"avec {self._ways()}. Il faut le donner avant {self._until(self.code_wait)}.",
        )

    def _prompt(self) -> None:
        """The terminal asks for the code once the portal shows its code screen (the SMS has gone)."""
        if self._prompt_hint is None:
            return
        for channel in self.channels:
            if channel.prints_own_prompt:
                channel.open("code", self._prompt_hint)
        self._prompt_hint = None

    def code_screen_shown(self, phone: str | None) -> None:
        """The code screen is on display; `phone` is the masked number it names, when it does."""
        self._prompt()
        if phone:
            logger.info("Le portail indique avoir envoyé le code au {}.", phone)
            for channel in self.channels:
                if channel.knows_phone:
                    channel.phone_known(phone)

    def code(self, screen, *, again: bool = False) -> str | None:
        """The next code from whichever channel answers first, or what the person did in the page
        (a flows.code_password.PersonDid) in headed, assisted runs."""
        self._prompt()
        if again:
            for channel in self.channels:
                channel.refused()
        while True:
            remaining = self.sms_at + self.code_wait - self.clock()
            if remaining <= 0:
                raise CodeNotProvided(
                    f"Aucun code reçu dans le délai ({duration_fr(self.code_wait)} après l'envoi du SMS). "
                    "Relancez la connexion quand vous aurez votre téléphone à portée de main."
                )
            delivery = self.mailbox.take({CODE, RESEND}, timeout=0 if self.assisted else remaining)
            if delivery is None and self.assisted:
                watched = screen.watch_person(min(1.0, remaining))
                if watched is not None:
                    return watched
                continue
            if delivery is None:
                continue
            if delivery.kind == CLOSED:
                raise CodeNotProvided(
                    "L'entrée s'est fermée sans code. Relancez la commande et saisissez le code reçu par SMS."
                )
            if delivery.kind == RESEND:
                self._resend(screen, delivery.seq)
                continue
            if delivery.value in self._tried:  # the same code twice (a reload, two channels): one try only
                logger.info("Code déjà essayé, de nouveau reçu ({}) : ignoré.", channel_fr(delivery.via))
                self.say("Ce code a déjà été essayé : donnez le nouveau code reçu par SMS.")
                continue
            self._tried.add(delivery.value)
            self.code_via = delivery.via  # the channel's name, for the report
            logger.info("Code reçu : {}.", channel_fr(delivery.via))
            return delivery.value

    def _resend(self, screen, requested_at: int) -> None:
        if self.resent:
            self.say("Le code a déjà été renvoyé une fois pour cette connexion : attendez le SMS.")
            return
        if not screen.resend():
            self.say("Le portail ne propose pas de renvoyer le code.")
            return
        self.resent = True
        self.sms_at = self.clock()
        self.mailbox.discard(CODE, requested_at)  # codes typed after asking for a new one are for the new SMS
        for channel in self.channels:
            channel.open("code", "Un nouveau code a été demandé au portail.")
        logger.info("Nouveau code demandé au portail (renvoi).")

    # a question the portal asks (captcha) ------------------------------------------------
    def question(
        self, picture: Path | None, prompt: str, typed_in_page: Callable[[float], str | None] | None = None
    ) -> str:
        """The person answers what the screen asks (its screenshot goes to every channel); in a
        visible browser they may also type it in the page itself. Never guessed by the bot."""
        hint = (
            f"Le portail pose une question avant d'envoyer le SMS : « {prompt} ». Regardez la capture "
            f"{picture} et répondez avec « damancom-bot answer TEXTE --account {self.account} »"
            + (f" ou sur la page {self.local_url}" if self.local_url else "")
            + (" ou dans la fenêtre du navigateur" if self.assisted else "")
            + "."
        )
        for channel in self.channels:
            channel.open("question", hint, picture if channel.shows_pictures else None)
        if not any(c.prints_own_prompt for c in self.channels):
            self.say(hint)
        self.notifier.send("Damancom : question du portail", hint, attach=picture)
        watch = typed_in_page if self.assisted else None
        until = self.clock() + self.code_wait
        while (remaining := until - self.clock()) > 0:
            delivery = self.mailbox.take({ANSWER}, timeout=0 if watch else remaining)
            if delivery is None and watch is not None:
                typed = watch(min(1.0, remaining))
                if typed:
                    logger.info("Réponse à la question saisie dans la fenêtre du navigateur.")
                    return typed
                continue
            if delivery is None:
                continue
            if delivery.kind == CLOSED:
                break
            logger.info("Réponse à la question du portail reçue : {}.", channel_fr(delivery.via))
            return delivery.value
        raise CodeNotProvided(
            f"Personne n'a répondu à la question du portail dans le délai ({duration_fr(self.code_wait)}) : aucun SMS "
            "n'a été demandé. Relancez la connexion quand vous pourrez répondre."
        )

    # the final click -------------------------------------------------------------------
    def confirm(self, totals: str) -> bool:
        """Attended runs, once the portal shows the totals: « Confirmer le dépôt ? » on the terminal.
        Only « oui » files; anything else, no answer in time, or no terminal to answer on, does not."""
        terminal = next((c for c in self.channels if c.asks_confirmation), None)
        if terminal is None or not terminal.can_read():
            self.say(
                "Personne ne peut confirmer le dépôt dans ce terminal : rien n'est validé. "
                "Relancez avec --sans-confirmation pour déposer sans question."
            )
            return False
        self.say(totals)
        terminal.open("confirm")
        until = self.clock() + self.code_wait
        while (remaining := until - self.clock()) > 0:
            delivery = self.mailbox.take({ANSWER}, timeout=remaining)
            if delivery is None:
                continue
            if delivery.kind == CLOSED:
                return False
            return delivery.value.strip().lower() in ("oui", "o")
        return False

    # e-ID ------------------------------------------------------------------------------
    def eid_waiting(self, qr: Path | None) -> None:
        text = (
            "Le portail attend votre approbation dans l'application « Identité Numérique » : ouvrez-la et "
            "scannez le code QR" + (f" (image jointe, aussi dans {qr})" if qr else "") + "."
        )
        self.say(text)
        self.notifier.send("Damancom : approuvez la connexion e-ID", text, attach=qr)

    def close(self) -> None:
        for channel in self.channels:
            channel.close()

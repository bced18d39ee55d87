"""The portal's map, like woob's `browser.py`: every screen, and which screens may follow which action.

The screens recognise themselves and act; the flows (`flows/login.py`, `flows/filing.py`) take their
tables from here; the engine (`flows/engine/`) waits for what a table says. Two kinds of entries
stand apart from the tables because they may show after any action: the pages shown instead of a
screen when the portal cannot serve (the run ends as unavailable), and the overlays laid over a
screen (cookie banner, announcement modal: closed, then the screen under them looked at again).
"""

from __future__ import annotations

from flows.code_password import CodePasswordScreen
from flows.declaration import ConfirmationScreen, DeclarationScreen, ReceiptScreen
from flows.eid import EidScreen
from flows.engine.context import Anywhere
from flows.engine.screen import Screen
from flows.group import GroupScreen
from flows.home import EntryScreen, HomeScreen
from flows.identifier import IdentifierScreen
from flows.interface import InterfaceScreen, LeftSpaceScreen
from flows.password import CodeAloneScreen, PasswordScreen
from flows.portal import answer_refused
from flows.question import QuestionScreen
from flows.unavailable import RefusalPage, UnavailableScreen

# Every screen, in the order the portal shows them.
SCREENS: dict[str, type[Screen]] = {
    "accueil": HomeScreen,
    "entree": EntryScreen,
    "identifiant": IdentifierScreen,
    "question": QuestionScreen,
    "code-et-mot-de-passe": CodePasswordScreen,
    "mot-de-passe": PasswordScreen,
    "code-seul": CodeAloneScreen,
    "e-id": EidScreen,
    "espace-groupe": GroupScreen,  # a « compte groupe »: its affiliates listed, one to choose
    "espace-affilie": InterfaceScreen,
    "declaration": DeclarationScreen,
    "confirmation": ConfirmationScreen,
    "accuse": ReceiptScreen,
    "espace-quitte": LeftSpaceScreen,  # after the logout, a public page offering no way in
    # shown instead of any screen
    "portail-indisponible": UnavailableScreen,
    "page-de-refus": RefusalPage,
}

# After any action, whatever the table expects (looked at by every step, after the expected screens).
ANYWHERE = Anywhere(
    down=(UnavailableScreen,),  # the portal says it is down: the run ends as « portail indisponible »
    overlays="interstitials",  # selectors/interstitials.yaml: cookie banners, announcement modals
    refused=answer_refused,  # a refusal page answered to a background request (selectors/refusal.yaml)
)

SPACES = (InterfaceScreen, GroupScreen)  # where a login may land: an affiliate's space, or a group's list

# login (OTP and e-ID), logout: which screens may follow which action
AFTER_OPEN = (HomeScreen, EntryScreen)
AFTER_ENTRY = (HomeScreen,)
AFTER_KNOWN_ADDRESS = (HomeScreen,)
AFTER_OTP_CHOICE = (IdentifierScreen,)
AFTER_EID_CHOICE = (EidScreen, *SPACES)  # approved on the phone before the QR was even seen
AFTER_IDENTIFIER = (CodePasswordScreen, PasswordScreen, IdentifierScreen)
AFTER_PASSWORD = (CodeAloneScreen, PasswordScreen)  # the password on a screen of its own, then the code
AFTER_VALIDER = (*SPACES, CodePasswordScreen, CodeAloneScreen, IdentifierScreen, HomeScreen)
AFTER_RESEND = (CodePasswordScreen,)
AFTER_EID_APPROVAL = (*SPACES, HomeScreen)
AFTER_LOGOUT = (HomeScreen, EntryScreen, LeftSpaceScreen)

# a « compte groupe »: its list of affiliates ⇄ an affiliate's space (home: the session expired)
AFTER_AFFILIATE_CHOICE = (InterfaceScreen, HomeScreen)
AFTER_CHANGE_AFFILIATE = (GroupScreen, HomeScreen)

# filing, once logged in
AFTER_PERIOD_LINK = (DeclarationScreen,)
AFTER_UPLOAD = (ConfirmationScreen, DeclarationScreen)
AFTER_VALIDATE = (ReceiptScreen,)
AFTER_RECEIPT_LINK = (ReceiptScreen,)
AFTER_LOOKING_AGAIN = (ReceiptScreen, DeclarationScreen)

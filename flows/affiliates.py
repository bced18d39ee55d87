"""A « compte groupe »: the two moves between its list of affiliates and an affiliate's space
(their tables in flows/portal_map.py).

group list ─« Choisir » (affiliate n°)→ interface (or home: the session expired)
interface ─« Changer d'affilié »→ group list (or home: the session expired)
"""

from __future__ import annotations

from bot.errors import ConfigError, SessionLost
from flows.engine.context import FlowContext
from flows.engine.screen import Screen
from flows.engine.step import go
from flows.group import GroupScreen
from flows.home import HomeScreen
from flows.interface import InterfaceScreen
from flows.portal_map import AFTER_AFFILIATE_CHOICE, AFTER_CHANGE_AFFILIATE


def choose(ctx: FlowContext, group: GroupScreen, affiliation: str) -> InterfaceScreen:
    """The affiliate's own space; SessionLost when the portal sent the person home meanwhile."""
    screen = go(
        ctx, lambda: group.choose(affiliation), group, AFTER_AFFILIATE_CHOICE, f"le choix de l'affilié {affiliation}"
    )
    _not_home(ctx, screen)
    screen.shot("espace-affilie")
    return screen


def back_to_list(ctx: FlowContext, current: Screen | None, list_url: str = "") -> GroupScreen:
    """« Changer d'affilié » when the page offers it (or the group's list itself, as it is); else
    the list's own address, as it was when the list was on screen (a receipt page has no such link)."""
    group = GroupScreen(ctx)
    if group.is_here():
        return group
    control = group.change_control()
    if control is None and not list_url:
        raise group.unexpected("aucun lien pour revenir à la liste des affiliés (« Changer d'affilié »)")
    if control is None:
        action, what = (lambda: ctx.page.goto(list_url, wait_until="commit")), "l'adresse de la liste des affiliés"
    else:
        action, what = (lambda: group.press(control, control, "Changer d'affilié")), "« Changer d'affilié »"
    screen = go(ctx, action, current, AFTER_CHANGE_AFFILIATE, what)
    _not_home(ctx, screen)
    return screen


def _not_home(ctx: FlowContext, screen: Screen) -> None:
    if isinstance(screen, HomeScreen):
        said = ctx.messages.said().text or screen.error_text() or "retour à l'accueil"
        raise SessionLost(f"« {said} »", screenshot=screen.shot("session-perdue"))


def arrive(ctx: FlowContext, space: Screen, affiliation: str, *, keep_list: bool = False) -> Screen:
    """After login: an affiliate's space as it is; a group's list, the affiliate `affiliation`
    chosen in it (or the list itself when `keep_list`: the group's run walks it, bot/run/group.py)."""
    if not isinstance(space, GroupScreen) or keep_list:
        return space
    if not affiliation:
        listed = ", ".join(f"{a.employer} ({a.affiliation})" for a in space.affiliates()[:10]) or "aucun"
        raise ConfigError(
            "Cet identifiant est celui d'un compte groupe : son espace liste plusieurs affiliés "
            f"({listed}). Dans le fichier des comptes, décrivez le groupe dans une table [groups.NOM] et "
            'chaque employeur dans [accounts.NOM] avec group = "NOM" et affiliation = "…" (voir le README, '
            "« Compte groupe »)."
        )
    return choose(ctx, space, affiliation)

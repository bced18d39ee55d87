"""A « compte groupe » on both sandbox styles: its list recognised, an affiliate picked by its number,
its own space, back to the list, the other one; an expired session between two is said as such."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError, SessionLost
from flows import affiliates
from flows.group import Affiliate, GroupScreen
from flows.interface import InterfaceScreen
from flows.login import login
from tests.conftest import STYLES, outbox_person

pytestmark = pytest.mark.parametrize("style", STYLES)

GROUP = "FIDUCIAIRE-GROUPE"


def group_login(flow, sandbox, portal):
    account = portal.accounts[GROUP]
    return login(flow, sandbox.url, account.identifier, account.password, outbox_person(sandbox, GROUP))


def test_group_list_then_each_affiliate_in_turn(flow, sandbox, portal):
    space = group_login(flow, sandbox, portal)
    assert isinstance(space, GroupScreen) and not InterfaceScreen(flow).is_here()
    assert space.affiliates() == [
        Affiliate("Pharmacie Al Amal", "1234567"),
        Affiliate("Fiduciaire Atlas SARL", "7654321"),
    ]
    assert space.group_name() == "Cabinet Comptable Atlas"
    seen = []
    for number in ("7654321", "1234567"):
        interface = affiliates.choose(flow, affiliates.back_to_list(flow, InterfaceScreen(flow)), number)
        assert isinstance(interface, InterfaceScreen) and not GroupScreen(flow).is_here()
        seen.append(interface.summary().affiliation)
    assert seen == ["7654321", "1234567"]
    assert len(sandbox.outbox.all()) == 1  # one login, one SMS


def test_session_expired_before_a_choice_is_session_lost(flow, sandbox, portal):
    space = group_login(flow, sandbox, portal)
    portal.choice_listeners.append(lambda login, number: portal.expire(login))
    with pytest.raises(SessionLost):
        affiliates.choose(flow, space, "1234567")


def test_a_group_login_without_an_affiliation_is_told_how_to_say_it(flow, sandbox, portal):
    space = group_login(flow, sandbox, portal)
    with pytest.raises(ConfigError, match=r"compte groupe.*Pharmacie Al Amal \(1234567\)"):
        affiliates.arrive(flow, space, "")
    assert isinstance(affiliates.arrive(flow, space, "1234567"), InterfaceScreen)

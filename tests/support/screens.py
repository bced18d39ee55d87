"""Reaching a screen of the sandbox through the login flow's own steps."""

from __future__ import annotations

from flows import portal_map as flow_table
from flows.code_password import CodePasswordScreen
from flows.engine.step import go
from flows.identifier import IdentifierScreen
from flows.portal import open_portal


def to_identifier(flow, sandbox) -> IdentifierScreen:
    home = open_portal(flow, sandbox.url, flow_table.AFTER_OPEN)
    return go(flow, home.choose_otp, home, flow_table.AFTER_OTP_CHOICE, "OTP")


def to_code(flow, sandbox, identifier: str) -> CodePasswordScreen:
    screen = to_identifier(flow, sandbox)
    screen.fill_identifier(identifier)
    return go(flow, screen.send, screen, flow_table.AFTER_IDENTIFIER, "identifiant")

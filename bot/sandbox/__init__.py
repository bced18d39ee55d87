"""A faithful local simulation of the Damancom portal's screens (French), for demos and tests."""

from bot.sandbox.server import Sandbox
from bot.sandbox.state import Portal, load_accounts

__all__ = ["Sandbox", "Portal", "load_accounts"]

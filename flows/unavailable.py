"""The portal's "down / overloaded / maintenance" pages: recognised so the run ends as unavailable."""

from __future__ import annotations

from flows.screen import Screen


class UnavailableScreen(Screen):
    name = "unavailable"

    def text(self) -> str:
        return " ".join(self.find("notice").inner_text().split())

"""The declaration screens of one period: upload, confirmation, receipt."""

from __future__ import annotations

import re
from pathlib import Path

from bot.output.redact import scrub
from flows.engine.screen import Screen


def amount(text: str) -> int:
    """« 12 700,50 MAD » → 1270050 centimes."""
    digits = re.sub(r"[^\d,.]", "", text).replace(".", ",")
    whole, _, cents = digits.partition(",")
    return int(whole or 0) * 100 + int((cents + "00")[:2])


class DeclarationScreen(Screen):
    name = "declaration"

    def is_declared(self) -> bool:
        return self.find_optional("declared") is not None

    def download_preetabli(self, folder: Path) -> Path:
        with self.page.expect_download() as info:
            self.find("preetabli").click()
        download = info.value
        target = folder / (download.suggested_filename or "preetabli.txt")
        download.save_as(str(target))
        return target

    def choose_file(self, path: Path) -> None:
        self.find("file").set_input_files(str(path))
        self.shot("fichier-choisi")

    def send_file(self) -> None:
        self.press(self.find_optional("upload"), self.find("file"), "Déposer")

    def refusal(self) -> str:
        errors = self.find_optional("errors")
        return " ".join(errors.inner_text().split()) if errors else ""

    def click_receipt(self) -> None:
        self.press(self.find("declared"), self.find("declared"), "Accusé de réception")


class ConfirmationScreen(Screen):
    name = "confirmation"

    def totals(self) -> dict[str, int]:
        def text(element: str) -> str:
            return self.find(element).inner_text()

        return {
            "employees": int(re.sub(r"\D", "", text("employees")) or 0),
            "real": amount(text("total_real")),
            "capped": amount(text("total_capped")),
            "amount": amount(text("amount")),
        }

    def click_validate(self) -> None:
        """The final click. The caller has already written « submitting » to the ledger."""
        self.press(self.find("validate"), self.find("validate"), "Valider la déclaration")


class ReceiptScreen(Screen):
    name = "receipt"

    def reference(self) -> str:
        return " ".join(self.find("reference").inner_text().split())

    def save(self, folder: Path) -> Path:
        """The receipt page itself, as the CNSS shows it, next to the screenshots."""
        target = folder / "accuse-de-reception.html"
        target.write_text(scrub(self.page.content()), encoding="utf-8")
        return target

"""« Mode essai »: the dashboard with the sandbox portal instead of the real one, to try everything
before trusting it. The sandbox runs in the dashboard's process (as `demo` does); runs started from
the page go to it with the sandbox's own account, and write their ledger, hand-over files and
recordings in a folder of their own (`<state>/essai/`): nothing of a trial mixes with the real
declarations. The sandbox's « phone » is the page itself: its SMS show in the code box. Sample
files (préétabli, salaries, a declaration ready to file) come from the sandbox's préétabli."""

from __future__ import annotations

from pathlib import Path

from bot.system import state_paths

# The sandbox employer's employees (bot/sandbox/preetabli.py) and one new hire the sandbox knows.
SAMPLE_SALARIES = (
    "immatriculation;jours;salaire_brut;situation;nom;cin\n"
    "112233445;26;4500,00;;;\n223344556;26;8 200,50;;;\n334455667;0;0;CS;;\n"
    "998877665;10;2000;;ALAOUI SARA;BK123456\n"
)


class Trial:
    def __init__(self, state_dir: Path):
        from bot.sandbox import Portal, Sandbox

        self.folder = Path(state_dir) / state_paths.TRIAL
        self.portal = Portal()
        self.account = next(iter(self.portal.accounts.values()))
        self.sandbox = Sandbox(self.portal).start()

    @property
    def url(self) -> str:
        return self.sandbox.url

    @property
    def state_dir(self) -> Path:
        return self.folder / "etat"

    @property
    def recordings(self) -> Path:
        return self.folder / "enregistrements"

    def run_env(self) -> dict[str, str]:
        """What a run started in this mode is given: the sandbox, its account, the trial's folders, and
        nothing that would reach the person's real channels (Telegram, notifications, timestamps)."""
        from bot.settings import table

        return table.values(
            URL=self.url,
            IDENTIFIER=self.account.identifier,
            PASSWORD=self.account.password,
            ACCOUNT=self.account.identifier,
            ACCOUNTS="",
            AUTH="otp",
            STATE_DIR=str(self.state_dir),
            RECORDINGS=str(self.recordings),
            TELEGRAM_TOKEN="",
            TELEGRAM_CHAT="",
            NOTIFY="",
            TSA_URL="0",
        )

    def last_sms(self, since: float) -> str:
        """The text of the newest SMS the sandbox « sent » since `since`, or ""."""
        sent = [sms for sms in self.portal.outbox.all() if sms.sent_at >= since - 1]
        return sent[-1].text if sent else ""

    def sample(self, what: str, period: str) -> tuple[str, bytes]:
        """(file name, content) of a sample: « preetabli », « salaries » or « declaration »."""
        from bot.ebds.build import build
        from bot.ebds.cap import DEFAULT, cap_for
        from bot.sandbox.preetabli import make_preetabli

        pre = make_preetabli(self.account, period)
        if what == "preetabli":
            return f"preetabli-essai-{period}.txt", pre.encode("ascii")
        if what == "salaries":
            return "salaries-essai.csv", SAMPLE_SALARIES.encode("utf-8")
        name, content = build(pre, SAMPLE_SALARIES, cap_for(period, DEFAULT))
        return name, content.encode("ascii")

    def stop(self) -> None:
        self.sandbox.stop()

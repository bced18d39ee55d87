"""Extra steps taught by the person (`damancom-bot learn`): clicks the seed does not describe, such
as a profile choice between « S'authentifier avec OTP » and the identifier, replayed in order."""

from __future__ import annotations

from typing import ClassVar

import yaml

from bot.errors import ConfigError
from flows.engine.context import FlowContext
from flows.engine.learn import STEPS_FILE
from flows.engine.screen import Screen
from flows.engine.selectors_data import ScreenSpec


class LearnedClick(Screen):
    """One learned click: recognised when its element is on screen, replayed by clicking it."""

    name = "etape-apprise"
    strategies: ClassVar[list[dict]] = []
    seen: ClassVar[str] = ""

    def __init__(self, ctx: FlowContext):  # noqa: D107 - no YAML file: the step is its own spec
        self.ctx, self.page = ctx, ctx.page
        self.spec = ScreenSpec(
            name=self.name,
            label=f"étape apprise (« {self.seen} »)",
            recognise=["click"],
            elements={"click": self.strategies},
        )

    def click(self) -> None:
        target = self.find("click")
        self.press(target, target, self.seen)


def after_otp_choice(ctx: FlowContext) -> list[type[LearnedClick]]:
    """The learned clicks to replay after « S'authentifier avec OTP », in order (none by default)."""
    if ctx.selectors_dir is None:
        return []
    return _read(ctx.selectors_dir / STEPS_FILE)


def _read(path) -> list[type[LearnedClick]]:
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        steps = data.get("after_otp_choice", [])
        return [
            type(
                f"LearnedClick{i}",
                (LearnedClick,),
                {"strategies": list(step["click"]), "seen": str(step.get("seen", ""))},
            )
            for i, step in enumerate(steps)
            if step.get("click")
        ]
    except (yaml.YAMLError, AttributeError, TypeError, KeyError) as exc:
        raise ConfigError(
            f"Le fichier d'étapes apprises {path} est illisible ({exc}). Supprimez-le et relancez "
            "« damancom-bot learn »."
        ) from None

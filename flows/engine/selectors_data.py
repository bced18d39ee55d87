"""Reads the selector YAML files (the `selectors/` folder, or its copy inside the wheel)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from bot.errors import ConfigError

STRATEGY_KEYS = {"role", "label", "text", "placeholder", "near", "css"}


def screen_names(folder: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (folder or default_folder()).glob("*.yaml"))


def default_folder() -> Path:
    packaged = Path(__file__).resolve().parents[2] / "bot" / "_selectors"  # inside an installed wheel
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "selectors"  # in the checkout


@dataclass(frozen=True)
class ScreenSpec:
    name: str
    label: str
    recognise: list[str]
    elements: dict[str, list[dict]]
    absent: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)  # shown only sometimes (error messages…)
    messages: dict[str, list[str]] = field(default_factory=dict)
    facts: dict[str, list[str]] = field(default_factory=dict)
    states: dict[str, list[str]] = field(default_factory=dict)
    ranking: dict = field(default_factory=dict)  # how candidates are ranked by meaning (entry.yaml)
    source: Path | None = None


@lru_cache(maxsize=None)
def load(name: str, folder: Path | None = None) -> ScreenSpec:
    path = (folder or default_folder()) / f"{name}.yaml"
    if folder is not None and not path.exists():  # a user's folder may override only some screens
        path = default_folder() / f"{name}.yaml"
    try:
        # libyaml's parser when PyYAML has it (its wheels do): the same data, 25 times faster to read
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        raise ConfigError(
            f"Fichier de sélecteurs introuvable : {path}. Réinstallez le bot ou corrigez DAMANCOM_SELECTORS."
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"Le fichier de sélecteurs {path} n'est pas un YAML valide ({exc}). Corrigez-le.") from None
    spec = ScreenSpec(
        name=name,
        label=data.get("label", name),
        recognise=list(data.get("recognise", [])),
        elements=data.get("elements", {}),
        absent=list(data.get("absent", [])),
        optional=list(data.get("optional", [])),
        messages=data.get("messages", {}),
        facts=data.get("facts", {}),
        states=data.get("states", {}),
        ranking=data.get("ranking", {}),
        source=path,
    )
    _validate(spec)
    return spec


def _validate(spec: ScreenSpec) -> None:
    for element in spec.recognise + spec.absent + spec.optional:
        if element not in spec.elements:
            raise ConfigError(f"{spec.source} : l'élément « {element} » est cité mais n'est pas décrit sous elements.")
    for element, strategies in spec.elements.items():
        if not isinstance(strategies, list) or not strategies:
            raise ConfigError(f"{spec.source} : l'élément « {element} » doit avoir une liste de stratégies.")
        for strategy in strategies:
            if not isinstance(strategy, dict) or len(STRATEGY_KEYS & strategy.keys()) != 1:
                raise ConfigError(
                    f"{spec.source} : stratégie invalide pour « {element} » ({strategy}) ; "
                    f"une seule clé parmi {', '.join(sorted(STRATEGY_KEYS))}."
                )

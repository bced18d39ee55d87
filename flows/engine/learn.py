"""Teach mode: the person walks the login by hand in a visible browser; the bot notes which element
they used at each step (role, accessible name, label, placeholder, attributes, text, position) —
never what they typed — and writes selector files that later runs try first.

Clicks between « S'authentifier avec OTP » and the identifier field are an extra screen the seed
does not describe (a profile choice…): they become learned steps that later runs replay.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from playwright.sync_api import BrowserContext, ConsoleMessage

from flows.engine import selectors_data

TAG = "__damancomLearn__"
# Reports every click and every field the person types into, as a description of the element.
_RECORDER = """(() => {
  const TAG = '%(tag)s';
  const text = s => (s || '').replace(/\\s+/g, ' ').trim();
  const roleOf = e => {
    const explicit = e.getAttribute('role'); if (explicit) return explicit;
    const tag = e.tagName.toLowerCase(), type = (e.getAttribute('type') || '').toLowerCase();
    if (tag === 'a' && e.hasAttribute('href')) return 'link';
    if (tag === 'button' || (tag === 'input' && ['submit', 'button', 'reset'].includes(type))) return 'button';
    if (tag === 'input' && ['radio', 'checkbox'].includes(type)) return type;
    if (tag === 'input' || tag === 'textarea') return type === 'password' ? '' : 'textbox';
    return '';
  };
  const labelOf = e => text(e.labels && e.labels[0] ? e.labels[0].innerText : '');
  const caption = e => {
    let p = e.previousElementSibling;
    while (p && !text(p.innerText)) p = p.previousElementSibling;
    return p ? text(p.innerText).slice(0, 60) : '';
  };
  const describe = e => {
    const r = e.getBoundingClientRect();
    const name = text(e.getAttribute('aria-label')) || labelOf(e)
      || (['button', 'link', 'radio', 'checkbox'].includes(roleOf(e)) ? text(e.innerText || e.value) : '')
      || text(e.getAttribute('title'));
    return {tag: e.tagName.toLowerCase(), type: e.getAttribute('type') || '', role: roleOf(e), name,
            label: labelOf(e), placeholder: e.getAttribute('placeholder') || '', id: e.id || '',
            fieldName: e.getAttribute('name') || '', autocomplete: e.getAttribute('autocomplete') || '',
            inputmode: e.getAttribute('inputmode') || '', maxlength: e.getAttribute('maxlength') || '',
            text: text(e.innerText).slice(0, 80), caption: caption(e),
            position: [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)],
            path: location.pathname, heading: text((document.querySelector('h1, h2') || {}).innerText).slice(0, 80)};
  };
  const target = e => {
    if (e.tagName === 'LABEL' && e.control) return e.control;
    return e.closest('a, button, input, select, textarea, [role=button], [role=link], [role=radio], [onclick]') || e;
  };
  document.addEventListener('click', ev => {
    console.info(TAG + JSON.stringify({kind: 'click', element: describe(target(ev.target))}));
  }, true);
  document.addEventListener('change', ev => {
    const e = ev.target;
    if (!e.matches || !e.matches('input, textarea, select') || ['radio', 'checkbox'].includes(e.type)) return;
    console.info(TAG + JSON.stringify({kind: 'typed', element: describe(e)}));
  }, true);
})();""" % {"tag": TAG}

_GENERATED_ID = re.compile(r"\d{3,}|[0-9a-f]{8,}|^(ember|react|mui|ng|j_id)", re.IGNORECASE)
STEPS_FILE = "etapes-apprises.yaml"


@dataclass
class Event:
    kind: str  # "click" or "typed"
    element: dict


@dataclass
class Lesson:
    """What the person showed: which element plays which part, and the extra steps."""

    elements: dict[tuple[str, str], dict] = field(default_factory=dict)  # (screen, element) → description
    extra_steps: list[dict] = field(default_factory=list)  # clicks between the OTP choice and the identifier


class Recorder:
    """Listens to the person's hands in every page of `context`."""

    def __init__(self, context: BrowserContext):
        self.events: list[Event] = []
        context.add_init_script(_RECORDER)
        context.on("console", self._heard)

    def _heard(self, message: ConsoleMessage) -> None:
        if message.text.startswith(TAG):
            data = json.loads(message.text[len(TAG) :])
            self.events.append(Event(data["kind"], data["element"]))


@dataclass(frozen=True)
class _Typed:
    """Where the person typed each field: indices into the events, None when not typed."""

    identifier: int | None
    password: int | None
    code: int | None
    first: int  # the first field typed; the number of events when none was


def lesson_from(events: list[Event]) -> Lesson:
    """Reads the person's walk: fields by what they are, clicks by where they fall between fields."""
    lesson = Lesson()
    # A click on a <label> also clicks its field: one person's click, two events.
    events = [e for i, e in enumerate(events) if i == 0 or e != events[i - 1]]
    typed = _typed(events)
    for index, where in (
        (typed.identifier, ("identifier", "identifier")),
        (typed.password, ("code_password", "password")),
        (typed.code, ("code_password", "code")),
    ):
        if index is not None:
            lesson.elements[where] = events[index].element
    clicks = [
        i
        for i, e in enumerate(events)
        if e.kind == "click" and e.element["role"] != "textbox" and e.element["type"] != "password"
    ]
    _way_in(lesson, events, [i for i in clicks if i < typed.first])
    _buttons(lesson, events, clicks, typed)
    return lesson


def _typed(events: list[Event]) -> _Typed:
    """The fields: the password by its type, then the identifier, then the code, in typing order."""
    typed = [i for i, e in enumerate(events) if e.kind == "typed"]
    password = next((i for i in typed if events[i].element["type"] == "password"), None)
    identifier = next((i for i in typed if i != password), None)
    code = next((i for i in typed if i not in (password, identifier)), None)
    return _Typed(identifier, password, code, min(typed) if typed else len(events))


def _way_in(lesson: Lesson, events: list[Event], before: list[int]) -> None:
    """The clicks before the first field: the way in, the OTP choice, and the extra steps after it."""
    otp = next((i for i in before if re.search(r"otp|sms|code", events[i].element["name"], re.IGNORECASE)), None)
    if otp is None:
        return
    lesson.elements[("home", "otp_button")] = events[otp].element
    entries = [i for i in before if i < otp]
    if entries:
        lesson.elements[("entry", "entry")] = events[entries[-1]].element
    lesson.extra_steps = [events[i].element for i in before if i > otp]


def _buttons(lesson: Lesson, events: list[Event], clicks: list[int], typed: _Typed) -> None:
    """The clicks between the fields: the identifier's send (its last click before the code), and
    « Valider » (the first click after the last of the code and the password)."""
    code, password = typed.code, typed.password
    if typed.identifier is not None:
        sends = [i for i in clicks if typed.identifier < i and (code is None or i < min(code, password or code))]
        if sends:
            lesson.elements[("identifier", "submit")] = events[sends[-1]].element
    last_field = max((i for i in (code, password) if i is not None), default=None)
    if last_field is not None:
        validates = [i for i in clicks if i > last_field]
        if validates:
            lesson.elements[("code_password", "submit")] = events[validates[0]].element


def strategies(element: dict) -> list[dict]:
    """Ways to find this element again, the most meaningful first; never a typed value."""
    found: list[dict] = []
    if element["role"] in ("button", "link", "radio", "checkbox", "textbox") and element["name"]:
        found.append({"role": element["role"], "name": element["name"], "exact": True})
    if element["label"]:
        found.append({"label": element["label"], "exact": True})
    if element["placeholder"]:
        found.append({"placeholder": element["placeholder"], "exact": True})
    if element["id"] and not _GENERATED_ID.search(element["id"]):
        found.append({"css": f"#{_css_escape(element['id'])}"})
    if element["fieldName"]:
        found.append({"css": f'{element["tag"]}[name="{element["fieldName"]}"]'})
    if element["caption"] and element["tag"] in ("input", "textarea"):
        found.append({"near": element["caption"]})
    if element["text"] and element["tag"] not in ("input", "textarea"):
        found.append({"text": element["text"], "exact": True})
    return found


def _css_escape(value: str) -> str:
    return re.sub(r"([^\w-])", r"\\\1", value)


def write(lesson: Lesson, folder: Path, defaults: Path | None = None) -> list[Path]:
    """Selector files for the screens the person showed (learned strategies first, then the
    shipped ones), and the extra steps. Returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    screens = sorted({screen for screen, _ in lesson.elements})
    for screen in screens:
        path = (defaults or selectors_data.default_folder()) / f"{screen}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for (where, element), described in lesson.elements.items():
            if where == screen:
                shipped = data["elements"].get(element, [])
                learned = strategies(described)
                data["elements"][element] = learned + [s for s in shipped if s not in learned]
        target = folder / f"{screen}.yaml"
        target.write_text(
            "# Appris avec « damancom-bot learn » : stratégies apprises en premier.\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        written.append(target)
    steps = folder / STEPS_FILE
    if lesson.extra_steps:
        steps.write_text(
            "# Étapes supplémentaires apprises (entre le choix OTP et l'identifiant), rejouées dans l'ordre.\n"
            + yaml.safe_dump(
                {
                    "after_otp_choice": [
                        {"click": strategies(e), "seen": e["heading"] or e["path"]} for e in lesson.extra_steps
                    ]
                },
                allow_unicode=True,
                sort_keys=False,
            ),
            encoding="utf-8",
        )
        written.append(steps)
    selectors_data.load.cache_clear()
    return written

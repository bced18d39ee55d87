"""A sanitized snapshot of a page that surprised the bot, kept in the run's audit folder.

Three files next to the masked screenshot: the page's DOM with nothing typed or hidden in it
(`NN-instantane.html`), and what the bot looked for on it (`NN-instantane.json`: each selector
file's strategies and how many visible elements each found, the outcome, the screenshot's name).
`damancom-bot portal-report` packs the last ones into a « rapport de portail ». The same HTML
loads in the fast test bed (`tests/flows/snapshots/`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from loguru import logger

from bot.output.playwright_fr import first_line
from bot.output.redact import scrub, scrub_markup

KIND = "instantane-portail"
STEP = "instantane"
# A copy of the DOM with nothing a person typed or a form hides: scripts and frames dropped, every
# value emptied (hidden fields, CSRF tokens included), metas' contents, data-* and on* attributes
# dropped, addresses cut before their query (session ids, tokens), comments removed.
_SANITIZED = r"""() => {
  const copy = document.documentElement.cloneNode(true);
  copy.querySelectorAll('script, noscript, template, iframe, frame, object, embed, canvas').forEach(e => e.remove());
  copy.querySelectorAll('[value]').forEach(e => e.setAttribute('value', ''));
  copy.querySelectorAll('input').forEach(e => e.setAttribute('value', ''));
  copy.querySelectorAll('textarea, [contenteditable]').forEach(e => { e.textContent = ''; });
  copy.querySelectorAll('meta[content]').forEach(m => {
    if ((m.getAttribute('name') || '').toLowerCase() !== 'viewport') m.setAttribute('content', '');
  });
  const cut = (url) => /^\s*(javascript|data|blob):/i.test(url) ? '' : url.split(/[?#;]/)[0];
  copy.querySelectorAll('*').forEach(e => {
    for (const a of Array.from(e.attributes)) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') || name.startsWith('data-') || name === 'nonce' || name === 'integrity') {
        e.removeAttribute(a.name);
      } else if (['href', 'src', 'action', 'formaction', 'poster', 'srcset', 'xlink:href'].includes(name)) {
        e.setAttribute(a.name, cut(a.value));
      }
    }
  });
  const walker = document.createTreeWalker(copy, NodeFilter.SHOW_COMMENT);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  comments.forEach(c => c.remove());
  return '<!doctype html>\n' + copy.outerHTML;
}"""


def sanitized_html(page) -> str:
    """The page's DOM, sanitized in the browser, then every secret the bot knows masked (as is, and
    as HTML writes it)."""
    return scrub_markup(page.evaluate(_SANITIZED))


def keep(recorder, page, *, exit_code: int, message: str, screens: Callable | None = None) -> Path | None:
    """Writes the snapshot of `page` into the run's folder; never raises (the run's own failure
    matters more). `screens(page)`: what the bot looked for on it (`flows/engine/found.py`), asked for here
    so that its failure too is caught. Returns the JSON file's path."""
    try:
        html_path = recorder.new_file(STEP, ".html")
        html_path.write_text(sanitized_html(page), encoding="utf-8")
        recorder.add_file(html_path, f"{STEP}-html", outcome="echec")
        data = {
            "kind": KIND,
            "version": 1,
            "taken": recorder.now().isoformat(timespec="seconds"),
            "account": recorder.account,
            "url": clean_url(page.url),
            "title": scrub(_title(page)),
            "exit_code": int(exit_code),
            "message": scrub(message),
            "html": html_path.name,
            "screenshot": recorder.shots[-1].name if recorder.shots else None,
            "screens": screens(page) if screens else [],
        }
        json_path = recorder.new_file(STEP, ".json")
        json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        recorder.add_file(json_path, STEP, outcome="echec")
        logger.debug("Instantané de la page gardé : {}", json_path.name)
        return json_path
    except Exception as exc:  # noqa: BLE001
        logger.debug("Instantané de la page : {}", first_line(exc))
        logger.warning("Instantané de la page non enregistré : {}.", first_line(exc))
        return None


def clean_url(url: str) -> str:
    return re.split(r"[?#;]", url or "", maxsplit=1)[0]


def _title(page) -> str:
    try:
        return page.title()
    except Exception:  # noqa: BLE001
        return ""

"""The « spa » style's one HTML document: header, an empty <main>, the toast area, the inline app."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources

from bot.sandbox.pages import STYLE

# Only what the classic style has not: toasts, the announcement overlay, the six digit boxes, spinners.
SPA_STYLE = """
.legende{display:block;margin:14px 0 4px;font-weight:bold} button:disabled{opacity:.55;cursor:not-allowed}
.chiffres{display:flex;gap:8px} .chiffres input{width:44px;text-align:center;font-size:22px;padding:6px 0}
.toasts{position:fixed;right:16px;bottom:16px;z-index:1100;display:flex;flex-direction:column;gap:8px;
max-width:380px;pointer-events:none}
.toast{padding:12px 16px;border-radius:6px;box-shadow:0 2px 8px #0004;font-size:14px}
.toast-error{background:#8a1c13;color:#fff} .toast-info{background:#0b3e66;color:#fff}
.voile{position:fixed;inset:0;background:#0009;z-index:1000;display:flex;align-items:center;justify-content:center}
.annonce{background:#fff;max-width:520px;padding:24px 32px;border-radius:8px;position:relative}
.annonce .fermer{position:absolute;top:8px;right:8px;margin:0;background:transparent;color:#333;font-size:24px;
padding:2px 10px}
.spinner{display:inline-block;width:12px;height:12px;margin-right:8px;border:2px solid #fff;
border-right-color:transparent;
border-radius:50%;animation:tourne .8s linear infinite} @keyframes tourne{to{transform:rotate(360deg)}}
.refus:empty{display:none}
"""


@cache
def _script() -> str:
    return resources.files("bot.sandbox").joinpath("spa.js").read_text(encoding="utf-8")


def shell(csrf: str, *, toast_seconds: float) -> str:
    script = _script().replace("__TOAST_MS__", str(round(toast_seconds * 1000)))
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Damancom</title>
<meta name="csrf-token" content="{escape(csrf)}">
<style>{STYLE}{SPA_STYLE}</style></head>
<body><header><strong>CNSS · Damancom</strong><span>Portail des affiliés</span></header>
<div class="banner">Bac à sable : simulation locale du portail Damancom, aucune donnée réelle.</div>
<main id="app"><p>Chargement…</p></main>
<div class="toasts" aria-live="polite"></div>
<script>
{script}
</script></body></html>"""

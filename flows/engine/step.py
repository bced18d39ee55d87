"""One step of a flow: act, then wait for what comes next — whatever way the portal builds pages.

After the action the step waits for the first of: an expected next screen; a portal message (the
same screen, visibly answered); evidence that the portal cannot serve (5xx on a document or an
XHR/fetch, a broken connection, a maintenance text, a request still pending at the timeout).
It works the same for a new document per step and for a single-page app: it watches the DOM
and the network, not the document. A step after which nothing understandable happened is
exit 6 with its evidence — never « portail surchargé » without proof.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bot.errors import (
    PortalRefused,
    PortalUnavailable,
    ScreenDidNotReact,
    UnexpectedPage,
)
from flows.engine import locate
from flows.engine.context import FlowContext
from flows.engine.network import BlockedAnswer, Trouble
from flows.engine.screen import Screen, page_title

# Installs (once per document) a counter of DOM changes, and says whether the document was
# replaced since the last look (the mark is a property of the old window object).
_STATE = """() => {
  if (window.__dmcMut === undefined) {
    window.__dmcMut = 0;
    new MutationObserver(() => { window.__dmcMut++; })
      .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  }
  const replaced = window.__dmcDoc === undefined;
  window.__dmcDoc = true;
  return {replaced, changes: window.__dmcMut, loaded: document.readyState === 'complete'};
}"""
# Resolves at the first DOM change since the look that counted `n` (at once if there was one), else
# after `ms`: the page sleeps meanwhile (polling woke its renderer every 50 ms for the whole wait).
_CHANGE = """([n, ms]) => new Promise(done => {
  if (window.__dmcMut !== n) return done(true);
  const stop = changed => { observer.disconnect(); clearTimeout(timer); done(changed); };
  const observer = new MutationObserver(() => stop(true));
  observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  const timer = setTimeout(() => stop(false), ms);
})"""

SETTLE = 4.0  # seconds of calm, after a change, before calling an unknown screen unknown
LONG_POLL = 2.0  # a request older than this does not hold recognition back (long polling)
# A page that does not change is looked at again this often (a change wakes the step at once, and
# so do its deadlines): every look asks the browser about each candidate screen's every strategy.
LOOK_EVERY = 2.0


@dataclass
class After:
    """What a step led to: a screen (one of the expected ones, maybe the same as before) and the
    portal's message if it wrote one; `refused`: that message reads as a refusal."""

    screen: Screen | None
    message: str = ""
    refused: bool = False


def act(
    ctx: FlowContext,
    action: Callable[[], None] | None,
    *,
    expect: Sequence[type[Screen]],
    current: Screen | None = None,
    what: str = "",
    timeout: float | None = None,
    settle: bool = True,
    loaded_calm: float | None = None,
) -> After:
    """Runs `action` (None: only wait, e.g. after a navigation or while a person types), then waits.

    `current` counts as an answer only once the portal visibly reacted (new document or message).
    `timeout`: how long nothing may happen before giving up (the action timeout by default).
    `settle=False`: a calm page is no answer yet (a QR code waiting for the phone's approval).
    `loaded_calm`: once the document has loaded (its load event fired) and no request is in flight,
    this much calm is enough instead of SETTLE (where a wrong guess only costs a detour).
    """
    page = ctx.page
    mark = ctx.network.mark()
    seen = _state(page)
    seen_changes = seen["changes"] if seen else -1
    sent_since = time.monotonic()
    if action is not None:
        ctx.interstitials.dismiss()  # a modal over the page would swallow the click
        ctx.messages.mark()
        sent_since = time.monotonic()
        action()
    started = time.monotonic()  # after closing overlays: on a slow PC that alone may take seconds
    quiet = ctx.action_timeout if timeout is None else timeout
    hard_limit = started + max(ctx.navigation_timeout, quiet)
    reacted, replaced, calm_since = action is None, False, started
    while True:
        ctx.check_budget()
        _raise_on_trouble(ctx, ctx.network.trouble_since(mark))
        _raise_on_refusal(ctx, ctx.network.blocked_since(mark))
        state = _state(page)
        now = time.monotonic()
        if state is None or state["replaced"] or state["changes"] != seen_changes:
            reacted, calm_since = True, now
            replaced = replaced or state is None or state["replaced"]
            seen_changes = state["changes"] if state else -1
        pending = ctx.network.pending(since=sent_since)
        stale = [p for p in pending if p.age >= LONG_POLL]
        if len(stale) == len(pending):  # nothing just sent: what is on screen is worth a look
            found = _recognise(ctx, expect, current, replaced)
            if found is not None:
                return found
        if now >= hard_limit and stale:
            raise _no_answer(ctx, stale, what, now - started)
        if not pending or now >= hard_limit:
            calm = settle and reacted and now - calm_since >= _calm_needed(state, pending, quiet, loaded_calm)
            if calm or now - started >= quiet:
                building = _building(ctx, expect)
                if building is not None and now < hard_limit:
                    pass  # a screen drawn in beats: wait for the rest of it, up to the hard limit
                elif building is not None:
                    raise _incomplete(ctx, building, now - started)
                elif calm:
                    return _settled(ctx, expect, current)
                else:
                    raise _unknown(ctx, expect, ctx.messages.new()) if reacted else _no_reaction(ctx, expect, what)
        deadlines = [hard_limit, started + quiet, calm_since + _calm_needed(state, pending, quiet, loaded_calm)]
        deadlines += [now + LONG_POLL - p.age for p in pending if p.age < LONG_POLL]  # turning stale
        _wait_change(page, seen_changes, _next_look(time.monotonic(), deadlines))


def _calm_needed(state: dict | None, pending: list, quiet: float, loaded_calm: float | None) -> float:
    done = loaded_calm is not None and state is not None and state.get("loaded") and not pending
    return min(SETTLE, quiet, loaded_calm) if done else min(SETTLE, quiet)


def wait_for(
    ctx: FlowContext,
    expect: Sequence[type[Screen]],
    timeout: float | None = None,
    settle: bool = True,
    loaded_calm: float | None = None,
) -> Screen:
    """Waits for one of `expect` on a page already on its way (after a goto, or a person's click)."""
    after = act(ctx, None, expect=expect, timeout=timeout, settle=settle, loaded_calm=loaded_calm)
    if after.screen is None:
        raise _unknown(ctx, expect, after.message)
    return after.screen


def go(
    ctx: FlowContext, action: Callable[[], None], current: Screen, expect: Sequence[type[Screen]], what: str
) -> Screen:
    """An action that must lead to one of `expect`; a message alone is an unexpected answer."""
    after = act(ctx, action, expect=expect, current=current, what=what)
    if after.screen is None:
        raise _unknown(ctx, expect, after.message)
    return after.screen


def until(page, script: str, arg, seconds: float, polling: int = 200) -> bool | None:
    """Waits up to `seconds` for `script(arg)` to hold in the page (what a person does in a visible
    browser): True once it does, False at the timeout, None when the document went away meanwhile."""
    try:
        page.wait_for_function(script, arg=arg, timeout=seconds * 1000, polling=polling)
    except PlaywrightTimeout:
        return False
    except PlaywrightError:
        return None
    return True


def visible_within(locator, seconds: float) -> bool:
    """Waits up to `seconds` for `locator` to be shown (whenever the person brings it back)."""
    try:
        locator.wait_for(state="visible", timeout=seconds * 1000)
    except PlaywrightError:
        return False
    return True


def _state(page) -> dict | None:
    try:
        return page.evaluate(_STATE)
    except PlaywrightError:  # between two documents
        return None


def _next_look(now: float, deadlines: list[float]) -> float:
    """Seconds until the next look at a page that does not change: its first deadline still ahead,
    at most LOOK_EVERY (what the network does without touching the page is noticed then)."""
    return max(0.05, min([LOOK_EVERY, *(deadline - now for deadline in deadlines if deadline > now)]))


def _wait_change(page, changes: int, seconds: float) -> None:
    try:
        page.evaluate(_CHANGE, [changes, round(seconds * 1000)])
    except PlaywrightError:  # the document is being replaced: wait for the new one to parse
        try:
            page.wait_for_load_state("domcontentloaded", timeout=seconds * 1000)
        except PlaywrightError:
            pass


def _recognise(
    ctx: FlowContext, expect: Sequence[type[Screen]], current: Screen | None, replaced: bool
) -> After | None:
    same = type(current) if current is not None else None
    candidates = [cls(ctx) for cls in expect if cls is not same or replaced]  # the old screen is no answer yet
    downs = [instead(ctx) for instead in ctx.anywhere.down]
    sight = _look(ctx, [*candidates, *downs])  # every candidate's every strategy: one round trip
    for screen in candidates:
        if screen.is_here(sight):
            return _answered(ctx, screen) if type(screen) is not expect[0] else After(screen)
    for down in downs:
        if down.is_here(sight):
            raise _portal_says_down(ctx, down.text())
    if ctx.interstitials.dismiss():
        return None  # the page under the modal may be the expected one: look again
    if _building(ctx, expect, sight) is not None:
        return None  # still being drawn: its message, if any, is read once it is complete
    said = ctx.messages.said()
    if not said.text:
        return None
    if ctx.messages.says_unavailable(said.text):
        raise _portal_says_down(ctx, said.text)
    if not ctx.messages.refuses(said):
        return None  # progress (« un code vous a été envoyé… »), not the portal's answer
    if same is not None and same in expect:
        screen = same(ctx)
        if screen.is_here():
            return After(screen, said.text, True)  # the same screen, answered with a refusal
    return After(None, said.text, True) if current is not None else None


def _look(ctx: FlowContext, screens: Sequence[Screen]) -> locate.Sight | None:
    """One look at the page for every strategy of every candidate screen."""
    try:
        return locate.Sight(ctx.page, [strategies for screen in screens for strategies in screen.watched()])
    except PlaywrightError:  # between two documents: each screen looks for itself
        return None


def _answered(ctx: FlowContext, screen: Screen) -> After:
    said = ctx.messages.said()
    return After(screen, said.text, ctx.messages.refuses(said))


def _building(
    ctx: FlowContext, expect: Sequence[type[Screen]], sight: locate.Sight | None = None
) -> tuple[Screen, list[str]] | None:
    """An expected screen partly drawn, and what it still lacks; None when another expected screen
    is complete (the code alone is no half of the code and password)."""
    screens = [cls(ctx) for cls in expect]
    sight = sight or _look(ctx, screens)
    for screen in screens:
        missing = screen.missing(sight)
        if missing:
            complete = any(other.is_here(sight) for other in screens if other is not screen)
            return None if complete else (screen, missing)
    return None


def _settled(ctx: FlowContext, expect: Sequence[type[Screen]], current: Screen | None) -> After:
    """The page changed, then stayed calm, and shows nothing expected: the same screen re-drawn
    without a readable message is still an answer; anything else is a screen the bot does not know."""
    same = type(current) if current is not None else None
    if same is not None and same in expect and same(ctx).is_here():
        return _answered(ctx, same(ctx))
    raise _unknown(ctx, expect, ctx.messages.new())


# the ways a step fails ----------------------------------------------------------------
def _raise_on_trouble(ctx: FlowContext, trouble: Trouble | None) -> None:
    if trouble is None:
        return
    ctx.stop_loading()
    if trouble.refused:
        shot = ctx.recorder.try_screenshot(ctx.page, "portail-refuse")
        raise PortalRefused(
            f"Le portail refuse la connexion ({trouble.describe()}). S'il est utilisé depuis l'étranger, il peut "
            "être bloqué : utilisez une connexion internet au Maroc. Sinon il est peut-être saturé : le bot "
            "réessaiera plus tard.",
            screenshot=shot,
            transient=True,
        )
    shot = ctx.recorder.try_screenshot(ctx.page, "portail-indisponible")
    raise PortalUnavailable(
        f"Le portail répond par une erreur ({trouble.describe()}) : il est indisponible ou surchargé. "
        "Réessayez plus tard, de préférence le soir (après 21 h) ou tôt le matin.",
        screenshot=shot,
        transient=trouble.status in (None, 502, 503, 504),
    )


def _raise_on_refusal(ctx: FlowContext, answers: list[BlockedAnswer]) -> None:
    """A refusal page answered to a single-page portal's background request: read as a document's
    would be (`selectors/refusal.yaml`). An answer whose words say no refusal is the API's own."""
    for answer in answers:
        if answer.read or ctx.anywhere.refused is None:
            continue
        answer.read = True
        error = ctx.anywhere.refused(ctx, answer.text(), f"erreur {answer.status} sur {answer.describe()}")
        if error is not None:
            logger.info("Requête {} {} refusée : {}", answer.method, answer.url, answer.status)
            raise error


def _portal_says_down(ctx: FlowContext, text: str) -> PortalUnavailable:
    shot = ctx.recorder.try_screenshot(ctx.page, "portail-indisponible")
    return PortalUnavailable(
        f"Le portail affiche « {text} » : il est indisponible ou en maintenance. "
        "Réessayez plus tard, de préférence le soir.",
        screenshot=shot,
    )


def _no_answer(ctx: FlowContext, pending, what: str, waited: float) -> PortalUnavailable:
    ctx.stop_loading()
    shot = ctx.recorder.try_screenshot(ctx.page, "portail-sans-reponse")
    waiting = " ; ".join(p.describe() for p in pending[:3])
    logger.info("Requêtes sans réponse après {} : {}", what or "l'action", waiting)
    return PortalUnavailable(
        f"Le portail n'a pas répondu dans le délai ({waited:.0f} s) après {what or 'l’action'} "
        f"(requête toujours en attente : {waiting}) : il est surchargé. Réessayez plus tard, de préférence le soir.",
        screenshot=shot,
        transient=True,
    )


def _no_reaction(ctx: FlowContext, expect: Sequence[type[Screen]], what: str) -> ScreenDidNotReact:
    shot = ctx.recorder.try_screenshot(ctx.page, "ecran-sans-reaction")
    ctx.recorder.failure_evidence(ctx.page)
    labels = ", ".join(cls(ctx).spec.label for cls in expect)
    return ScreenDidNotReact(
        f"L'écran n'a pas réagi comme prévu après {what or 'l’action'} : rien n'a changé à l'écran et aucune "
        f"requête n'est restée en attente (attendu : {labels}). Le portail a peut-être changé ; apprenez-lui le "
        "chemin avec « damancom-bot learn », ou vérifiez la capture et les sélecteurs.",
        url=ctx.page.url,
        title=page_title(ctx.page),
        screenshot=shot,
    )


def _incomplete(ctx: FlowContext, building: tuple[Screen, list[str]], waited: float) -> UnexpectedPage:
    screen, missing = building
    logger.info("Écran « {} » resté incomplet : il manque {}.", screen.spec.label, ", ".join(missing))
    ctx.recorder.failure_evidence(ctx.page)
    return screen.unexpected(
        f"écran resté incomplet après {waited:.0f} s (il manque : {', '.join(missing)}) ; "
        f"le portail dit « {ctx.messages.new() or 'rien'} »"
    )


def _unknown(ctx: FlowContext, expect: Sequence[type[Screen]], message: str = "") -> UnexpectedPage:
    screens = [cls(ctx) for cls in expect]
    detail = "" if len(screens) == 1 else "écrans possibles : " + ", ".join(s.spec.label for s in screens)
    if message:
        detail = (detail + " ; " if detail else "") + f"le portail dit « {message} »"
    ctx.recorder.failure_evidence(ctx.page)
    return screens[0].unexpected(detail)

"""One Playwright driver for many threads (`--all`: every account's run in its own thread).

Playwright's sync API belongs to the thread that started it: a call from another thread fails.
Each account thread used to start its own Playwright, hence its own Node.js driver (~75 MiB).
Here one thread owns the only driver and runs its event loop without pause; a call that another
thread makes on one of its objects (a browser, a context, a page, a locator…) is handed to that
thread and runs there in a greenlet of its own, exactly as Playwright runs its event handlers: while
it waits for the driver, the loop goes on with the other accounts' calls. The calling thread waits
for the result, so the flows stay plain sync code (the hand-over, the ledger, the files).

The hand-over hooks into Playwright's sync classes once (`_install`): a call made on the owner
thread, or on objects of a Playwright no SharedDriver owns (a single run), goes through unchanged.
"""

from __future__ import annotations

import concurrent.futures
import functools
import threading
import types
from typing import Any, Callable

from loguru import logger

_OWNERS: dict[int, "SharedDriver"] = {}  # id(event loop) -> the driver that owns it
_installed = threading.Lock()
_hooked = False


class SharedDriver:
    """`with SharedDriver() as driver:` starts the owner thread and its Playwright; `driver.call(fn)`
    runs `fn(playwright)` there (launching or connecting a browser); the objects it returns may be
    used from any thread."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._serve, name="pilote-playwright", daemon=True)
        self._pending: set[concurrent.futures.Future] = set()  # calls under way, failed if the driver dies
        self._pending_lock = threading.Lock()
        self._stopped = False
        self.playwright = None

    def __enter__(self) -> "SharedDriver":
        _install()
        self._thread.start()
        self._ready.wait()
        if self._failure is not None:
            raise self._failure
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def here(self) -> bool:
        return threading.current_thread() is self._thread

    def call(self, fn: Callable, *args, **kwargs) -> Any:
        """`fn(*args, **kwargs)` on the owner thread, in a greenlet of its own; its result or its error."""
        if self.here():
            return fn(*args, **kwargs)
        done: concurrent.futures.Future = concurrent.futures.Future()

        def start() -> None:  # a callback of the loop: it runs in the dispatcher greenlet
            import greenlet

            def body() -> None:
                try:
                    result = fn(*args, **kwargs)
                except BaseException as exc:  # noqa: BLE001 - the calling thread raises it
                    _settle(done, error=exc)
                else:
                    _settle(done, result=result)

            greenlet.greenlet(body).switch()

        with self._pending_lock:
            if self._stopped:
                raise _gone()
            self._pending.add(done)
        try:
            self._loop.call_soon_threadsafe(start)
        except RuntimeError:  # the loop is closed: the driver is gone
            raise _gone() from None
        try:
            return done.result()
        finally:
            with self._pending_lock:
                self._pending.discard(done)

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        try:
            self._loop.call_soon_threadsafe(lambda: self._stop.done() or self._stop.set_result(None))
        except RuntimeError:
            pass
        self._thread.join(timeout=60)

    def _serve(self) -> None:
        from playwright._impl._greenlets import wait_for_future

        from bot.run.driver_start import sync_playwright

        try:
            with sync_playwright() as playwright:
                self.playwright = playwright
                self._loop = playwright._loop
                self._stop = self._loop.create_future()
                _OWNERS[id(self._loop)] = self
                self._ready.set()
                try:
                    wait_for_future(self._loop, playwright._dispatcher_fiber, self._stop)  # the loop runs here
                finally:
                    _OWNERS.pop(id(self._loop), None)
        except BaseException as exc:  # noqa: BLE001 - told to the thread that waits for the start
            if not self._ready.is_set():
                self._failure = exc
            else:
                logger.debug("Pilote Playwright partagé arrêté : {}", exc)
        finally:
            self._ready.set()
            with self._pending_lock:  # a call still waiting would wait forever: it fails instead
                self._stopped = True
                for done in self._pending:
                    _settle(done, error=_gone())


def _gone():
    from playwright.sync_api import Error

    return Error("Le pilote Playwright partagé s'est arrêté.")


def _settle(done: concurrent.futures.Future, *, result=None, error: BaseException | None = None) -> None:
    if done.done():
        return
    try:
        done.set_exception(error) if error is not None else done.set_result(result)
    except concurrent.futures.InvalidStateError:  # settled meanwhile by the other thread
        pass


def _owner(loop) -> SharedDriver | None:
    owner = _OWNERS.get(id(loop))
    return None if owner is None or owner.here() else owner


def _forwarding(method: Callable, loop_of: Callable[[Any], Any]) -> Callable:
    @functools.wraps(method)
    def forwarded(self, *args, **kwargs):
        owner = _owner(loop_of(self))
        if owner is None:
            return method(self, *args, **kwargs)
        return owner.call(method, self, *args, **kwargs)

    return forwarded


def _install() -> None:
    """Every public method of the sync API's classes, and the `expect_…` blocks, learn the hand-over."""
    global _hooked
    with _installed:
        if _hooked:
            return
        from playwright._impl import _sync_base
        from playwright.sync_api import _generated

        def loop_of(obj):
            return getattr(obj, "_loop", None)

        classes = [c for c in vars(_generated).values() if isinstance(c, type) and issubclass(c, _sync_base.SyncBase)]
        for cls in [*classes, _sync_base.SyncBase, _sync_base.SyncContextManager]:
            for name, attr in list(vars(cls).items()):
                if isinstance(attr, types.FunctionType) and not name.startswith("_"):
                    setattr(cls, name, _forwarding(attr, loop_of))
        # the private door every sync call goes through, used directly by flows/engine/locate.py: counts
        _sync_base.SyncBase._sync = _forwarding(vars(_sync_base.SyncBase)["_sync"], loop_of)
        blocks = _sync_base.EventContextManager
        for name in ("__enter__", "__exit__"):
            setattr(blocks, name, _forwarding(vars(blocks)[name], lambda block: block._event._sync_base._loop))
        info = _sync_base.EventInfo
        value = vars(info)["value"].fget
        info.value = property(_forwarding(value, lambda event: event._sync_base._loop))
        _hooked = True

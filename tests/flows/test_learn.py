"""Teach mode: a person walks a portal with an extra profile screen by hand; the bot notes the
elements (never what was typed), writes selector files, and the next login replays the way."""

from __future__ import annotations

import yaml

from bot.audit.manifest import read_records
from flows.engine import learn
from flows.engine.context import FlowContext
from flows.interface import InterfaceScreen
from flows.login import login
from tests import foreign_hurdles
from tests.conftest import assert_no_secret
from tests.support.people import CodeFrom, walk_by_hand


def test_learned_way_through_an_extra_screen_is_replayed(context, page, recorder, tmp_path):
    learned = tmp_path / "selecteurs-appris"
    with foreign_hurdles.ForeignHurdlesPortal(profile_step=True) as portal:
        hands = learn.Recorder(context)
        walk_by_hand(page, portal)
        lesson = learn.lesson_from(hands.events)
        written = learn.write(lesson, learned)
        assert {p.name for p in written} >= {"home.yaml", "identifier.yaml", "code_password.yaml", learn.STEPS_FILE}
        steps = yaml.safe_load((learned / learn.STEPS_FILE).read_text(encoding="utf-8"))["after_otp_choice"]
        assert [s["click"][0] for s in steps] == [
            {"role": "radio", "name": "Employeur", "exact": True},
            {"role": "button", "name": "Continuer", "exact": True},
        ]
        identifier = yaml.safe_load((learned / "identifier.yaml").read_text(encoding="utf-8"))
        assert identifier["elements"]["identifier"][0] == {"role": "textbox", "name": "Identifiant", "exact": True}
        assert identifier["elements"]["submit"][0]["name"] == "Recevoir le code par SMS"
        assert_no_secret([foreign_hurdles.PASSWORD, foreign_hurdles.IDENTIFIER, *portal.codes], roots=(learned,))

        flow = FlowContext(context.new_page(), recorder, action_timeout=5, navigation_timeout=10, selectors_dir=learned)
        screen = login(flow, portal.url, foreign_hurdles.IDENTIFIER, foreign_hurdles.PASSWORD, CodeFrom(portal))
    assert isinstance(screen, InterfaceScreen) and portal.logged_in == 2
    assert portal.profiles == ["EMPLOYEUR", "EMPLOYEUR"]
    replayed = [r["via"] for r in read_records(recorder.folder) if r["step"] == "etape-apprise"]
    assert replayed == ["Authentification par OTP", "Authentification par OTP"]

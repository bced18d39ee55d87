"""The space of portal shapes: text form, drawing, and what a shape serves over real HTTP."""

from __future__ import annotations

import random
import re
import subprocess
import urllib.request

import pytest

from bot.errors import ConfigError
from bot.sandbox import Sandbox
from bot.sandbox.shapes import CHOICES, FIELD, NAMED, Shape
from tests.conftest import BIN
from tests.sandbox.test_portal_http import Client


def test_every_drawn_shape_reads_back_from_its_text_form():
    rng = random.Random(22)
    drawn = [Shape.draw(rng) for _ in range(200)]
    assert all(Shape.parse(s.format()) == s for s in drawn)
    for key, values in CHOICES.items():  # 200 draws reach every value of every switch
        assert {getattr(s, key) for s in drawn} == set(values)


def test_the_same_seed_draws_the_same_shapes():
    assert [Shape.draw(random.Random(5)) for _ in range(3)] == [Shape.draw(random.Random(5)) for _ in range(3)]


def test_named_shapes_and_switches_over_them():
    assert Shape.parse("field") == FIELD and Shape.parse("classic").base == "classic"
    assert Shape.parse("field,delay=2").delay == 2.0 and Shape.parse("field,delay=2").code == "late"
    assert Shape.parse("entry=link,words=Se connecter").words == "Se connecter"
    assert set(NAMED) >= {"classic", "spa", "field", "sandbox"}


@pytest.mark.parametrize(
    "text, says",
    [
        ("code=sept", "code=sept : valeur inconnue. Choix possibles : one, boxes, late"),
        ("delay=9", "entre 0 et 3"),
        ("delay=vite", "attendu un nombre"),
        ("couleur=bleu", "clés possibles"),
        ("inconnue", "forme inconnue"),
        ("spa,delay=1", "pas de réglages"),
    ],
)
def test_a_wrong_shape_is_a_french_config_error(text, says):
    with pytest.raises(ConfigError, match=re.escape(says)):
        Shape.parse(text)


def test_the_field_shape_serves_what_the_field_scripts_saw():
    with Sandbox(shape=FIELD) as sandbox:
        client = Client(sandbox.url)
        _, home, _ = client.get("/fr/")
        _, choice, _ = client.get("/fr/authentification")
        _, identifier, _ = client.get("/fr/authentification/otp")
        _, code, url = client.post("/fr/authentification/otp", identifiant="PHARMA-DEMO")
    assert "S'authentifier" not in home and 'authentification"' not in home  # no way in on the public home
    assert '<button type="submit" class="btn btn-primary">S&#x27;authentifier avec OTP</button>' in choice
    assert 'placeholder="IDENTIFIANT"' in identifier and ">Suivant<" in identifier
    assert url.endswith("/fr/authentification/otp/code") and 'placeholder="MOT DE PASSE"' in code
    assert code.count('type="tel" maxlength="1"') == 6 and "par SMS et e-mail" in code
    assert '<template id="cases">' in code  # the boxes are drawn after the rest


def test_the_original_styles_are_named_shapes_served_unchanged():
    with Sandbox(shape=Shape.parse("spa")) as spa, Sandbox(shape=Shape.parse("classic")) as classic:
        assert spa.server.style == "spa" and spa.server.shape is None
        assert classic.server.style == "classic" and classic.server.shape is None


def test_sandbox_command_serves_a_shape(tmp_path, cli_env):
    process = subprocess.Popen(
        [str(BIN / "damancom-bot"), "sandbox", "--port", "0", "--shape", "entry=link,words=Se connecter,buttons=input"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=cli_env,
    )
    try:
        url = re.fullmatch(r"URL (\S+)", process.stdout.readline().strip()).group(1)
        lines = [process.stdout.readline().strip() for _ in range(2)]
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read().decode()
        with urllib.request.urlopen(url + "authentification", timeout=10) as response:
            choice = response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "Forme du portail : entry=link,words=Se connecter,buttons=input." in lines
    assert '<a class="btn btn-primary" href="/fr/authentification">Se connecter</a>' in body
    assert '<input type="submit" class="btn btn-primary" value="S&#x27;authentifier avec OTP">' in choice


def test_sandbox_help_documents_the_shape_syntax(run_cli):
    result = run_cli("sandbox", "--help")
    assert result.returncode == 0 and "--shape" in result.stdout and "code=one|boxes|late" in result.stdout

"""Property test: random valid declarations (random préétabli, CSV encoding and separator, situations,
new hires) build and check clean; each single mutation of the catalogue is refused or warned, for the
right reason (the finding names the field it broke)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ebds.check import inspect
from tests.bot.ebds.mutations import MUTATIONS, built, cases, outcome, sample_case

FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def test_the_fixed_sample_checks_clean():
    case = built(sample_case())
    found = inspect(case.content, preetabli=case.preetabli)
    assert not found.errors and not found.warnings, [str(p) for p in found.errors + found.warnings]


@FAST
@given(cases())
def test_random_valid_declarations_check_clean(case):
    case = built(case)
    found = inspect(case.content, preetabli=case.preetabli)
    assert not found.errors and not found.warnings, [str(p) for p in found.errors + found.warnings]


@FAST
@given(cases(), st.sampled_from(MUTATIONS))
def test_a_random_single_mutation_is_refused_or_warned(case, mutation):
    verdict, messages = outcome(mutation, built(case))
    assert verdict != "accepté", mutation.kind
    assert any(mutation.mention in m for m in messages), (mutation.kind, messages)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.kind for m in MUTATIONS])
def test_every_mutation_kind_is_refused_or_warned(mutation):
    """Each kind at least once, on a fixed declaration (hypothesis samples only some kinds)."""
    case = built(sample_case())
    verdict, messages = outcome(mutation, case)
    assert verdict != "accepté" and any(mutation.mention in m for m in messages), (verdict, messages)
    expected = "averti" if "(avertissement)" in mutation.kind else "refusé"
    assert verdict == expected, messages


@settings(max_examples=40, deadline=None, database=None)
@given(st.lists(st.tuples(st.integers(0, 10_000), st.characters(codec="latin-1")), max_size=8), st.text(max_size=300))
def test_random_edits_and_garbage_never_crash(edits, garbage):
    case = built(sample_case())
    text = list(case.content)
    for position, char in edits:
        text[position % len(text)] = char
    for content in ("".join(text), garbage, case.content + garbage):
        found = inspect(content, preetabli=case.preetabli)
        assert all(isinstance(str(p), str) for p in found.errors + found.warnings)

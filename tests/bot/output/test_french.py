"""Money and periods in French."""

from bot.output.french import money, period


def test_money_is_written_as_a_pharmacist_reads_it():
    assert money(301016) == "3 010,16 MAD"
    assert money(5) == "0,05 MAD"
    assert money(123456789) == "1 234 567,89 MAD"
    assert money(-1050) == "-10,50 MAD"
    assert money(None) == "—"


def test_period_in_words():
    assert period("2026-10") == "octobre 2026"
    assert period("2027-02") == "février 2027"
    assert period("bientôt") == "bientôt"

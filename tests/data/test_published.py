"""The arithmetic of published percentages, against Python's decimal module as reference."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from leisurenet.data.published import load_published, rounded_units, summed_units, units


@pytest.mark.parametrize("decimals", [0, 1, 2])
@pytest.mark.parametrize("n", [7, 77, 104])
def test_rounded_units_is_half_up_rounding(n, decimals):
    step = Decimal(1).scaleb(-decimals)
    for k in range(n + 1):
        reference = (Decimal(100 * k) / Decimal(n)).quantize(step, rounding=ROUND_HALF_UP)
        assert rounded_units(k, n, decimals) == int(reference.scaleb(decimals))


def test_units_reads_printed_values_exactly():
    assert units(92.2, 1) == 922
    assert units(52.0, 1) == 520
    assert units(91, 0) == 91
    assert units(0.3, 1) == 3  # 0.3 is not exact in binary; the conversion must not care


def test_summed_rounding_explains_the_figure_the_instrument_cites():
    # INSTRUMENT.md: 42.9 + 39.0 = 81.9 for 33 + 30 of 77, while 63/77 is 81.8%.
    counts = {4: 33, 5: 30}
    assert summed_units(counts, [4, 5], 77, 1) == 819
    assert rounded_units(63, 77, 1) == 818


def test_load_published_rejects_duplicate_ids_and_unknown_statistics(tmp_path):
    path = tmp_path / "published.yaml"
    path.write_text(
        "n_respondents: 77\nfigures:\n"
        "  - {id: a, items: [x], statistic: pct_positive, value: 1, decimals: 0}\n"
        "  - {id: a, items: [x], statistic: pct_positive, value: 1, decimals: 0}\n"
    )
    with pytest.raises(ValueError, match="unique"):
        load_published(path)
    path.write_text(
        "n_respondents: 77\nfigures:\n  - {id: a, items: [x], statistic: median, value: 1, decimals: 0}\n"
    )
    with pytest.raises(ValueError, match="unknown statistic"):
        load_published(path)
    assert load_published(None) is None

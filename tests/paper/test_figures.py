"""Figures: what is drawn equals the data, missing answers apart, n and source printed,
three formats, byte-identical reruns."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from leisurenet.analysis.nonresponse import NONRESPONSE_COLUMNS
from leisurenet.paper import labels as L
from leisurenet.paper.figures import by_size, multiverse, odds_ratios
from leisurenet.paper.figures import likert as likert_module
from leisurenet.paper.figures.by_size import (
    FRAME_COLOUR,
    RESPONDENT_COLOUR,
    RESPONSE_COLUMNS,
    ROLE_COLOURS,
    plot_response_by_size,
    plot_role_by_size,
    response_table,
    size_class_labels,
)
from leisurenet.paper.figures.likert import likert_groups, likert_table, plot_likert
from leisurenet.paper.figures.multiverse import SPEC_COLOURS, plot_specification_curve
from leisurenet.paper.figures.odds_ratios import OR_RRR_TITLE, plot_odds_ratios
from leisurenet.paper.figures.style import (
    FIGURE_WIDTH,
    _seaborn,
    figure_style,
    save_figure,
    source_line,
    theme,
)
from leisurenet.workflow.plan import likert_constructs, likert_figure_name

SOURCE = "Source: test fixture (not the study's data); n = 77"
SIZE_LABELS = size_class_labels([15000, 40000], ["small", "medium", "large"])


def drawn(ax, gid: str) -> list:
    """The bar segments an Axes holds with a given gid, as (row, left, width)."""
    return [
        (round(p.get_y() + p.get_height() / 2), p.get_x(), p.get_width())
        for p in ax.patches
        if p.get_gid() == gid
    ]


def texts(fig, gid: str | None = None) -> list[str]:
    found = [t for ax in fig.axes for t in ax.texts] + list(fig.texts)
    return [t.get_text() for t in found if gid is None or t.get_gid() == gid]


def panels(fig, table):
    """(items, scale Axes, missing Axes) per panel: each panel adds its two Axes in turn."""
    group_of = table["group"].fillna("")  # one panel without a title: group None
    out = []
    for g, group in enumerate(dict.fromkeys(group_of)):
        part = table[group_of == group].drop_duplicates("item").sort_values("row")
        out.append((list(part["item"]), fig.axes[2 * g], fig.axes[2 * g + 1]))
    assert sum(len(items) for items, _, _ in out) == table["item"].nunique() > 0
    return out


# --- Likert charts ------------------------------------------------------------------------


def test_one_chart_per_construct_named_by_content(codebook):
    assert likert_constructs(codebook) == list(codebook.spec["constructs"])
    assert likert_figure_name("vision") == "likert_vision"


@pytest.fixture(scope="module", params=["actions", "support", "role"])
def likert(request, recoded, codebook):
    construct = request.param
    fig, table = plot_likert(recoded, codebook, construct, SOURCE)
    return construct, fig, table


def test_segments_are_the_shares_of_the_respondents(likert, recoded, codebook):
    construct, fig, table = likert
    n = len(recoded)
    for items, ax, _ in panels(fig, table):
        segments = drawn(ax, "likert_scale")
        for row, item in enumerate(items):
            codes = recoded[item].astype("float").value_counts()  # independent of the table
            expected = sorted(100 * c / n for c in codes.values)
            widths = sorted(w for r, _, w in segments if r == row)
            np.testing.assert_allclose(widths, expected)
            # Centred: the bar starts at -(negative + neutral / 2), from the collapsed column.
            levels = recoded[f"{item}_cat"].value_counts()
            start = -(levels.get("negative", 0) + levels.get("neutral", 0) / 2) * 100 / n
            assert min(left for r, left, _ in segments if r == row) == pytest.approx(start)
            mine = table[(table["item"] == item) & (table["panel"] == "scale")].set_index("code")["pct"]
            np.testing.assert_allclose(mine, 100 * codes.reindex(codebook.codes(item), fill_value=0) / n)


def test_scale_without_neutral_splits_between_codes_2_and_3(recoded, codebook):
    fig, table = plot_likert(recoded, codebook, "support", SOURCE)
    bars = table[table["panel"] == "scale"]
    right_end = bars["left"] + bars["pct"]
    np.testing.assert_allclose(right_end[bars["code"] == 2], 0, atol=1e-12)
    np.testing.assert_allclose(bars.loc[bars["code"] == 3, "left"], 0, atol=1e-12)
    assert set(bars["level"]) == {"negative", "positive"}


def test_missing_answers_are_shown_apart(likert, recoded):
    construct, fig, table = likert
    n = len(recoded)
    for items, ax, ax_missing in panels(fig, table):
        for kind in ("dont_know", "blank"):
            assert drawn(ax, f"likert_{kind}") == []  # never among the answers
            segments = drawn(ax_missing, f"likert_{kind}")
            for row, item in enumerate(items):
                share = 100 * (recoded[f"{item}_missing"] == kind).sum() / n
                widths = [w for r, _, w in segments if r == row]
                assert widths == ([pytest.approx(share)] if share else [])
    legend = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert any("don't know" in t for t in legend) and any("blank" in t for t in legend)
    # the shares of an item, missing included, add up to the respondents
    np.testing.assert_allclose(table.groupby("item")["pct"].sum(), 100)


def test_n_valid_answers_are_printed(likert, recoded):
    construct, fig, table = likert
    for items, _, ax_missing in panels(fig, table):
        printed = [t.get_text() for t in ax_missing.texts if t.get_gid() == "n"]
        assert printed == [str(recoded[item].notna().sum()) for item in items]


def test_labels_legend_and_source(likert, codebook):
    construct, fig, table = likert
    assert SOURCE in texts(fig, "source")
    labels = [t.get_text().replace("\n", " ") for ax in fig.axes[::2] for t in ax.get_yticklabels()]
    items = codebook.items_where(construct=construct)
    assert sorted(labels) == sorted(codebook.items[i]["en"].rstrip(".") for i in items)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    scale = codebook.scale(items[0])["codes"]
    assert legend == [f"{c} {scale[c]['en']}" for c in codebook.codes(items[0])]


def test_role_statements_are_grouped_by_domain(recoded, codebook):
    groups = likert_groups(codebook, "role")
    assert [name for name, _ in groups] == ["Vision", "Objectives", "Actions"]
    assert [name for name, _ in likert_groups(codebook, "representation")][0] == "In general"
    assert likert_groups(codebook, "vision") == [(None, codebook.items_where(construct="vision"))]


def test_items_can_be_ordered_by_their_positive_share(recoded, codebook):
    _, table = plot_likert(recoded, codebook, "actions", SOURCE, order="positive")
    order = table.drop_duplicates("item").sort_values("row")["item"]
    positive = [(recoded[f"{i}_cat"] == "positive").mean() for i in order]
    assert positive == sorted(positive, reverse=True)


def test_a_missing_count_that_does_not_add_up_stops(recoded, codebook):
    broken = recoded.copy()
    broken["vis_defined_missing"] = pd.Categorical(["blank"] * len(broken), categories=["dont_know", "blank"])
    with pytest.raises(ValueError, match="vis_defined"):
        likert_table(broken, codebook, ["vis_defined"])


# --- governance role by size --------------------------------------------------------------


def test_role_shares_within_each_size_class(recoded, codebook):
    fig, table = plot_role_by_size(recoded, SOURCE, codebook=codebook, size_labels=SIZE_LABELS)
    for column, ax in zip(["role_act", "role_overall"], fig.axes, strict=True):
        expected = pd.crosstab(recoded[column], recoded["size_class"], normalize="columns") * 100
        part = table[table["column"] == column]
        for size in ["small", "medium", "large"]:
            mine = part[part["group"] == size].set_index("role")["pct"]
            np.testing.assert_allclose(mine, expected[size].reindex(mine.index))
        widths = sorted(w for _, _, w in drawn(ax, f"roles_{column}"))
        np.testing.assert_allclose(widths, sorted(part["pct"]))
        counts = recoded.groupby("size_class", observed=False)[column].count()
        assert [t.get_text() for t in ax.texts if t.get_gid() == "n"] == [
            *(f"n = {counts[s]}" for s in ["small", "medium", "large"]),
            f"n = {recoded[column].notna().sum()}",
        ]
    assert SOURCE in texts(fig, "source")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][0] == "small\n< 15,000"


def role_segments(ax, gid: str) -> dict:
    """(row, left to 6 decimals) -> (width, colour) of the stacked bars that seaborn drew."""
    return {
        (round(p.get_y() + p.get_height() / 2), round(p.get_x(), 6)): (p.get_width(), p.get_facecolor())
        for p in ax.patches
        if p.get_gid() == gid
    }


def test_role_bars_are_the_rows_of_the_figure_data(recoded, codebook):
    fig, table = plot_role_by_size(recoded, SOURCE, codebook=codebook, size_labels=SIZE_LABELS)
    groups = list(dict.fromkeys(table["group"]))
    for column, ax in zip(["role_act", "role_overall"], fig.axes, strict=True):
        segments = role_segments(ax, f"roles_{column}")
        part = table[table["column"] == column]
        assert len(segments) == len(part)  # one segment per row, the first role at the left
        for _, row in part.iterrows():
            width, colour = segments[groups.index(row["group"]), round(row["left"], 6)]
            assert width == pytest.approx(row["pct"], abs=1e-9)
            assert colour == to_rgba(ROLE_COLOURS[row["role"]])
        assert [t.get_text() for t in ax.get_yticklabels()][-1] == "all sizes"
        assert ax.get_xlabel() in ("", "% of the respondents in the size class (n: respondents with a role)")


def test_the_none_role_has_a_colour_of_its_own(recoded, codebook):
    # governance_role.rule highest_agreed adds the level 'none' (no role statement agreed with)
    data = recoded.copy()
    for column in ("role_act", "role_overall"):
        data[column] = data[column].cat.add_categories("none")
        data.loc[data.index[:6], column] = "none"
    fig, table = plot_role_by_size(data, SOURCE, codebook=codebook)
    assert "none" in set(table["role"])
    segments = role_segments(fig.axes[0], "roles_role_act")
    part = table[table["column"] == "role_act"]
    row = part[(part["role"] == "none") & (part["group"] == "small")].iloc[0]
    assert segments[0, round(row["left"], 6)][1] == to_rgba(ROLE_COLOURS["none"])
    assert len({ROLE_COLOURS[r] for r in set(table["role"])}) == len(set(table["role"]))


# --- odds ratios --------------------------------------------------------------------------


@pytest.fixture
def coefficients() -> pd.DataFrame:
    """What results/models/coefficients.csv holds: ordinal and binary logit models with
    thresholds and an intercept, an OLS model (no odds ratio), a flag, an infinite bound."""
    rows = [
        ("rep_voice_by_size", "threshold[1|2]", -2.0, np.nan, np.nan, np.nan, ""),
        ("rep_voice_by_size", "threshold[2|3]", -0.5, np.nan, np.nan, np.nan, ""),
        ("rep_voice_by_size", "size_class[medium]", 0.4, 1.49, 0.55, 4.06, ""),
        ("rep_voice_by_size", "size_class[large]", 0.9, 2.46, 0.74, 8.17, ""),
        ("facilitator_by_size", "Intercept", -1.0, 0.37, 0.14, 1.0, ""),
        ("facilitator_by_size", "size_class[medium]", 0.3, 1.35, 0.22, 8.17, ""),
        ("facilitator_by_size", "size_class[large]", 1.8, 6.05, 0.67, np.inf, "large_std_error"),
        ("support_score_ols", "size_class[large]", 0.2, np.nan, np.nan, np.nan, ""),
    ]
    out = pd.DataFrame(
        rows, columns=["model", "term", "estimate", "odds_ratio", "or_ci_low", "or_ci_high", "flag"]
    )
    out["std_error"] = out["statistic"] = out["p_value"] = 0.5
    out["ci_low"], out["ci_high"] = out["estimate"] - 1, out["estimate"] + 1
    return out


def test_forest_plot_of_the_logit_family_models(coefficients):
    fig, table = plot_odds_ratios(coefficients, SOURCE)
    assert list(table["model"].unique()) == ["rep_voice_by_size", "facilitator_by_size"]
    assert not table["term"].str.contains("threshold|Intercept").any()
    # seaborn's points and intervals, read back from the artists, are the table's
    drawn_points = estimates(fig)
    assert sorted(drawn_points) == sorted(zip(table["model"], table["row"], strict=True))
    np.testing.assert_allclose(
        [drawn_points[m, r][0] for m, r in zip(table["model"], table["row"], strict=True)],
        table["odds_ratio"],
    )
    hollow = [drawn_points[m, r][1] for m, r in zip(table["model"], table["row"], strict=True)]
    assert hollow == table["flag"].eq("large_std_error").tolist()
    intervals = [line.get_xdata() for line in fig.axes[0].lines if line.get_marker() in ("None", "")]
    intervals = sorted((x[0], x[1]) for x in intervals if len(x) == 2 and x[0] != x[1])
    part = table[table["model"] == "rep_voice_by_size"]
    np.testing.assert_allclose(intervals, sorted(zip(part["or_ci_low"], part["or_ci_high"], strict=True)))
    # the infinite bound ends at the axis' edge, in an arrow
    right = fig.axes[1].get_xlim()[1]
    assert any(line.get_marker() == ">" and line.get_xdata()[0] == right for line in fig.axes[1].lines)
    for ax in fig.axes:
        assert ax.get_xscale() == "log"
        assert any(line.get_xdata()[0] == 1 for line in ax.lines)  # the reference line
    assert "6.05 (0.67\u2013\u221e)" in texts(fig, "estimate")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        "size class: medium",
        "size class: large",
    ]
    assert SOURCE in texts(fig, "source")


def estimates(fig) -> dict:
    """(model panel's title, row) -> (odds ratio drawn, open marker) of the forest plot."""
    out = {}
    for ax in fig.axes:
        model = ax.get_title(loc="left").replace(" ", "_")
        for line in ax.lines:
            if line.get_gid() == "odds_ratio":
                for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True):
                    if np.isfinite(x):
                        out[model, int(y)] = (x, line.get_markerfacecolor() == "white")
    return out


def test_forest_plot_without_odds_ratios_says_so(coefficients):
    fig, table = plot_odds_ratios(coefficients.assign(odds_ratio=np.nan), SOURCE)
    assert table.empty and any("No logit-family model" in t for t in texts(fig))


def test_term_labels(codebook):
    assert L.term_label("role_act[facilitator]", codebook) == "role (actions): facilitator"
    assert L.term_label("C(size_class, Treatment('small'))[T.large]") == "size class: large"
    assert (
        L.term_label("size_class[large]:role_overall[mixed]")
        == "size class: large \u00d7 role (overall): mixed"
    )
    assert L.is_structural_term("threshold[1|2]") and L.is_structural_term("1|2")
    assert not L.is_structural_term("size_class[large]")


def test_coefficient_labels_name_the_equation_of_a_multinomial_model(codebook):
    row = {"term": "size_class[medium]", "equation": "facilitator", "equation_reference": "coproducer"}
    assert L.coefficient_label(row, codebook) == "facilitator vs coproducer: size class: medium"
    # a pandas row, a named tuple and a CSV's empty equation (NaN) of a one-equation model
    assert L.coefficient_label(pd.Series(row)) == "facilitator vs coproducer: size class: medium"
    frame = pd.DataFrame([row | {"equation": np.nan}])
    assert [L.coefficient_label(r) for r in frame.itertuples(index=False)] == ["size class: medium"]
    assert L.coefficient_label({"term": "role_act[mixed]"}, codebook) == "role (actions): mixed"


@pytest.fixture
def multinomial(coefficients) -> pd.DataFrame:
    """The coefficients with a multinomial model of three equations against 'coproducer'."""
    rows = [
        (equation, term, or_, or_ / 2, or_ * 2)
        for equation, ors in {
            "facilitator": (1.6, 4.3),
            "commissioner": (1.5, 0.43),
            "mixed": (0.7, 0.95),
        }.items()
        for term, or_ in zip(["size_class[medium]", "size_class[large]"], ors, strict=True)
    ]
    multi = pd.DataFrame(rows, columns=["equation", "term", "odds_ratio", "or_ci_low", "or_ci_high"])
    multi = multi.assign(model="role_act_by_size", equation_reference="coproducer", flag="")
    return pd.concat(
        [coefficients.assign(equation=np.nan, equation_reference=np.nan), multi], ignore_index=True
    )


def test_forest_plot_labels_the_equations_and_relative_risk_ratios(multinomial):
    fig, table = plot_odds_ratios(multinomial, SOURCE)
    part = table[table["model"] == "role_act_by_size"]
    assert (
        part["multinomial"].all() and not table.loc[table["model"] != "role_act_by_size", "multinomial"].any()
    )
    ax = fig.axes[2]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:2] == [
        "facilitator vs coproducer: size class: medium",
        "facilitator vs coproducer: size class: large",
    ]
    assert len(set(labels)) == 6  # no term label repeated across the equations
    assert "RRR against coproducer" in ax.get_title(loc="left") and "RRR" not in fig.axes[0].get_title(
        loc="left"
    )
    assert any(t.get_text().startswith("RRR (") for t in ax.texts)
    assert any(t.get_text().startswith("OR (") for t in fig.axes[0].texts)
    assert "relative risk ratio" in fig.axes[-1].get_xlabel()
    assert any(t == OR_RRR_TITLE for t in texts(fig))


# --- response by size ---------------------------------------------------------------------


@pytest.fixture
def nonresponse() -> pd.DataFrame:
    """What results/descriptives/nonresponse.csv holds (the replica's frame)."""
    out = pd.DataFrame({"size_class": ["small", "medium", "large"], "n_frame": [45, 39, 20]})
    out["n_respondents"] = [31, 30, 16]
    out["response_rate"] = out["n_respondents"] / out["n_frame"]
    out["pct_frame"] = 100 * out["n_frame"] / 104
    out["pct_respondents"] = 100 * out["n_respondents"] / 77
    return out


def test_response_by_size(nonresponse):
    fig, table = plot_response_by_size(nonresponse, SOURCE, size_labels=SIZE_LABELS)
    ax, ax_rate = fig.axes
    for column in ("pct_frame", "pct_respondents"):
        widths = [p.get_width() for p in ax.patches if p.get_gid() == column]
        np.testing.assert_allclose(widths, nonresponse[column])
    rates = [p.get_width() for p in ax_rate.patches if p.get_gid() == "response_rate"]
    np.testing.assert_allclose(rates, 100 * nonresponse["response_rate"])
    printed = texts(fig, "n")
    assert "43% (45)" in printed and "69% (31 of 45)" in printed
    assert any(t.startswith("all: 74% (77 of 104)") for t in texts(fig))
    assert SOURCE in texts(fig, "source")


def test_response_table_reads_the_stored_columns(nonresponse):
    assert RESPONSE_COLUMNS == NONRESPONSE_COLUMNS
    stored = nonresponse.assign(response_rate=[0.1, 0.2, 0.3])  # the figure shows what is stored
    pd.testing.assert_frame_equal(response_table(stored), stored[NONRESPONSE_COLUMNS])
    with pytest.raises(ValueError, match="pct_frame"):
        response_table(nonresponse.drop(columns="pct_frame"))


def test_response_without_a_frame_says_so(nonresponse):
    fig, table = plot_response_by_size(nonresponse.iloc[:0], SOURCE)
    assert table.empty and any("No population frame" in t for t in texts(fig))


def test_response_bars_are_drawn_in_their_colours(nonresponse):
    fig, table = plot_response_by_size(nonresponse, SOURCE, size_labels=SIZE_LABELS)
    ax, ax_rate = fig.axes
    for column, colour in (("pct_frame", FRAME_COLOUR), ("pct_respondents", RESPONDENT_COLOUR)):
        bars = [p for p in ax.patches if p.get_gid() == column]
        assert {p.get_facecolor() for p in bars} == {to_rgba(colour)}  # not desaturated
    assert {p.get_facecolor() for p in ax_rate.patches} == {to_rgba(RESPONDENT_COLOUR)}
    assert ax.get_ylabel() == "" and [t.get_text() for t in ax.get_yticklabels()][0] == "small\n< 15,000"


def test_source_line_says_whether_the_data_are_synthetic():
    assert "synthetic" in source_line(True, 77) and "n = 77 respondents" in source_line(True, 77)
    assert "synthetic" not in source_line(False, 77)


# --- files --------------------------------------------------------------------------------


def test_three_formats_byte_identical_on_a_rerun(tmp_path, recoded, codebook, coefficients, nonresponse):
    def render(folder):
        folder.mkdir()
        made = [
            plot_likert(recoded, codebook, "support", SOURCE),
            plot_role_by_size(recoded, SOURCE, codebook=codebook),
            plot_odds_ratios(coefficients, SOURCE),
            plot_response_by_size(nonresponse, SOURCE),
        ]
        names = ["likert_support", "role_by_size", "model_odds_ratios", "response_by_size"]
        paths = [
            p for (fig, _), name in zip(made, names, strict=True) for p in save_figure(fig, folder / name)
        ]
        return {p.name: p.read_bytes() for p in paths}

    first, second = render(tmp_path / "a"), render(tmp_path / "b")
    assert sorted(first) == sorted(
        f"{n}.{ext}"
        for n in ["likert_support", "role_by_size", "model_odds_ratios", "response_by_size"]
        for ext in ("svg", "pdf", "png")
    )
    assert first == second
    png = first["likert_support.png"]
    assert png.startswith(b"\x89PNG") and b"Software" not in png
    assert (
        first["likert_support.pdf"].startswith(b"%PDF") and b"CreationDate" not in first["likert_support.pdf"]
    )
    assert b"<dc:date>" not in first["likert_support.svg"]
    # 200 dpi: the PNG's pixel width is the figure's width in inches times 200
    width = int.from_bytes(png[16:20], "big")
    assert width == round(FIGURE_WIDTH * 200)


def test_pdf_fonts_are_truetype_and_arrows_share_the_main_subset(tmp_path, recoded, codebook):
    # The x label's arrows are beyond Latin-1; the source has no ligature ("fi" in
    # "fixture" would get a subset of its own).
    fig, _ = plot_likert(recoded, codebook, "vision", "Source: test data.")
    (pdf,) = save_figure(fig, tmp_path / "likert_vision", formats=("pdf",))
    data = pdf.read_bytes()
    assert b"/Type3" not in data  # journals reject Type 3 fonts
    fonts = re.findall(rb"/Subtype /CIDFontType2 /BaseFont /[A-Z]{6}\+([\w-]+)", data)
    assert sorted(fonts) == [b"DejaVuSans", b"DejaVuSans-Bold", b"DejaVuSans-Oblique"]


def test_svg_and_pdf_share_a_layout_the_png_has_its_own(tmp_path, recoded, codebook, monkeypatch):
    fig, _ = plot_likert(recoded, codebook, "vision", SOURCE)
    engine = fig.get_layout_engine()
    layouts = []

    def execute(figure, run=engine.execute):
        layouts.append(figure)
        return run(figure)

    monkeypatch.setattr(engine, "execute", execute)
    save_figure(fig, tmp_path / "likert_vision")
    assert len(layouts) == 2  # SVG (PDF keeps it) and PNG, not one per format
    assert fig.get_layout_engine() is engine  # the figure keeps its engine
    save_figure(fig, tmp_path / "again", formats=("pdf",))
    assert len(layouts) == 3  # a later save lays the figure out again


# --- the multiverse -----------------------------------------------------------------------


@pytest.fixture
def specs():
    rows = []
    for i, (size, estimate, p) in enumerate(
        [("study", 2.5, 0.5), ("lower", 1.5, 0.03), ("higher", 4.0, 0.2)]
    ):
        base = {"spec": f"s{i}", "size_breaks": size, "role_rule": "highest", "dont_know": "missing",
                "neutral": "five_point", "weighting": "unweighted", "study": size == "study", "n": 77,
                "status": "ok"}  # fmt: skip
        rows.append(base | {"finding": "role_act_by_size", "term": "cramers_v", "estimate": 0.2,
                            "ci_low": np.nan, "ci_high": np.nan, "p_value": p})  # fmt: skip
        p_model = 0.01 if size == "higher" else 0.3
        rows.append(base | {"finding": "size_effect", "term": "size_class[large]", "estimate": estimate,
                            "ci_low": estimate / 3, "ci_high": estimate * 3, "p_value": p_model})  # fmt: skip
    return pd.DataFrame(rows)


def test_specification_curves(specs):
    fig, table = plot_specification_curve(specs, SOURCE)
    effect = [line for ax in fig.axes for line in ax.lines if line.get_gid() == "spec_estimate"]
    assert [line.get_ydata()[0] for line in effect] == [1.5, 2.5, 4.0]  # sorted by the estimate
    assert [line.get_markerfacecolor() == "white" for line in effect] == [True, True, False]
    assert to_rgba(effect[1].get_color()) == to_rgba(SPEC_COLOURS["study"])
    tests = [line for ax in fig.axes for line in ax.lines if line.get_gid() == "spec_p"]
    assert [line.get_ydata()[0] for line in tests] == [0.03, 0.2, 0.5]  # sorted by the p-value
    assert [line.get_markerfacecolor() == "white" for line in tests] == [False, True, True]
    labels = [t.get_text() for t in fig.axes[2].get_yticklabels()]
    assert labels[:3] == ["size cut points: study", "size cut points: lower", "size cut points: higher"]
    assert set(table["curve"]) == {"size_effect", "role_act_by_size"} and len(table) == 6
    assert SOURCE in texts(fig, "source")


# --- the theme ----------------------------------------------------------------------------

FIGURES = Path(likert_module.__file__).parent


def rc() -> dict:
    return {k: matplotlib.rcParams[k] for k in matplotlib.rcParams if k != "backend"}


def test_seaborn_and_plain_matplotlib_share_one_theme():
    before = rc()
    with figure_style():
        plain = rc()
        _seaborn()
        themed = rc()
    assert themed == plain  # seaborn's theme is the style file's, to the last parameter
    assert {k: plain[k] for k in theme()} == theme()
    assert rc() == before  # and neither leaks out of the figure


def test_the_theme_is_set_in_one_place():
    # Only style.py sets rc parameters or seaborn's theme; every chart runs in it.
    pattern = re.compile(r"rcParams|rc_context\(|style\.context\(|set_(?:theme|style|context|palette)\(")
    found = {f.name: pattern.findall(f.read_text()) for f in sorted(FIGURES.glob("*.py"))}
    assert {name: hits for name, hits in found.items() if hits} == {
        "style.py": ["style.context(", "set_theme("]
    }
    charts = [
        getattr(m, name)
        for m in (by_size, likert_module, multiverse, odds_ratios)
        for name in dir(m)
        if name.startswith("plot_")
    ]
    assert len(charts) == 5 and all(c.__wrapped__.__module__ == c.__module__ for c in charts)


def test_each_seaborn_chart_sets_the_theme_once(monkeypatch, recoded, codebook, coefficients, nonresponse):
    seaborn = _seaborn()
    calls = []
    monkeypatch.setattr(seaborn, "set_theme", lambda **kwargs: calls.append(kwargs))
    plot_role_by_size(recoded, SOURCE, codebook=codebook)
    plot_response_by_size(nonresponse, SOURCE)
    plot_odds_ratios(coefficients, SOURCE)
    assert len(calls) == 3 and all(c["rc"] == theme() and c["color_codes"] is False for c in calls)


def test_seaborn_and_matplotlib_figures_look_alike(recoded, codebook, coefficients):
    seaborn_figures = [
        plot_role_by_size(recoded, SOURCE, codebook=codebook)[0],
        plot_odds_ratios(coefficients, SOURCE)[0],
    ]
    plain = plot_likert(recoded, codebook, "vision", SOURCE)[0]
    for fig in [*seaborn_figures, plain]:
        ax = fig.axes[0]
        assert {t.get_fontsize() for t in ax.get_yticklabels()} == {theme()["ytick.labelsize"]}
        assert {t.get_fontfamily()[0] for t in ax.get_yticklabels()} == {"DejaVu Sans"}
        assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
        assert ax.get_facecolor() == to_rgba("white") and not ax.get_legend()
        assert ax.get_ylabel() == ""


def test_the_charts_in_plain_matplotlib_do_without_seaborn(recoded, codebook, specs, monkeypatch):
    monkeypatch.setitem(sys.modules, "seaborn", None)  # an import of seaborn would fail
    plot_likert(recoded, codebook, "vision", SOURCE)
    plot_specification_curve(specs, SOURCE)
    probe = "import sys\nimport leisurenet.paper.figures.by_size, leisurenet.paper.figures.odds_ratios\n"
    probe += "import leisurenet.paper.figures.likert, leisurenet.paper.figures.multiverse\n"
    probe += "print('seaborn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"  # the modules import seaborn only where they draw

"""The rendered paper (HTML and PDF): its numbers, figures, tables, citations and notices."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from leisurenet.paper.provenance import unmark

from ..conftest import OTHER_STUDY, ROOT
from ..rendered import between, html_text, pdf_text

pytestmark = pytest.mark.slow
SOURCE = (ROOT / "paper" / "paper.qmd").read_text(encoding="utf-8")


def texts(folder: Path) -> dict[str, str]:
    paper = folder / "results" / "paper"
    return {"html": html_text(paper / "paper.html"), "pdf": pdf_text(paper / "paper.pdf")}


@pytest.fixture(scope="module")
def replica_texts(replica_run):
    return texts(replica_run)


def test_headline_numbers_are_those_in_results(replica_run, replica_texts):
    items = pd.read_csv(replica_run / "results/descriptives/items.csv").set_index("item")
    tests = pd.read_csv(replica_run / "results/crosstabs/tests.csv").set_index("crosstab")
    coefficients = pd.read_csv(replica_run / "results/models/coefficients.csv")
    large = coefficients[
        (coefficients["model"] == "rep_voice_ordinal") & (coefficients["term"] == "size_class[large]")
    ]
    expected = [
        f"{items.loc['vis_defined', 'pct_positive']:.1f}%",
        f"{items.loc['act_same_orgs', 'pct_positive']:.1f}%",
        "{:.1f}–{:.1f}%".format(*(100 * items.loc["vis_defined", ["ci_low", "ci_high"]])),
        f"p = {tests.loc['role_act_by_size', 'p_exact']:.3f}",
        "{:.2f} [{:.2f}–{:.2f}]".format(*large[["odds_ratio", "or_ci_low", "or_ci_high"]].iloc[0]),
        "77 of the 104",
    ]
    boot = pd.read_csv(replica_run / "results/bootstrap/intervals.csv").set_index("term")
    expected.append(
        "{:.2f}–{:.2f} for large against small municipalities".format(
            *boot.loc["size_class[large]", ["or_ci_low", "or_ci_high"]]
        )
    )
    summary = pd.read_csv(replica_run / "results/multiverse/summary.csv").set_index("term")
    row = summary.loc["size_class[large]"]
    expected.append(
        "ranges from {:.2f} to {:.2f} (study: {:.2f})".format(
            *row[["estimate_min", "estimate_max", "estimate_study"]]
        )
    )
    expected.append(f"Over the {row['n_specs']} specifications")
    expected += weighted_numbers(replica_run)
    for fmt, text in replica_texts.items():
        for number in expected:
            assert number in text, (fmt, number)


def weighted_numbers(folder: Path) -> list[str]:
    """What the weighted results put in the text: the largest change of a share, the headline
    cross-tab's Rao-Scott p and the weighted primary model's size odds ratio."""
    weighted = pd.read_csv(folder / "results/descriptives/weighted.csv")
    change = (weighted["pct_positive_valid_weighted"] - weighted["pct_positive_valid"]).abs()
    tests = pd.read_csv(folder / "results/crosstabs/tests_weighted.csv").set_index("crosstab")
    coefficients = pd.read_csv(folder / "results/models/coefficients.csv").set_index(["model", "term"])
    large = coefficients.loc[("rep_voice_ordinal_weighted", "size_class[large]")]
    return [
        f"change by at most {change.max():.1f} percentage points",
        f"gives the {min(8, len(weighted))} of the {len(weighted)} items",
        f"the weighted Rao–Scott test gives p = {tests.loc['role_act_by_size', 'p_F_no_fpc']:.3f}",
        "{:.2f} [{:.2f}–{:.2f}] for large against small municipalities (unweighted".format(
            *large[["odds_ratio", "or_ci_low", "or_ci_high"]]
        ),
        "Weighting the respondents to the frame changes",
        "simple random sample without replacement from the frame of 104 networks",
    ]


# The paper's headline numbers computed apart from the pipeline, in R 4.2.2 (MASS 7.3-58.2,
# survey 4.1-1, psych 2.2.9), from each run's clean data only, with the recoding written out:
#   d <- read.csv("results/clean/responses.csv"); f <- read.csv("results/clean/frame.csv")
#   items <- sub("_missing$", "", grep("_missing$", names(d), value = TRUE))
#   size <- function(pop) cut(pop, c(-Inf, 15000, 40000, Inf), right = FALSE,
#                             labels = c("small", "medium", "large"))
#   d$size_class <- size(d$municipality_pop); f$size_class <- size(f$municipality_pop)
#   roles <- c("facilitator", "coproducer", "commissioner"); s <- as.matrix(d[paste0("role_act_", roles)])
#   top <- apply(s, 1, function(r) if (all(is.na(r))) NA else max(r, na.rm = TRUE))
#   d$role_act <- sapply(seq_len(nrow(s)), function(i) { if (is.na(top[i])) return(NA)
#     w <- which(!is.na(s[i, ]) & s[i, ] == top[i]); if (length(w) == 1) roles[w] else "mixed" })
#   d$role_act <- factor(d$role_act, levels = c("coproducer", "facilitator", "commissioner", "mixed"))
#   tab <- table(d$role_act, d$size_class)
# rr1 (completes, frame): answered <- rowMeans(sapply(items, function(i) !is.na(d[[i]]) |
#     (!is.na(d[[paste0(i, "_missing")]]) & d[[paste0(i, "_missing")]] == "dont_know")))
#   c(sum(answered > 0.8), nrow(f))
# p_exact: fisher.test(tab, workspace = 2e9)$p.value
# cramers_v: cs <- chisq.test(tab, correct = FALSE); sqrt(cs$statistic / (sum(tab) * (min(dim(tab)) - 1)))
# odds_ratios: m <- polr(factor(rep_voice) ~ size_class + role_act, data = d, Hess = TRUE,
#     control = list(reltol = 1e-14, maxit = 10000))
#   est <- coef(m); ci <- confint.default(m)[names(est), ]; cbind(exp(est), exp(ci))
# boot_large: cc <- d[complete.cases(d[c("rep_voice", "size_class", "role_act")]),
#     c("rep_voice", "size_class", "role_act")]; set.seed(20161104)
#   boot <- replicate(4000, { r <- cc[sample.int(nrow(cc), replace = TRUE), ]
#     b <- tryCatch(coef(polr(factor(rep_voice) ~ size_class + role_act, data = r))["size_classlarge"],
#                   error = function(e) NA)
#     if (!all(table(r$size_class) > 0)) NA else b })      (all 4000 finite on both data sets)
#   quantile(boot, c(0.025, 0.975), type = 7), with Maritz-Jarrett Monte Carlo SEs:
#   mj <- function(x, q) { x <- sort(x); n <- length(x); m <- floor(q * n + 0.5)
#     w <- pbeta((1:n)/n, m - 1, n - m) - pbeta((0:(n - 1))/n, m - 1, n - m)
#     sqrt(sum(w * x^2) - sum(w * x)^2) }; mj(boot, 0.025); mj(boot, 0.975)
# weighted (share %, SE %, logit interval): d$N <- nrow(f); d$y <- as.numeric(d$rep_voice >= 4)
#   ps <- postStratify(svydesign(ids = ~1, fpc = ~N, data = d), ~size_class,
#                      as.data.frame(table(size_class = f$size_class)))
#   sm <- svymean(~y, ps, na.rm = TRUE); 100 * coef(sm); 100 * SE(sm)
#   confint(svyciprop(~y, ps, method = "logit", level = 0.95, na.rm = TRUE))
# alpha (n_used, alpha), items of config/codebook.yaml multi_item_scales:
#   nrow(na.omit(d[items])); psych::alpha(na.omit(d[items]), warnings = FALSE)$total$raw_alpha
PINNED = {
    "replica_run": {
        "rr1": (77, 104),
        "p_exact": 0.53957180814780825,
        "cramers_v": 0.19070834362553399,
        "odds_ratios": {
            "size_class[medium]": (1.02230224402365044, 0.39490584008027224, 2.6464584011301389),
            "size_class[large]": (2.54039955165225839, 0.83122808472983012, 7.7639699627480523),
            "role_act[facilitator]": (0.57457871072012467, 0.16036428317865098, 2.0586921742730788),
            "role_act[commissioner]": (0.56193682550060453, 0.17686882158855838, 1.7853513865109856),
            "role_act[mixed]": (0.78385068071905117, 0.27035527680265531, 2.2726461895996746),
        },
        # (low, high, their Monte Carlo SEs), logit scale
        "boot_large": (-0.03796633533165774, 2.1503815103245927, 0.026634275282516679, 0.02795062314551176),
        # (share %, SE %, logit interval)
        "weighted": (61.950992555831277, 2.7571281521881645, 0.56328565923054874, 0.67270162734437011),
        # scale: (n_used, alpha)
        "alpha": {
            "vision": (77, 0.56853702280297214),
            "objectives": (76, 0.68130744075755922),
            "effort": (77, 0.62626843912451324),
            "participation": (55, 0.89892595459065661),
            "support": (77, 0.69510568554312191),
        },
    },
    "other_run": {
        "rr1": (120, 162),
        "p_exact": 0.0014299778885144675,
        "cramers_v": 0.31998054401445708,
        "odds_ratios": {
            "size_class[medium]": (2.39215448198019853, 1.105414130985933108, 5.17670518699997739),
            "size_class[large]": (7.12195149701977570, 2.470477737913161942, 20.53132976974234580),
            "role_act[facilitator]": (1.08587594233213935, 0.331936153119348709, 3.55226916699173989),
            "role_act[commissioner]": (0.12442137861290664, 0.037865211732966537, 0.40883646881758606),
            "role_act[mixed]": (1.75104626694786147, 0.776434911673837602, 3.94902777153851803),
        },
        "boot_large": (0.92299282804598803, 3.2148301126957799, 0.023915253058649388, 0.027392606751667017),
        "weighted": (61.659066995636223, 2.2308967298906359, 0.57156673567959704, 0.65970012718391846),
        "alpha": {
            "vision": (102, 0.81136571261737256),
            "objectives": (95, 0.71462771493997645),
            "effort": (101, 0.58997985402424113),
            "participation": (87, 0.90806331492255765),
            "support": (50, 0.77968798457451816),
        },
    },
}
# polr stops at a relative change of 1e-14 in the likelihood, the pipeline's fit at its own
# tolerance: the odds ratios agree to about 1e-8.
MODEL_RTOL = 1e-6
# The other closed forms and exact computations agree to rounding.
RTOL = 1e-9


def recomputed(folder: Path, codebook) -> dict:
    """What SciPy recomputes cheaply of PINNED from the clean data, the recoding written out
    as in the R calls above: the response rate, Cramér's V, the post-stratified share and the
    alphas (k / (k - 1) (1 - sum of item variances / variance of the sum))."""
    d = pd.read_csv(folder / "results/clean/responses.csv")
    frame = pd.read_csv(folder / "results/clean/frame.csv")
    items = [c.removesuffix("_missing") for c in d.columns if c.endswith("_missing")]
    answered = pd.DataFrame({i: d[i].notna() | d[f"{i}_missing"].eq("dont_know") for i in items}).mean(axis=1)
    cut = dict(bins=[-np.inf, 15000, 40000, np.inf], right=False, labels=["small", "medium", "large"])
    d["size_class"] = pd.cut(d["municipality_pop"], **cut)
    frame["size_class"] = pd.cut(frame["municipality_pop"], **cut)
    scores = d[[f"role_act_{r}" for r in ("facilitator", "coproducer", "commissioner")]]
    top = scores.eq(scores.max(axis=1), axis=0)
    role = np.where(top.sum(axis=1) == 1, top.idxmax(axis=1).str.removeprefix("role_act_"), "mixed")
    table = pd.crosstab(pd.Series(role).where(scores.notna().any(axis=1).to_numpy()), d["size_class"])
    # post-stratified weights N_h / n_h over all respondents; the share among the valid answers
    ratio = frame["size_class"].value_counts() / d["size_class"].value_counts()
    weight = d["size_class"].map(ratio).astype(float)
    valid = d["rep_voice"].notna()
    share = (weight[valid] * (d.loc[valid, "rep_voice"] >= 4)).sum() / weight[valid].sum()
    alpha = {}
    for name, spec in codebook.spec["multi_item_scales"].items():
        x = d[spec["items"]].dropna()
        k = x.shape[1]
        alpha[name] = (len(x), k / (k - 1) * (1 - x.var().sum() / x.sum(axis=1).var()))
    return {
        "rr1": (int((answered > 0.8).sum()), len(frame)),
        "cramers_v": stats.contingency.association(table.to_numpy(), method="cramer"),
        "weighted_share": 100 * share,
        "alpha": alpha,
    }


@pytest.mark.parametrize("run_name", list(PINNED))
def test_headline_numbers_match_independent_computations(request, run_name, codebook):
    """The tidy outputs and both rendered papers against R (and SciPy) on the clean data."""
    folder = request.getfixturevalue(run_name)
    pins, text = PINNED[run_name], texts(folder)
    ours = recomputed(folder, codebook)
    assert ours["rr1"] == pins["rr1"]
    assert ours["cramers_v"] == pytest.approx(pins["cramers_v"], rel=RTOL)
    assert ours["weighted_share"] == pytest.approx(pins["weighted"][0], rel=RTOL)
    assert ours["alpha"] == {k: (n, pytest.approx(a, rel=RTOL)) for k, (n, a) in pins["alpha"].items()}

    complete, frame = pins["rr1"]
    disposition = pd.read_csv(folder / "results/clean/disposition.csv")
    assert ((disposition["aapor_group"] == "I").sum(), int(disposition["in_frame"].sum())) == pins["rr1"]
    printed = [f"{complete} / {frame} = {100 * complete / frame:.1f}%"]

    tests = pd.read_csv(folder / "results/crosstabs/tests.csv").set_index("crosstab").loc["role_act_by_size"]
    assert tests["exact_method"] == "exact (network algorithm)"
    assert tests["p_exact"] == pytest.approx(pins["p_exact"], rel=RTOL)
    assert tests["cramers_v"] == pytest.approx(pins["cramers_v"], rel=RTOL)
    printed.append(f"gives p = {pins['p_exact']:.3f} (Cramér’s V = {pins['cramers_v']:.2f},")

    coefficients = pd.read_csv(folder / "results/models/coefficients.csv")
    model = coefficients[coefficients["model"] == "rep_voice_ordinal"].set_index("term")
    for term, values in pins["odds_ratios"].items():
        got = model.loc[term, ["odds_ratio", "or_ci_low", "or_ci_high"]].to_numpy(dtype=float)
        np.testing.assert_allclose(got, values, rtol=MODEL_RTOL, err_msg=term)
        printed.append("{:.2f} [{:.2f}–{:.2f}]".format(*values))

    share, se, low, high = pins["weighted"]
    weighted = pd.read_csv(folder / "results/descriptives/weighted.csv").set_index("item").loc["rep_voice"]
    assert weighted["pct_positive_valid_weighted"] == pytest.approx(share, rel=RTOL)
    assert weighted["se_weighted"] == pytest.approx(se, rel=RTOL)
    assert (weighted["ci_low"], weighted["ci_high"]) == pytest.approx((low, high), rel=RTOL)
    printed.append(f"{share:.1f}% [{100 * low:.1f}–{100 * high:.1f}]")

    scales = pd.read_csv(folder / "results/descriptives/scales.csv").set_index("scale")
    for name, (n_used, alpha) in pins["alpha"].items():
        assert scales.loc[name, "n_used"] == n_used
        assert scales.loc[name, "alpha"] == pytest.approx(alpha, rel=RTOL), name
        spec = codebook.spec["multi_item_scales"][name]
        printed.append(f"{spec['en']} {len(spec['items'])} {n_used} {alpha:.2f} [")

    # The bootstrap: two Monte Carlo estimates of the same interval (400 replicates here, 4000
    # in R), within 4 SEs of their difference; printed as odds ratios, also rounded to 0.01.
    boot = pd.read_csv(folder / "results/bootstrap/intervals.csv").set_index("term").loc["size_class[large]"]
    large = pins["odds_ratios"]["size_class[large]"]
    # the bootstrap's reference point is the model's own estimate, as its table prints it
    assert boot["odds_ratio"] == pytest.approx(large[0], rel=MODEL_RTOL)
    printed.append("Large against small municipalities {:.2f} {:.2f}–{:.2f} ".format(*large))
    r_low, r_high, r_low_se, r_high_se = pins["boot_large"]
    low_budget = 4 * np.hypot(boot["ci_low_mc_se"], r_low_se)
    high_budget = 4 * np.hypot(boot["ci_high_mc_se"], r_high_se)
    assert abs(boot["ci_low"] - r_low) < low_budget
    assert abs(boot["ci_high"] - r_high) < high_budget
    for fmt, page in text.items():
        for number in printed:
            assert number in page, (fmt, number)
        shown = re.search(r"and (\d+\.\d\d)–(\d+\.\d\d) for large against small municipalities; ", page)
        assert shown, fmt
        or_low, or_high = map(float, shown.groups())
        # the odds ratio's SE is exp(end) times the end's (delta method)
        assert abs(or_low - np.exp(r_low)) < np.exp(r_low) * low_budget + 0.005, fmt
        assert abs(or_high - np.exp(r_high)) < np.exp(r_high) * high_budget + 0.005, fmt


def test_every_figure_and_table_is_present_and_referenced(replica_run, replica_texts):
    labels = re.findall(r"\{#((?:fig|tbl)-[\w-]+)", SOURCE)
    tables = sorted((replica_run / "results/paper/assets/tables").glob("*.md"))
    labels += [m.group(1) for t in tables if (m := re.search(r"\{#(tbl-[\w-]+)\}", t.read_text()))]
    labels = sorted(set(labels))
    page = (replica_run / "results/paper/paper.html").read_text(encoding="utf-8")
    # a table shown only with some results (the weighted one) is referenced by the generated text
    generated = (replica_run / "results/paper/assets/_variables.yml").read_text(encoding="utf-8")
    for label in labels:
        assert f"@{label}" in SOURCE or f"@{label}" in generated, f"{label} is never referenced in the text"
        assert f'id="{label}"' in page and f'href="#{label}"' in page, label
    n_fig = sum(1 for label in labels if label.startswith("fig-"))
    n_tbl = len(labels) - n_fig
    for fmt, text in replica_texts.items():
        assert f"Figure {n_fig}" in text and f"Table {n_tbl}" in text, fmt
        assert f"Figure {n_fig + 1}:" not in text and f"Table {n_tbl + 1}:" not in text, fmt
    assert page.count("<img") >= n_fig  # every figure embedded (self-contained HTML)
    assert 'src="data:image' in page and 'src="figures/' not in page


def test_citations_and_cross_references_resolve(replica_texts):
    keys = re.findall(r"@(\w+)", SOURCE)
    bib = (ROOT / "paper/references.bib").read_text()
    cited = {k for k in keys if not re.match(r"(fig|tbl|sec)", k)}
    assert cited <= set(re.findall(r"@\w+\{(\w+),", bib))
    for fmt, text in replica_texts.items():
        assert "??" not in text, fmt
        assert not re.search(r"@(fig|tbl|sec)-|@(" + "|".join(cited) + r")\b", text), fmt
        assert "Provan" in text and "Span" in text and "Firth" in text, fmt
        assert "Lumley" in text and "Rao and Scott" in text, fmt
        assert "{{<" not in text, fmt


def test_synthetic_notice_and_renderer_colophon(replica_run, replica_texts):
    renderer = yaml.safe_load((replica_run / "results/paper/build/_variables.yml").read_text())["software"]
    for fmt, text in replica_texts.items():
        assert "Synthetic data" in text[:1000], fmt  # in the abstract, on the first page
        assert "Synthetic data. Every number" in text, fmt  # the notice above the introduction
        assert "The data analysed here are synthetic" in text, fmt
        assert "synthetic replica of the 2016 coordinator survey" in text.lower(), fmt  # figure captions
        assert f"rendered by {unmark(renderer['renderer'])}" in text, fmt


def engine_versions(pdf: Path) -> dict[str, str]:
    """Each engine's version as the engine reports it: Typst's in the PDF it wrote, Pandoc's and
    Quarto's by their ``--version`` (the pinned Pandoc binary, the Quarto on PATH as the run's)."""
    import pypandoc
    import pypdf

    def first_line(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()[0]

    versions = {"typst": pypdf.PdfReader(pdf).metadata["/Creator"].removeprefix("Typst ")}
    versions["pandoc"] = first_line(pypandoc.get_pandoc_path(), "--version").split()[1]
    if shutil.which("quarto"):
        versions["quarto"] = first_line("quarto", "--version").strip()
    return versions


def test_the_colophon_names_each_engine_as_it_reports_its_version(replica_run, replica_texts):
    """The versions the colophon prints, as provenance.csv traces them: Typst's is the one the
    PDF's metadata names as its creator (the compiler's, not the Python binding's)."""
    from ..paper.test_provenance import read_provenance

    provenance = read_provenance(replica_run)
    named = provenance[
        (provenance["variable"] == "software.renderer") & (provenance["source"] == "(environment)")
    ]
    engines = dict(zip(named["row_key"], named["text"], strict=True))
    assert "typst" in engines and len(engines.keys() & {"quarto", "pandoc"}) == 1, engines
    reported = engine_versions(replica_run / "results/paper/paper.pdf")
    assert engines == {engine: reported[engine] for engine in engines}
    for fmt, text in replica_texts.items():
        assert f"Typst {reported['typst']}" in between(text, "rendered by", "The data file"), fmt


def test_another_dataset_gives_other_numbers_in_the_text(replica_run, other_run):
    ours, theirs = texts(replica_run), texts(other_run)
    assert "120 of the 162" in theirs["html"] and "120 of the 162" in theirs["pdf"]
    mine = yaml.safe_load((other_run / "results/paper/assets/_variables.yml").read_text())
    first = yaml.safe_load((replica_run / "results/paper/assets/_variables.yml").read_text())
    theirs_agree, ours_agree = (unmark(v["items"]["obj_achieved"]["agree"]) for v in (mine, first))
    assert theirs_agree != ours_agree
    for fmt in ("html", "pdf"):
        assert f"{theirs_agree} that they are achieved" in theirs[fmt]
        assert f"{ours_agree} that they are achieved" in ours[fmt]


def test_the_configured_fieldwork_is_printed_as_dates_and_traced_to_its_config_file(replica_run, other_run):
    """other.yaml dates the fieldwork; the replica's configuration leaves it unknown."""
    start, end = (OTHER_STUDY["fieldwork"][k] for k in ("start", "end"))
    dated = f"Fieldwork ran from {start.day} {start:%B %Y} to {end.day} {end:%B %Y}."
    unknown = "The study did not report when the fieldwork took place"
    for fmt, text in texts(other_run).items():
        assert dated in text and unknown not in text, fmt
    for fmt, text in texts(replica_run).items():
        assert unknown in text and "Fieldwork ran" not in text, fmt
    provenance = pd.read_csv(other_run / "results/paper/provenance.csv", dtype=str, keep_default_na=False)
    rows = provenance[provenance["row_key"] == "study.fieldwork"].set_index("column")
    assert rows.loc["start", "text"] == f"{start.day} {start:%B %Y}"
    assert rows.loc["start", "value"] == start.isoformat()
    assert set(rows["source"]) == {"other.yaml"}
    assert set(rows["location"]) == {"Section The survey and the data"}
    mode = provenance[(provenance["row_key"] == "study") & (provenance["column"] == "mode")]
    assert mode["source"].tolist() == ["config/config.yaml"]


def test_the_notice_is_absent_when_the_data_are_not_synthetic(metadata_run):
    folder, _ = metadata_run
    for fmt, text in texts(folder).items():
        assert "synthetic" not in text.lower(), fmt
        assert html.unescape("Source: coordinator survey") in text, fmt


# The phrases that state a test's verdict (paper/sentences.yml: crosstab, paired, nonresponse,
# weighting and multiverse); each sentence with one says, on synthetic data, whose data it is.
VERDICTS = re.compile(
    r"evidence of an association|reach(?:es)? p <|is rated higher than guiding input|"
    r"does not differ detectably|differs from the non-respondents|"
    r"change[s]? (?:none |some )?of these verdicts|change these verdicts|qualifies them"
)


def verdict_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=\.)\s+(?=[A-Z])", " ".join(text.split())) if VERDICTS.search(s)]


def test_on_synthetic_data_no_verdict_reads_as_a_finding_about_the_networks(replica_texts, metadata_run):
    for fmt, text in replica_texts.items():
        sentences = verdict_sentences(text)
        assert len(sentences) >= 6, fmt
        for sentence in sentences:
            assert "in the synthetic replica" in sentence, (fmt, sentence)
    for fmt, text in texts(metadata_run[0]).items():
        sentences = verdict_sentences(text)
        assert len(sentences) >= 3, fmt
        assert not any("replica" in s for s in sentences), fmt

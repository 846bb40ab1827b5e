"""Readable names for the paper's text: variables, model terms, models and cross-tabs.

Results name things by IDs (``role_act``, ``size_class[large]``, ``rep_voice_ordinal``,
``role_act_by_size``); the paper names them in words. The words come from the template
(section ``names`` of ``paper/sentences.yml``), filled with the codebook's wording, the
domains' names and the levels' labels, so that an author changes them without touching code.
The figures keep their shorter labels (:mod:`leisurenet.paper.labels`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from leisurenet.codebook import Codebook
from leisurenet.names import crosstab_name
from leisurenet.paper.labels import TERM
from leisurenet.paper.wording import Wording

SIZE = "size_class"
# The survey-weighted fit of a model is model ``<name>_weighted`` (weighted_models.WEIGHTED_SUFFIX, not
# imported: the paper's job does not load the statistics).
WEIGHTED_SUFFIX = "_weighted"


@dataclass(frozen=True)
class Prose:
    """The template with what it needs to name things.

    ``models`` maps a model ID to its ``family`` and ``outcome`` (as ``fit.csv`` or
    ``config/models.yaml`` give them); ``crosstabs`` maps a cross-tab ID to its row and column
    variable.
    """

    wording: Wording
    codebook: Codebook
    models: dict = field(default_factory=dict)
    crosstabs: dict = field(default_factory=dict)
    # Whose data a test's verdict is about, as every wording may say it ({scope}): nothing for
    # the survey's own data, data.scope's `synthetic` wording for the replica, so that no
    # verdict on generated data reads as a finding about the networks.
    scope: str = ""

    @classmethod
    def from_config(
        cls, wording: Wording, codebook: Codebook, models: dict, families: dict, synthetic: bool
    ) -> Prose:
        """From the models' families and outcomes, the config's ``crosstabs`` families and
        whether the data are the synthetic replica."""
        pairs = {
            crosstab_name(row, f["col"]): (row, f["col"]) for f in families.values() for row in f["rows"]
        }
        scope = wording.render("data.scope", "synthetic" if synthetic else "real")
        return cls(wording, codebook, models, pairs, scope)

    def say(self, key: str, variant: str | None = None, /, **values) -> str:
        return self.wording.render(key, variant, **({"scope": self.scope} | values))

    def join(self, parts: list[str]) -> str:
        """ "a", "a and b", "a, b and c" (the template's ``names.list``)."""
        parts = list(parts)
        if len(parts) <= 1:
            return self.say("names.list", "one", last="".join(parts))
        variant = "two" if len(parts) == 2 else "more"
        return self.say("names.list", variant, first=", ".join(parts[:-1]), last=parts[-1])

    # --- variables and terms ----------------------------------------------------------

    def variable(self, name: str) -> str:
        """A column of the recoded data in words: an item by its statement, a role by its domain."""
        domains = self.codebook.spec.get("domains", {})
        base = name.removesuffix("_cat")
        if name == SIZE:
            return self.say("names.variable", "size_class")
        if name.startswith("role_") and name.removeprefix("role_") in domains:
            return self.say("names.variable", "role_domain", domain=domains[name.removeprefix("role_")]["en"])
        if name == "role_overall":
            return self.say("names.variable", "role_overall")
        if base in self.codebook.items:
            scale = self.codebook.scale(base)["name_en"]
            return self.say("names.item", scale, statement=statement(self.codebook.items[base]["en"]))
        if name.startswith("score_") and name.removeprefix("score_") in self.codebook.multi_item_scales:
            scale = self.codebook.multi_item_scales[name.removeprefix("score_")]["en"]
            return self.say("names.variable", "scale_score", scale=lowercase_first(scale))
        return self.say("names.variable", "other", name=name.replace("_", " "))

    def term(self, term: str, references: dict | None = None) -> str:
        """A model term, e.g. ``size_class[large]`` -> "large against small municipalities";
        interactions are joined by " × "."""
        return " \u00d7 ".join(
            self._term_part(part.strip(), references or {}) for part in str(term).split(":")
        )

    def _term_part(self, part: str, references: dict) -> str:
        match = TERM.fullmatch(part)
        if not match:
            return self.say("names.term", "numeric", variable=self.variable(part))
        var, level = match["var"], match["level"]
        reference = references.get(var)
        domains = self.codebook.spec.get("domains", {})
        values = {"variable": self.variable(var), "level": level, "reference": reference or ""}
        if reference is None:
            return self.say("names.term", "level", **values)
        if var == SIZE:
            return self.say("names.term", "size_class", **values)
        if var.startswith("role_") and var.removeprefix("role_") in domains:
            domain = domains[var.removeprefix("role_")]["en"]
            return self.say("names.term", "role_domain", domain=domain, **values)
        return self.say("names.term", "categorical", **values)

    def coefficient(self, row, references: dict | None = None) -> str:
        """A row of ``coefficients.csv``: its term, for a multinomial model with its equation."""
        term = self.term(row.term, references)
        equation = getattr(row, "equation", None)
        if not isinstance(equation, str) or not equation:
            return term
        reference = row.equation_reference if isinstance(row.equation_reference, str) else ""
        return self.say("names.equation", term=term, outcome=equation, reference=reference)

    # --- models and cross-tabs ---------------------------------------------------------

    def model(self, name: str) -> str:
        """A model's name: its own in ``names.model``; for the survey-weighted fit of a model,
        that model's name in ``names.model_weighted``; else one made from its family and outcome."""
        base = name.removesuffix(WEIGHTED_SUFFIX)
        if name not in self.wording.variants("names.model") and is_weighted(name):
            return self.say("names.model_weighted", model=self.model(base))
        spec = self.models.get(name)
        outcome = self.variable(spec["outcome"]) if spec else "n/a"
        if name in self.wording.variants("names.model"):
            return self.say("names.model", name, outcome=outcome)
        family = spec["family"] if spec else "unknown"
        return self.say("names.model_family", family, outcome=outcome, name=name.replace("_", " "))

    def family(self, family: str) -> str:
        return self.say("names.family", family)

    def crosstab(self, name: str) -> str:
        """A cross-tab, e.g. ``role_act_by_size`` -> "the coordinator's role for the actions by
        municipality size class"."""
        if name not in self.crosstabs:
            return self.say("names.crosstab", "unknown", name=name.replace("_", " "))
        row, col = self.crosstabs[name]
        return self.say("names.crosstab", "known", row=self.variable(row), col=self.variable(col))

    def references(self, formula: str) -> dict:
        """The reference levels a model's formula states: ``{"size_class": "small", ...}``."""
        found = re.search(r"\(reference: (.*)\)", str(formula))
        pairs = [part.split("=", 1) for part in found.group(1).split(", ")] if found else []
        return {var.strip(): level.strip() for var, level in pairs}

    def reference_levels(self, formula: str) -> str:
        """The reference levels in words, e.g. "municipality size class: small; ..."."""
        return "; ".join(
            self.say("names.reference", variable=self.variable(var), level=level)
            for var, level in self.references(formula).items()
        )


def is_weighted(model: str) -> bool:
    """Whether ``model`` is the survey-weighted fit of another model (its ID ends in the suffix)."""
    return model.endswith(WEIGHTED_SUFFIX) and model != WEIGHTED_SUFFIX


def capitalised(text: str) -> str:
    """A name at the start of a table cell or heading: "the coordinator's role" -> "The ..."."""
    return text[:1].upper() + text[1:]


def lowercase_first(text: str) -> str:
    """ "Vision" -> "vision", but "OCMW ..." stays (an acronym)."""
    return text if len(text) > 1 and text[:2].isupper() else text[:1].lower() + text[1:]


def statement(text: str) -> str:
    """An item's wording inside a sentence: lower-case first letter, no closing full stop."""
    return lowercase_first(str(text).strip().rstrip("."))

"""The ``release`` section of the configuration: its defaults, those of the disclosure
control among them, and its checks.

The Snakefile reads these when it parses the workflow, on every start of Snakemake (a
no-op run included), so this module imports nothing beyond the standard library; the
release and its checks (:mod:`leisurenet.release.archive`, :mod:`leisurenet.release.disclosure`) take
their defaults from here.
"""

from __future__ import annotations

# A cell of 1 is seen by anyone who knows who is in its group, a cell of 2 by either of its
# two members; 3 is the smallest count that protects against both (the threshold rule of
# frequency tables). With 77 respondents in tables of 6 to 12 cells, 5 would hide a third
# of the cells.
DEFAULT_MIN_CELL_SIZE = 3
# A released record carries the respondent's whole questionnaire, not one attribute, and the
# deposit is public with no user agreement: 5 is the usual floor for public-use microdata.
DEFAULT_K = 5
# What an outsider can know of a network from public sources: its municipality's size class.
# Survey answers (the governance role, say) are what the release protects, not keys to it.
DEFAULT_QUASI_IDENTIFIERS = ("size_class",)
GROUP_DISCLOSURE_MODES = ("flag", "fail")

# Defaults of the config keys under `release:` (workflow/schemas/config.schema.yaml).
DEFAULTS = {
    "seed": 20170301,
    "min_cell_size": DEFAULT_MIN_CELL_SIZE,
    "k": DEFAULT_K,
    "quasi_identifiers": list(DEFAULT_QUASI_IDENTIFIERS),
    "group_disclosure": "flag",
    "drop": [],
    "coarsen": {},
    "include_manifest": False,
    # Off by default: with the respondent-level data beside them, anyone can recount the
    # suppressed table cells, so the microdata go in only when the data owner says so.
    "microdata": False,
}


def release_settings(config: dict | None) -> dict:
    """The ``release`` config with defaults filled in and the values checked.

    Parameters
    ----------
    config : dict or None
        ``config.get("release", {})``: the keys the user set.

    Returns
    -------
    dict
        Every key of :data:`DEFAULTS`.
    """
    config = dict(config or {})
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"release: unknown key(s) {unknown}; the keys are {sorted(DEFAULTS)}")
    settings = {**DEFAULTS, **config}
    for key in ("seed", "min_cell_size", "k"):
        value = settings[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < (0 if key == "seed" else 1):
            raise ValueError(
                f"release.{key} must be an integer of at least {0 if key == 'seed' else 1}, not {value!r}"
            )
    if settings["group_disclosure"] not in GROUP_DISCLOSURE_MODES:
        raise ValueError(f"release.group_disclosure must be one of {list(GROUP_DISCLOSURE_MODES)}")
    for key in ("quasi_identifiers", "drop"):
        if not isinstance(settings[key], list) or not all(isinstance(v, str) for v in settings[key]):
            raise ValueError(f"release.{key} must be a list of column names")
    coarsen = settings["coarsen"]
    if not isinstance(coarsen, dict) or not all(isinstance(m, dict) for m in coarsen.values()):
        raise ValueError("release.coarsen must map a column to {old level: new level, ...}")
    for key in ("include_manifest", "microdata"):
        if not isinstance(settings[key], bool):
            raise ValueError(
                f"release.{key} must be true or false (a YAML boolean, unquoted), not {settings[key]!r}"
            )
    return settings

"""IDs the analyses give their results and the paper looks them up by: cross-tabs and the
kinds of representation statement.

Standard library only: the paper's job reads these without importing the statistics
(SciPy) of :mod:`leisurenet.analysis.crosstab` and :mod:`leisurenet.analysis.paired` that use them.
"""

from __future__ import annotations

# Representation statements compared in paired.csv, by the end of their item id: the
# codebook marks domain and construct but not the kind of statement.
INVOLVEMENT_KINDS = ("from_start", "expertise")
GUIDING_KIND = "guiding"

SUFFIXES = ("_cat", "_class")


def crosstab_name(row: str, col: str) -> str:
    """``<row>_by_<col>`` with a trailing ``_cat`` or ``_class`` dropped from each name.

    ``crosstab_name("role_act", "size_class") == "role_act_by_size"``;
    ``crosstab_name("rep_voice_cat", "size_class") == "rep_voice_by_size"``.
    """

    def short(name: str) -> str:
        for suffix in SUFFIXES:
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    return f"{short(row)}_by_{short(col)}"

"""Every job starts a new Python process, and Snakemake parses the workflow on every start:
neither imports a heavy module it does not use."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys

import pytest

from .conftest import ROOT

RULES = ROOT / "workflow" / "rules"
WORKFLOW_FILES = [ROOT / "Snakefile", *sorted(RULES.glob("*.smk"))]
SCRIPTS = sorted(
    set(re.findall(r'script:\s+"\.\./\.\./scripts/([\w.]+)"', "".join(f.read_text() for f in WORKFLOW_FILES)))
)

# No job imports these when it starts: the models import statsmodels in the functions that fit.
NEVER = ("pingouin", "seaborn", "matplotlib.pyplot", "statsmodels")
# Computes no statistics: SciPy is of no use to these jobs, nor openpyxl to a CSV export.
NO_STATISTICS = ("scipy", "openpyxl")
# What each job's script must not import, on top of NEVER.
NOT_USED = {
    "make_synthetic.py": NO_STATISTICS,
    "validate.py": NO_STATISTICS,
    "clean.py": NO_STATISTICS,
    "recode.py": NO_STATISTICS,
    "audit.py": NO_STATISTICS,
    "figures.py": NO_STATISTICS,
    "paper_assets.py": NO_STATISTICS,
    # (when it runs, it loads SciPy's BLAS to name its kernel: no statistics at its start)
    "manifest.py": NO_STATISTICS,
    # only Newton's method on the model's patterns (scipy.special)
    "bootstrap_chunk.py": ("scipy.stats", "scipy.optimize"),
    "bootstrap.py": ("scipy.stats", "scipy.optimize"),
    # assembles files, runs the renderer and tabulates the numbers' provenance (pandas)
    "render_paper.py": ("scipy",),
}
# The jobs that use a library of NEVER: their functions import it when they compute with it,
# not when the job starts. Per job: (library, the job's module, a call on a tiny data set).
USED_WHEN_COMPUTING = {
    # pingouin computes Cronbach's alpha and the Wilcoxon signed-rank test
    "describe.py": [
        (
            "pingouin",
            "leisurenet.analysis.scales",
            "cronbach_alpha(pd.DataFrame({'a': [1.0, 2], 'b': [1, 3]}))",
        ),
        ("pingouin", "leisurenet.analysis.paired", "wilcoxon_signed_rank([1.0, -2, 3])"),
    ],
    # seaborn draws the bars by group and the forest plot (not the Likert charts)
    "figures.py": [
        (
            "seaborn",
            "leisurenet.paper.figures.by_size",
            "plot_response_by_size(pd.DataFrame({'size_class': ['a'], 'n_frame': [2], 'n_respondents': [1],"
            " 'response_rate': [0.5], 'pct_frame': [100.0], 'pct_respondents': [100.0]}), 'source')",
        ),
    ],
}
# Not imported by the library modules that the workflow's files import (Snakemake's own
# start imports pandas, through its SLURM executor plugin).
PARSE_TIME_HEAVY = ("pandas", "numpy", "scipy")


def loaded(imports: str, modules) -> list[str]:
    """Which of ``modules`` a fresh interpreter holds after running ``imports``."""
    probe = (
        f"import json, sys\n{imports}\nprint(json.dumps([m for m in {list(modules)!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def script_imports(name: str) -> str:
    """The import statements at the top level of ``scripts/<name>`` (what runs before any
    of its work)."""
    tree = ast.parse((ROOT / "scripts" / name).read_text(encoding="utf-8"))
    return "\n".join(ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom))


def parse_time_modules() -> list[str]:
    """The library modules the Snakefile and its rule files import when Snakemake parses them."""
    pattern = re.compile(r"^\s*(?:from|import)\s+(leisurenet[\w.]*)", re.MULTILINE)
    return sorted({m for f in WORKFLOW_FILES for m in pattern.findall(f.read_text(encoding="utf-8"))})


def test_the_rules_scripts_are_found():
    assert {"describe.py", "models.py", "paper_assets.py", "render_paper.py"} <= set(SCRIPTS)
    assert set(NOT_USED) | set(USED_WHEN_COMPUTING) <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_job_imports_no_heavy_module_it_does_not_use(script):
    assert loaded(script_imports(script), NEVER + NOT_USED.get(script, ())) == []


@pytest.mark.parametrize("script", sorted(USED_WHEN_COMPUTING))
def test_a_job_imports_a_heavy_library_when_it_computes_with_it(script):
    for library, module, call in USED_WHEN_COMPUTING[script]:
        assert f"from {module} import" in script_imports(script)
        function = call.split("(")[0]
        assert loaded(f"import pandas as pd\nfrom {module} import {function}\n{call}", [library]) == [library]


def test_the_probe_sees_a_heavy_import():
    assert loaded("from leisurenet.analysis.crosstab import crosstab_cells", PARSE_TIME_HEAVY) == list(
        PARSE_TIME_HEAVY
    )


def test_parsing_the_workflow_imports_no_pandas_numpy_or_scipy():
    modules = parse_time_modules()
    assert {"leisurenet.config", "leisurenet.workflow.plan", "leisurenet.codebook"} <= set(modules)
    assert {"leisurenet.release.gitstate", "leisurenet.release.settings"} <= set(modules)
    assert loaded("\n".join(f"import {m}" for m in modules), PARSE_TIME_HEAVY) == []

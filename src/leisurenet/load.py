"""Any stage's output by a short name, for notebooks and for students extending the analysis.

::

    from leisurenet.load import available, codebook, config, load

    recoded = load("recoded")  # results/recode/recoded.parquet, with its types
    items = load("items")  # results/descriptives/items.csv
    available()  # every name, its file, whether it exists (one row each)

The names and their files are in one table, :data:`OUTPUTS`, in pipeline order: the names
:mod:`leisurenet.outputs` gives the outputs, where the rules take their files from too, so
a new output has its name where it is declared.

Where the results are looked for, first match wins:

1. the ``results`` argument (a path, relative to the working directory);
2. the environment variable ``LEISURENET_RESULTS`` (the tests point it at a scratch run);
3. ``results/`` in the project root: the nearest folder, from the working directory
   upwards, that holds a ``Snakefile`` (so a notebook started in ``notebooks/`` finds it);
4. ``results/`` in the working directory.

Parquet files keep their types (codes as nullable integers, categories in order); CSV
files are read with pandas' defaults, so a CSV column of codes comes back as numbers and
a categorical as text. Copies of a table in another format have no names of their own:
the CSV beside a Parquet file (``recoded.csv``, ``responses.csv``; load the Parquet file)
and the Markdown beside a CSV (``disclosure_report.md``).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pandas as pd
import yaml

from leisurenet.codebook import Codebook
from leisurenet.config import load_config
from leisurenet.io import read_dataset
from leisurenet.outputs import by_name
from leisurenet.paths import CONFIG

ENV_VAR = "LEISURENET_RESULTS"
MARKER = "Snakefile"

# name -> (file under results/, what it holds), in pipeline order, from the declaration of
# every output (leisurenet.outputs).
OUTPUTS: dict[str, tuple[str, str]] = {name: (out.path, out.description) for name, out in by_name().items()}

# The data each figure draws, beside its images: figure_<name> is results/figures/<name>.csv
# (figure_role_by_size, figure_likert_vision, ...; the Likert figures follow the codebook's
# constructs, so these names are read from the folder, not listed above).
FIGURE_PREFIX = "figure_"
FIGURE_DATA = "figures/{}.csv"


class UnknownOutputError(KeyError):
    """A name that is not in :data:`OUTPUTS`; the message lists the names and close matches."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


class OutputMissingError(FileNotFoundError):
    """A known output whose file is not there yet: the pipeline has not made it."""


def project_root(start: str | Path | None = None) -> Path | None:
    """The nearest folder, from ``start`` (default: the working directory) upwards, that holds
    a ``Snakefile``; None if there is none."""
    start = Path.cwd() if start is None else Path(start)
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / MARKER).is_file():
            return folder
    return None


def results_dir(results: str | Path | None = None, start: str | Path | None = None) -> Path:
    """The results folder :func:`load` reads: see the module docstring for the order.

    Parameters
    ----------
    results : str or Path, optional
        An explicit folder; returned as given.
    start : str or Path, optional
        Where to start looking for the project root (default: the working directory).
    """
    if results is not None:
        return Path(results)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    root = project_root(start)
    return root / "results" if root is not None else Path("results")


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _suggestions(name: str) -> list[str]:
    """Known names that look like ``name``, or whose file's folder or stem contains it."""
    close = difflib.get_close_matches(name, OUTPUTS, n=3, cutoff=0.6)
    key = name.lower().removesuffix("s")  # "crosstab" finds crosstabs/, "model" models/
    by_path = [
        n
        for n, (rel, _) in OUTPUTS.items()
        if len(key) >= 3 and any(key in part.lower() for part in (Path(rel).parent.name, Path(rel).stem))
    ]
    return list(dict.fromkeys(close + by_path))


def output_path(name: str, results: str | Path | None = None) -> Path:
    """The file of output ``name`` (whether or not it exists yet).

    Raises
    ------
    UnknownOutputError
        ``name`` is not in :data:`OUTPUTS`; the message lists the known names and suggests
        close ones.
    """
    if name not in OUTPUTS and str(name).startswith(FIGURE_PREFIX):
        return results_dir(results) / FIGURE_DATA.format(name.removeprefix(FIGURE_PREFIX))
    if name not in OUTPUTS:
        suggestions = _suggestions(str(name))
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise UnknownOutputError(
            f"unknown output {name!r}.{hint} Known names: {', '.join(OUTPUTS)} "
            f"(leisurenet.load.available() lists their files)."
        )
    return results_dir(results) / OUTPUTS[name][0]


def load(name: str, results: str | Path | None = None):
    """Output ``name`` of the pipeline, read from the results folder.

    Parameters
    ----------
    name : str
        A key of :data:`OUTPUTS`, e.g. ``"recoded"``, ``"items"``, ``"tests"``, ``"fit"``; or
        ``figure_<name>``, the data a figure draws (``"figure_role_by_size"``).
    results : str or Path, optional
        The results folder; default as the module docstring says (``LEISURENET_RESULTS``,
        else the project's ``results/``).

    Returns
    -------
    DataFrame, str or dict
        A DataFrame for ``.parquet`` (types kept, read as the pipeline reads it) and ``.csv``
        (pandas' defaults); the text of a ``.md`` file; the mapping in a ``.yml`` file.

    Raises
    ------
    UnknownOutputError
        ``name`` is unknown (the message suggests close matches).
    OutputMissingError
        The file does not exist yet; the message says how to make it.
    """
    file = output_path(name, results)
    if not file.is_file():
        rel = file.relative_to(results_dir(results)).as_posix()
        folder = file.parents[len(Path(rel).parts) - 1]
        where = ""
        if results is None and os.environ.get(ENV_VAR):
            where = f" (the results folder comes from {ENV_VAR}={os.environ[ENV_VAR]})"
        elif not folder.is_dir():
            where = f" ({_shown(folder)}/ does not exist: the pipeline has not been run there yet)"
        raise OutputMissingError(
            f"{_shown(file)} does not exist: run `make` first (or "
            f"`snakemake --cores 2 results/{rel}`) in the project folder{where}."
        )
    suffix = file.suffix
    if suffix == ".parquet":
        return read_dataset(file)
    if suffix == ".csv":
        return pd.read_csv(file)
    if suffix == ".yml":
        return yaml.safe_load(file.read_text(encoding="utf-8"))
    return file.read_text(encoding="utf-8")


def available(results: str | Path | None = None) -> pd.DataFrame:
    """Every name :func:`load` knows, in pipeline order.

    Returns
    -------
    DataFrame
        ``name``; ``path`` (the file, under the results folder :func:`load` would read);
        ``exists`` (bool); ``description``. The figures' data are listed as the run drew them.
    """
    folder = results_dir(results)
    figures = {
        f"{FIGURE_PREFIX}{path.stem}": (
            FIGURE_DATA.format(path.stem),
            f"the data the figure {path.stem} draws",
        )
        for path in sorted((folder / "figures").glob("*.csv"))
    }
    rows = [
        {"name": name, "path": str(folder / rel), "exists": (folder / rel).is_file(), "description": text}
        for name, (rel, text) in (OUTPUTS | figures).items()
    ]
    return pd.DataFrame(rows, columns=["name", "path", "exists", "description"])


def config(*configfiles: str | Path) -> dict:
    """The configuration as the pipeline sees it: ``config/config.yaml`` overridden by
    ``configfiles`` in order, defaults filled in and validated
    (:func:`leisurenet.config.load_config`)."""
    return load_config(*configfiles)


def codebook(path: str | Path | None = None) -> Codebook:
    """The validated codebook (:meth:`leisurenet.codebook.Codebook.from_yaml`).

    ``path`` defaults to the project's ``config/codebook.yaml``; for a configuration that
    names another codebook, pass ``config("mine.yaml")["codebook"]``.
    """
    return Codebook.from_yaml(CONFIG / "codebook.yaml" if path is None else path)

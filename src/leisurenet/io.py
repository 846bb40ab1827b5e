"""Writing stage outputs: typed Parquet with a CSV beside it, written atomically.

A stage writes each file to a temporary name in the same folder and renames it into
place only when it is complete, so an interrupted or failed stage never leaves a file
that looks finished.
"""

from __future__ import annotations

import glob
import logging
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

# Writing calls the frame's own methods; only reading needs pandas, imported there, so that
# a job that only logs (the paper's rendering) does not spend 0.4 s importing it.
if TYPE_CHECKING:
    import pandas as pd


@contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path beside ``path``; move it onto ``path`` if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A write killed before it finished (SIGKILL) leaves its temporary file; the job that
    # writes this output again (one job per output) removes it, so that no stray file remains.
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*"):
        stale.unlink()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; outputs are ordinary files
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, lineterminator="\n")


def write_parquet(df: pd.DataFrame, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")


def write_dataset(df: pd.DataFrame, parquet: str | Path, csv: str | Path) -> None:
    """Respondent-level data: Parquet keeps the types, the CSV is for reading by eye."""
    write_parquet(df, parquet)
    write_csv(df, csv)


def read_dataset(parquet: str | Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_parquet(parquet, engine="pyarrow")


def stage_logger(log_path: str | Path | None, name: str) -> logging.Logger:
    """A logger that writes to the rule's log file (and to stderr)."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    logger.handlers.clear()
    formatter = logging.Formatter("%(levelname)s %(message)s")
    handlers = [logging.StreamHandler()]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(formatter)
        logger.addHandler(handler)
    return logger


def read_clean_frame(path) -> pd.DataFrame | None:
    """The clean stage's ``frame.csv``; None when it holds no networks (no frame)."""
    import pandas as pd

    # every column as text first: a weighting variable of the frame (a region code, say) stays text
    frame = pd.read_csv(path, dtype="string", keep_default_na=False)
    if frame.empty:
        return None
    frame["municipality_pop"] = frame["municipality_pop"].astype("Int64")
    frame["responded"] = frame["responded"].map({"True": True, "False": False}).astype("boolean")
    return frame

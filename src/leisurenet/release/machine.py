"""What a reviewer's machine may differ in from the authors': the manifest's ``platform``.

The BLAS library and the kernel it chose for this CPU (threadpoolctl reads both, for
NumPy's and SciPy's own copies), the CPU model and the instruction sets a kernel is chosen
by, the OS, and the cores. None of these should change a printed number; a change in the
last digits of fitted numbers is what ``make verify`` judges within its tolerance.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

# The instruction sets OpenBLAS (and MKL, Accelerate) choose their kernels by.
KERNEL_FLAGS = (
    "sse2", "sse3", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
    "avx512vl", "avx512_bf16", "amx_tile", "asimd", "sve", "sve2",
)  # fmt: skip


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields of /proc/cpuinfo (Linux); empty elsewhere."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    fields = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


def _sysctl(name: str) -> str:
    try:
        result = subprocess.run(["sysctl", "-n", name], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def cpu() -> tuple[str, str]:
    """The CPU model and, of :data:`KERNEL_FLAGS`, those it has (space-separated)."""
    info = _cpuinfo()
    model = info.get("model name") or info.get("Model") or info.get("CPU part", "")
    flags = set((info.get("flags") or info.get("Features") or "").split())
    if sys.platform == "darwin":
        model = _sysctl("machdep.cpu.brand_string")
        flags = set(
            " ".join(_sysctl(f"machdep.cpu.{k}") for k in ("features", "leaf7_features")).lower().split()
        )
        flags |= {"asimd"} if platform.machine() == "arm64" else set()
    flags = {f.replace(".", "_") for f in flags} | ({"sse3"} if "pni" in flags else set())  # Linux: pni
    return model or platform.processor() or "unknown", " ".join(f for f in KERNEL_FLAGS if f in flags)


def blas() -> dict[str, str]:
    """Each BLAS library loaded by NumPy and SciPy: ``name version, kernel (threading)``."""
    import numpy  # noqa: F401  (loads NumPy's BLAS)
    import scipy.linalg  # noqa: F401  (and SciPy's)
    from threadpoolctl import threadpool_info

    libraries = {}
    for lib in threadpool_info():
        if lib.get("user_api") != "blas":
            continue
        # the folder says whose copy it is: numpy.libs, scipy.libs (or a system library's)
        owner = Path(lib.get("filepath", "")).parent.name or lib.get("prefix")
        described = f"{lib.get('internal_api')} {lib.get('version')}, kernel {lib.get('architecture')}"
        libraries[f"blas {owner}"] = described + f" ({lib.get('threading_layer')})"
    return dict(sorted(libraries.items()))


def platform_facts(cores: int | None = None) -> dict[str, str]:
    """The facts of this machine the manifest records (every value a string).

    Parameters
    ----------
    cores : int, optional
        The cores the run was given (Snakemake's ``--cores``).
    """
    model, flags = cpu()
    return {
        "os": f"{platform.system()} {platform.release()}",
        "machine": platform.machine(),
        "cpu": model,
        "cpu_flags": flags,
        "cores_available": str(os.cpu_count()),
        "cores_used": "unknown" if cores is None else str(cores),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "(not set)"),
        **blas(),
    }

"""Benchmark the workflow (`make bench`): see leisurenet.benchmark, or run with --help.

Not a rule's script: run it from the project folder with the project's Python,
`.venv/bin/python scripts/benchmark.py [--quick] [--repetitions N] [--sizes ...]`.
"""

from leisurenet.benchmark import main

if __name__ == "__main__":
    raise SystemExit(main())

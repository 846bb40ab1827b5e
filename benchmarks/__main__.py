"""``python -m benchmarks`` (``make bench``), run from the project folder with its Python."""

from benchmarks.harness import main

if __name__ == "__main__":
    raise SystemExit(main())

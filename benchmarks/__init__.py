"""The benchmark of the workflow (``make bench``): a tool for its developers, not part of the
library. ``python -m benchmarks --help`` from the project folder lists its options."""

"""``leisurenet-typst``: the pinned Typst (the ``typst`` wheel) as the command line Quarto calls.

Quarto compiles its Typst output with the program named by ``QUARTO_TYPST``; the paper rule
points it here, so that the PDF is compiled by the same Typst whichever renderer runs, and
deterministically (Typst 0.13, which Quarto 1.7 bundles, orders a PDF's resources
differently on every run). Quarto calls only ``typst --version`` and
``typst compile [--root DIR] INPUT [--font-path DIR]... OUTPUT``.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    import typst

    parser = argparse.ArgumentParser(prog="leisurenet-typst", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="store_true", help="print the Typst version")
    commands = parser.add_subparsers(dest="command")
    compile_ = commands.add_parser("compile", help="compile a Typst file to PDF")
    compile_.add_argument("--root", help="the project root: files outside it cannot be read")
    compile_.add_argument("--font-path", action="append", default=[], help="a folder of fonts")
    compile_.add_argument("input")
    compile_.add_argument("output", nargs="?")
    args = parser.parse_args(argv)
    if args.version:
        print(f"typst {typst.__version__}")
        return 0
    if args.command != "compile":
        parser.error("give --version or compile")
    output = args.output or args.input.rsplit(".", 1)[0] + ".pdf"
    try:
        typst.compile(args.input, output=output, root=args.root, font_paths=args.font_path)
    except Exception as error:  # typst.TypstError and the binding's own errors
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

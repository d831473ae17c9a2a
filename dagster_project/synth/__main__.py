"""Command line: ``python -m dagster_project.synth`` (also installed as ``cla-synth``)."""

from __future__ import annotations

import argparse
from datetime import date

from dagster_project.synth.extract import generate
from dagster_project.synth.styles import STYLES


def _year_end(value: str) -> date:
    d = date.fromisoformat(value)
    if (d.month, d.day) != (3, 31):
        raise argparse.ArgumentTypeError("a collection year ends on 31 March (YYYY-03-31)")
    return d


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cla-synth",
        description="Generate a synthetic council's children's services extract (SSD tables, IRO tables, truth).",
    )
    parser.add_argument(
        "--out", default="landing", help="landing root; the extract goes in OUT/<extract id>/"
    )
    parser.add_argument("--extract-id", help="folder name of the extract (default <as-at>T0200)")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--as-at", type=date.fromisoformat, help="extract date YYYY-MM-DD (default: today)")
    when.add_argument(
        "--year-end", type=_year_end, help="take the extract at a collection year end (YYYY-03-31)"
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--children", type=int, help="children looked after on any day (default 500)")
    size.add_argument("--scale", type=float, help="council size as a multiple of 500 children in care")
    parser.add_argument("--years", type=int, default=6, help="years of history in the extract (default 6)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--style",
        choices=STYLES,
        default="liquid_logic",
        help="codes: DfE codes and ISO dates; liquid_logic: as the Liquid Logic SSD script writes them",
    )
    parser.add_argument(
        "--late-review-share",
        type=float,
        default=0.08,
        help="share of reviews held after their due date (default 0.08)",
    )
    parser.add_argument(
        "--errors",
        type=float,
        default=0.0,
        metavar="RATE",
        help="plant recording errors of every kind the data-quality rules catch, about RATE x children in care "
        "of each, listed in _truth/injected_errors.csv (default 0: none)",
    )
    parser.add_argument("--workers", type=int, default=0,
                        help="processes to use (default 0: up to 4 for a large council; output is the same)")
    parser.add_argument("--quiet", action="store_true", help="print only the extract folder")
    args = parser.parse_args(argv)
    folder = generate(
        out=args.out,
        extract_id=args.extract_id,
        as_at=args.as_at,
        year_end=args.year_end,
        children=args.children,
        scale=args.scale,
        years=args.years,
        seed=args.seed,
        style=args.style,
        late_review_share=args.late_review_share,
        workers=args.workers,
        verbose=not args.quiet,
        errors=args.errors,
    )
    print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

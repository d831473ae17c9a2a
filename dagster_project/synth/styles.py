"""How values are written: DfE codes and ISO dates, or as a Liquid Logic SSD export writes them.

``codes`` writes what a tidy export would: DfE codes in every ``mapped`` column and ISO dates.
``liquid_logic`` writes what the SSD script for Liquid Logic (LCS) really produces: description texts
from the mapping seed in ``mapped`` columns (one of the texts for the intended code, chosen at random),
SQL Server datetimes, and the other quirks the input contract lists as traps.
"""

from __future__ import annotations

import random
from datetime import date

from dagster_project.synth.reference import code_mappings

STYLES = ("codes", "liquid_logic")


class Style:
    def __init__(self, name: str):
        if name not in STYLES:
            raise ValueError(f"unknown style {name!r}: use one of {', '.join(STYLES)}")
        self.name = name
        self.is_liquid_logic = name == "liquid_logic"
        self._date_cache: dict[date, str] = {}
        mappings = code_mappings()
        cms = "liquid_logic" if self.is_liquid_logic else "*"
        self._values = {domain: by_code for (domain, c), by_code in mappings.items() if c == cms}

    @property
    def cms(self) -> str:
        """The manifest's ``cms``: which system's conventions the extract follows."""
        return "liquid_logic" if self.is_liquid_logic else "generic"

    def date(self, d: date | None) -> str:
        if d is None:
            return ""
        s = self._date_cache.get(d)
        if s is None:
            s = d.isoformat() + (" 00:00:00.000" if self.is_liquid_logic else "")
            self._date_cache[d] = s
        return s

    def mapped(self, domain: str, code: str, rng: random.Random, text: str = "") -> str:
        """The value a ``mapped`` column carries for a DfE (or canonical) code; ``text`` picks a
        particular Liquid Logic description when the seed has it for that code."""
        if code == "":
            return ""
        values = self._values[domain].get(code)
        if not values:
            raise KeyError(f"the mapping seed has no {self.cms} value for {domain} {code!r}")
        if not self.is_liquid_logic:
            # identity rows: the code itself (seed rows such as sex "1" -> M are never chosen)
            return code if code in values else values[0]
        if text in values:
            return text
        return values[0] if len(values) == 1 else rng.choice(values)

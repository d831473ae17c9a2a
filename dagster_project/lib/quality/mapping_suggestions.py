"""Which code a local value most likely means: a small text similarity, pure and unit-tested.

The warehouse knows, per mapping domain, texts that mean each code: the DfE's own code descriptions
(seeds/ssda903/ssda903_codes.csv), the shipped mappings of every system (seeds/mappings/code_mappings.csv)
and the texts the major case-management systems write (seeds/mappings/case_management_system_texts.csv).
A value nobody mapped is compared with each of them; the best match's code is suggested with a
confidence between 0 and 1. A person accepts it by copying the worksheet row into the council's
configuration; nothing is ever mapped on a suggestion alone.

How texts are compared (why each step):
  * abbreviations systems use are spelt out first ("s20", "Sec. 20", "(s20)" -> "section 20";
    ICO, EPO, SGO, IHA, IRO, CLA, LAC, PA), so "S38 ICO" meets "Interim Care Order Sec. 38";
  * words are lower-cased, punctuation dropped, filler words ignored and light suffixes removed
    ("attended" = "attends" = "attend");
  * the score is the mean of word overlap (Dice) and character similarity (difflib), so a shared rare
    word counts and so does a near-spelling ("Advisor" / "Adviser");
  * a value that names the code itself ("C2 - Full care order", "PN1") scores 1.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

ABBREVIATIONS = {
    "ico": "interim care order",
    "epo": "emergency protection order",
    "sgo": "special guardianship order",
    "cao": "child arrangements order",
    "iha": "initial health assessment",
    "rha": "review health assessment",
    "iro": "independent reviewing officer",
    "pa": "personal adviser",
    "advisor": "adviser",
    "cla": "looked after",
    "lac": "looked after",
    "la": "local authority",
    "lcsw": "leaving care social worker",
    "sw": "social worker",
    "cp": "child protection",
    "yro": "youth rehabilitation order",
    "dna": "did not attend",
    "vol": "voluntary",
    "accom": "accommodation",
    "accomm": "accommodation",
    "dev": "development",
    "devt": "development",
    "hv": "health visitor",
    "rtn": "return",
    "emot": "emotional",
    "phys": "physical",
}
FILLER = {"the", "a", "an", "of", "to", "and", "for", "with", "by", "on", "in", "at", "is", "was", "be", "or",
          "their", "them", "they", "who", "as", "but", "nor", "are", "part"}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > 4 + len(suffix) - 1 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """The text as comparable words: abbreviations spelt out, filler dropped, light suffixes removed."""
    text = text.lower().replace("&", " and ")
    # "s20", "s.20", "sec 20", "sec. 20", "section20", "(s31)" -> "section 20"
    text = re.sub(r"\b(?:s|sec|sect|section)\.?\s*(\d+[a-z]?)\b", r" section \1 ", text)
    tokens = re.findall(r"[a-z0-9]+", text)
    spelt: list[str] = []
    for token in tokens:
        spelt.extend(ABBREVIATIONS.get(token, token).split())
    return [_stem(w) for w in spelt if w not in FILLER]


@dataclass(frozen=True)
class Candidate:
    code: str
    text: str


@dataclass(frozen=True)
class Suggestion:
    code: str
    confidence: float
    matched_text: str


def similarity(a: str, b: str) -> float:
    """0..1: mean of word overlap (Dice) and character similarity of the normalised texts."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    sa, sb = set(wa), set(wb)
    dice = 2 * len(sa & sb) / (len(sa) + len(sb))
    characters = difflib.SequenceMatcher(None, " ".join(wa), " ".join(wb)).ratio()
    return (dice + characters) / 2


def suggest(value: str, candidates: Iterable[Candidate]) -> Suggestion | None:
    """The code whose known text is most like ``value`` (None when nothing is known for the domain)."""
    candidates = list(candidates)
    if not candidates:
        return None
    codes = {c.code.upper() for c in candidates}
    raw_tokens = re.findall(r"[A-Za-z0-9]+", value.upper())
    named = [t for t in raw_tokens if t in codes and not t.isdigit() and len(t) >= 2]
    if len(set(named)) == 1:
        return Suggestion(named[0], 1.0, named[0])
    best = max(candidates, key=lambda c: (similarity(value, c.text), -len(c.text)))
    return Suggestion(best.code, round(similarity(value, best.text), 2), best.text)


def known_texts(code_mappings: Iterable[dict], ssda903_codes: Iterable[dict], system_texts: Iterable[dict],
                domains: Iterable[dict]) -> dict[str, list[Candidate]]:
    """Per mapping domain, every text known to mean a code: shipped mappings of every system (not the
    identity rows, which are the codes themselves), the systems' texts and the DfE's descriptions."""
    known: dict[str, list[Candidate]] = {}
    for row in code_mappings:
        if row["cms"] != "*":
            known.setdefault(row["domain"], []).append(Candidate(row["code"].upper(), row["source_value"]))
    for row in system_texts:
        known.setdefault(row["domain"], []).append(Candidate(row["code"].upper(), row["source_value"]))
    field_to_domain = {row["ssda903_field"]: row["domain"] for row in domains if row.get("ssda903_field")}
    for row in ssda903_codes:
        domain = field_to_domain.get(row["field"])
        if domain and not row.get("last_collection_year"):
            known.setdefault(domain, []).append(Candidate(row["code"].upper(), row["description"]))
    return known

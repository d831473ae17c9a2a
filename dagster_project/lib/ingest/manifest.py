"""Finding complete extracts in the landing folder and reading their manifests.

A folder without `manifest.json` is still being written and is never read. A folder whose manifest is
bad (not JSON, a missing field, an LA code that is not a 9-character ONS code) is set aside with a
one-line reason: it never blocks the other folders, and it is reported every night until it is removed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from dagster_project.lib.ingest.model import MANIFEST_NAME, Extract, ExtractError

REQUIRED_MANIFEST_FIELDS = ("la_code", "cms", "extracted_at")
# An ONS local authority code: a letter for the nation and eight digits (E06000015 is Derby).
_LA_CODE_FORM = re.compile(r"^[EWSN]\d{8}$")


@dataclass(frozen=True)
class BadExtract:
    extract_id: str
    reason: str  # one line, no value from the extract's tables


def read_manifest(folder: Path) -> dict:
    """The manifest as a dict; ExtractError with a one-line reason naming the extract when it is bad."""
    path = folder / MANIFEST_NAME
    where = f"{MANIFEST_NAME} in extract {folder.name}"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ExtractError(f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}): "
                           "the extract is not loaded", folder.name) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ExtractError(f"{where} cannot be read ({type(exc).__name__}): the extract is not loaded",
                           folder.name) from exc
    if not isinstance(manifest, dict):
        raise ExtractError(f"{where} is not a JSON object: the extract is not loaded", folder.name)
    absent = [name for name in REQUIRED_MANIFEST_FIELDS if not str(manifest.get(name) or "").strip()]
    if absent:
        raise ExtractError(f"{where} lacks {', '.join(absent)}: the extract is not loaded", folder.name)
    la_code = str(manifest["la_code"]).strip().upper()
    if not _LA_CODE_FORM.match(la_code):
        raise ExtractError(f"{where} has an la_code that is not a 9-character ONS code such as E06000015: "
                           "the extract is not loaded", folder.name)
    return manifest


def _extract_folders(landing_dir: Path) -> list[Path]:
    if not landing_dir.exists():
        return []
    return sorted(p for p in landing_dir.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")) and (p / MANIFEST_NAME).exists())


def scan_landing(landing_dir: Path) -> tuple[list[Extract], list[BadExtract]]:
    """Complete extracts with a good manifest (oldest first), and those with a bad one (by folder name)."""
    good, bad = [], []
    for folder in _extract_folders(landing_dir):
        try:
            good.append(Extract(extract_id=folder.name, folder=folder, manifest=read_manifest(folder)))
        except ExtractError as exc:
            bad.append(BadExtract(folder.name, str(exc)))
    good.sort(key=lambda e: (str(e.manifest.get("extracted_at", "")), e.extract_id))
    return good, bad


def find_complete_extracts(landing_dir: Path) -> list[Extract]:
    """Extract folders with a good manifest, oldest first. Bad manifests are skipped (see scan_landing)."""
    return scan_landing(landing_dir)[0]


def find_extract(landing_dir: Path, extract_id: str | None = None) -> Extract:
    """The named extract, or the newest complete one with a good manifest."""
    extracts, bad = scan_landing(landing_dir)
    if extract_id is not None:
        for extract in extracts:
            if extract.extract_id == extract_id:
                return extract
        for folder in bad:
            if folder.extract_id == extract_id:
                raise ExtractError(folder.reason, extract_id)
        if (landing_dir / extract_id).is_dir():
            raise ExtractError(f"extract {extract_id} has no {MANIFEST_NAME} yet: it is still being written",
                               extract_id)
        raise ExtractError(f"there is no extract {extract_id} in the landing folder", extract_id)
    if not extracts:
        reasons = "".join(f"; {b.reason}" for b in bad)
        raise ExtractError(f"no complete extract (a folder with a good {MANIFEST_NAME}) in the landing folder"
                           + reasons, bad[-1].extract_id if bad else None)
    return extracts[-1]


def check_council(extract: Extract, expected_la_code: str) -> None:
    if extract.la_code != expected_la_code.strip().upper():
        raise ExtractError(
            f"extract {extract.extract_id} is for LA {extract.la_code or '(none)'}, but this warehouse is "
            f"configured for LA {expected_la_code} (CLA_LA_CODE): refusing to load another council's data",
            extract.extract_id)

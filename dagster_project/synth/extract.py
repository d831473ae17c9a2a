"""Generate one extract: the council's SSD tables, our supplementary IRO tables, the truth, the manifest.

The population is simulated in steady state: children come into care at a constant rate for 19 years
before the window starts (long enough for a newborn to reach 18), so the number looked after on any day
of the window is the target; the rate is set from a pilot sample of care histories. Children referred
but never looked after are simulated from 18 months before the window.

Work is split into fixed-size chunks of children (the same for any number of processes), each written
to part files and assembled in order: the same options give byte-identical files.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from dagster_project.lib.ingest.contract import load_contract
from dagster_project.synth import children_in_need, council
from dagster_project.synth.dates import WorkingDays, add_months, add_years, days
from dagster_project.synth.periods import days_in_care, plan_child
from dagster_project.synth.reference import bank_holidays, postcode_index
from dagster_project.synth.reference import council as council_settings
from dagster_project.synth.styles import Style
from dagster_project.synth.tables import TRUTH_COLUMNS, ChunkOut, assemble, write_table
from dagster_project.synth.workforce import SERVICES, TEAMS, Workforce
from dagster_project.synth.world import World

SSD_VERSION = "1.4.5"
CHILDREN_PER_500 = 500
WARM_UP_YEARS = 19  # a child who enters care at birth before the window can still be in care in it
CIN_LEAD_MONTHS = 18  # children in need referred this long before the window can still be open in it
UASC_SHARE = 0.07  # of children starting to be looked after
SHORT_BREAK_SHARE = 0.03  # children on short breaks at any time, per child looked after
SHORT_BREAK_YEARS = 3.5
REFERRALS_PER_CHILD_IN_CARE = 5.0  # referrals of children never looked after, a year, per child in care
CARE_CHUNK = 600
CIN_CHUNK = 4000


@dataclass(frozen=True)
class Options:
    out: str
    extract_id: str
    as_at: date
    children: int
    years: int
    seed: int
    style: str
    late_review_share: float

    def manifest_options(self) -> dict:
        d = asdict(self)
        d["as_at"] = self.as_at.isoformat()
        d.pop("out")
        return d


@dataclass
class Context:
    """Everything a chunk of children needs, shared read-only (sent once to each worker process)."""

    seed: int
    as_at: date
    window_start: date
    style: Style
    world: World
    workforce: Workforce
    wd: WorkingDays
    postcodes: dict
    council: object
    late_review_share: float
    teams: dict


_CONTEXT: Context | None = None
_TASKS: dict = {}


def resolve_options(
    out="landing",
    extract_id=None,
    as_at=None,
    year_end=None,
    children=None,
    scale=None,
    years=6,
    seed=42,
    style="liquid_logic",
    late_review_share=0.08,
) -> Options:
    if year_end is not None:
        as_at = year_end
    if isinstance(as_at, str):
        as_at = date.fromisoformat(as_at)
    as_at = as_at or date.today()
    if children is None:
        children = round(CHILDREN_PER_500 * (scale if scale is not None else 1.0))
    if children < 1:
        raise ValueError("the council needs at least one child in care")
    if not 0 <= late_review_share <= 1:
        raise ValueError("--late-review-share is a share between 0 and 1")
    Style(style)  # validates the name
    return Options(
        str(out),
        extract_id or f"{as_at.isoformat()}T0200",
        as_at,
        int(children),
        int(years),
        int(seed),
        style,
        float(late_review_share),
    )


def _arrival_rate(seed: int, children: int) -> float:
    """Children starting care per day so that ``children`` are looked after on any day (steady state)."""
    sample = 3000
    total = 0
    for i in range(sample):
        kind = "uasc" if (i * 7919) % 1000 < UASC_SHARE * 1000 else "care"
        total += days_in_care(plan_child(seed, -(i + 1), kind, date(2000, 1, 1)))
    return children / (total / sample)


def _entrants(opts: Options, window_start: date) -> list[tuple[int, str, date, int]]:
    """Everyone who comes into care in the simulated years and has something in the extract window:
    (seq, kind, first day in care, person id), in order of first day in care."""
    rng = random.Random(f"{opts.seed}:entrants")
    start = add_years(window_start, -WARM_UP_YEARS)
    span = (opts.as_at - start).days
    rate = _arrival_rate(opts.seed, opts.children)
    sb_rate = SHORT_BREAK_SHARE * opts.children / (SHORT_BREAK_YEARS * 365)
    arrivals = []
    for kind_rate, kinds in ((rate, ("care", "uasc")), (sb_rate, ("short_breaks_v3", "short_breaks_v4"))):
        t = 0.0
        while True:
            t += rng.expovariate(kind_rate)
            if t >= span:
                break
            if kinds[0] == "care":
                kind = "uasc" if rng.random() < UASC_SHARE else "care"
            else:
                kind = kinds[0] if rng.random() < 0.6 else kinds[1]
            arrivals.append((start + days(int(t)), kind))
    arrivals.sort(key=lambda a: (a[0], a[1]))
    out = []
    for seq, (arrival, kind) in enumerate(arrivals):
        plan = plan_child(opts.seed, seq, kind, arrival)
        in_window = any(p.start <= opts.as_at and p.end >= window_start for p in plan.periods)
        # care leavers (17 to 21) who left care before the window are in it through their leaving-care records
        leaver = add_years(plan.dob, 22) > window_start and any(
            p.end > add_years(plan.dob, 16) and not p.short_break for p in plan.periods
        )
        if in_window or leaver:
            person_id = 1_000_000 + 4 * len(out) + rng.randint(0, 1)
            out.append((seq, kind, plan.arrival, person_id))
    return out


def _referrals(opts: Options, window_start: date) -> list[tuple[int, date, int]]:
    rng = random.Random(f"{opts.seed}:referrals")
    start = add_months(window_start, -CIN_LEAD_MONTHS)
    rate = REFERRALS_PER_CHILD_IN_CARE * opts.children / 365
    out = []
    t = 0.0
    span = (opts.as_at - start).days
    while True:
        t += rng.expovariate(rate)
        if t >= span:
            break
        out.append((len(out), start + days(int(t)), 5_000_000 + 2 * len(out) + rng.randint(0, 1)))
    return out


def _start_worker(ctx: Context, tasks: dict) -> None:
    """A spawned worker receives the shared context once, then runs chunks."""
    global _CONTEXT, _TASKS
    _CONTEXT, _TASKS = ctx, tasks


def _run_chunk(chunk: int) -> tuple:
    ctx = _CONTEXT
    kind, tasks, parts_dir = _TASKS[chunk]
    out = ChunkOut(parts_dir, chunk, ctx.style)
    written = 0
    for task in tasks:
        if kind == "care":
            seq, child_kind, arrival, person_id = task
            child = council.LookedAfterChild(ctx, out, seq, child_kind, arrival, person_id)
            written += child.write()
        else:
            seq, referral, person_id = task
            written += children_in_need.simulate_child_in_need(ctx, out, seq, referral, person_id)
    out.close()
    return chunk, dict(out.caseload), dict(out.stats), written


def generate(
    out="landing",
    extract_id=None,
    as_at=None,
    year_end=None,
    children=None,
    scale=None,
    years=6,
    seed=42,
    style="liquid_logic",
    late_review_share=0.08,
    workers: int | None = None,
    verbose: bool = False,
    errors: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write one synthetic extract and return its folder (``<out>/<extract_id>``). With ``errors`` > 0,
    recording errors are planted at that rate and listed in ``_truth/injected_errors.csv`` (errors.py).
    ``progress(done, total)`` is called as each chunk of children is simulated (for a progress bar)."""
    global _CONTEXT, _TASKS
    opts = resolve_options(
        out, extract_id, as_at, year_end, children, scale, years, seed, style, late_review_share
    )
    started = time.monotonic()
    log = print if verbose else (lambda *a, **k: None)
    as_at = opts.as_at
    window_start = add_years(as_at, -opts.years)
    first_day = add_years(window_start, -WARM_UP_YEARS)
    folder = Path(opts.out) / opts.extract_id
    if folder.exists():
        shutil.rmtree(folder)
    parts = folder / ".parts"
    parts.mkdir(parents=True)
    (folder / "_truth").mkdir()

    style_ = Style(opts.style)
    settings = council_settings()
    workforce = Workforce(opts.seed, opts.children, first_day, as_at)
    ctx = Context(
        seed=opts.seed,
        as_at=as_at,
        window_start=window_start,
        style=style_,
        world=World(opts.seed, opts.children),
        workforce=workforce,
        wd=WorkingDays(bank_holidays(), add_years(first_day, -1), add_years(as_at, 2)),
        postcodes=postcode_index(),
        council=settings,
        late_review_share=opts.late_review_share,
        teams=TEAMS,
    )
    entrants = _entrants(opts, window_start)
    referrals = _referrals(opts, window_start)
    log(
        f"planned: {len(entrants)} looked-after children, {len(referrals)} other referred children "
        f"({time.monotonic() - started:.1f}s)"
    )
    tasks = {}
    for i in range(0, len(entrants), CARE_CHUNK):
        tasks[len(tasks)] = ("care", entrants[i : i + CARE_CHUNK], parts)
    for i in range(0, len(referrals), CIN_CHUNK):
        tasks[len(tasks)] = ("cin", referrals[i : i + CIN_CHUNK], parts)
    _CONTEXT, _TASKS = ctx, tasks

    if workers is None:
        # one process unless asked: a pool started from inside a long-lived process (a test runner, a
        # Dagster run) can lose a worker and wait for ever; the command line asks for "auto"
        workers = 1
    elif workers == 0:  # auto: small councils are quicker in one process
        workers = min(os.cpu_count() or 1, 4) if len(tasks) > 4 else 1
    if workers > 1 and len(tasks) > 1:
        # spawned, not forked: the calling process may run threads (DuckDB's, a Dagster run's, a test
        # runner's) and a forked child can inherit a lock one of them held, and wait for ever
        with multiprocessing.get_context("spawn").Pool(workers, initializer=_start_worker,
                                                       initargs=(ctx, tasks)) as pool:
            results = [_report(progress, done, len(tasks), result) for done, result
                       in enumerate(pool.imap_unordered(_run_chunk, sorted(tasks)), start=1)]
    else:
        results = [_report(progress, done, len(tasks), _run_chunk(chunk))
                   for done, chunk in enumerate(sorted(tasks), start=1)]
    results.sort()
    caseload: dict[int, int] = {}
    for _, counts, _, _ in results:
        for k, v in counts.items():
            caseload[k] = caseload.get(k, 0) + v
    log(
        f"simulated {sum(r[3] for r in results)} children in {len(tasks)} chunks ({time.monotonic() - started:.1f}s)"
    )

    contract = load_contract()
    staff_tables = {"ssd_professionals", "ssd_department", "iro_establishment"}
    for name, table in contract.items():
        if name not in staff_tables:
            assemble(parts, folder / f"{name}.csv", name, table.column_names, len(tasks))
    _write_workforce(folder, contract, ctx, caseload)
    for name, columns in TRUTH_COLUMNS.items():
        assemble(parts, folder / "_truth" / f"{name}.csv", "_truth/" + name, columns, len(tasks))
    (folder / "_truth" / "README.md").write_text(TRUTH_README, encoding="utf-8")
    shutil.rmtree(parts)
    if errors:
        from dagster_project.synth.errors import inject_errors

        planted = inject_errors(folder, errors, opts.seed, opts.style, as_at)
        log(f"planted {len({(t.kind, t.child) for t in planted})} recording errors ({len(planted)} expected findings)")
    manifest = {
        "la_code": settings.la_code,
        "la_name": settings.la_name,
        "cms": style_.cms,
        "extracted_at": f"{as_at.isoformat()}T02:00:00",
        "ssd_version": SSD_VERSION,
        # no real child: outputs made from this extract must not pass for the council's figures
        "synthetic": True,
        "generator": {"name": "dagster_project.synth", **opts.manifest_options()},
    }
    if errors:
        manifest["generator"]["errors"] = errors
    # written last: an extract is complete only once its manifest exists
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    _CONTEXT, _TASKS = None, {}
    log(f"written {folder} ({time.monotonic() - started:.1f}s)")
    return folder


def _report(progress: Callable[[int, int], None] | None, done: int, total: int, result):
    if progress is not None:
        progress(done, total)
    return result


def _write_workforce(folder: Path, contract, ctx: Context, caseload: dict[int, int]) -> None:
    style = ctx.style
    rows = []
    for p in ctx.workforce.people:
        rows.append(
            [
                p.professional_id,
                p.staff_id,
                p.name,
                p.registration,
                "Y" if p.agency else "N",
                p.title,
                caseload.get(p.professional_id, 0) if p.end is None else "",
                p.team.name,
                p.fte,
            ]
        )
    write_table(folder / "ssd_professionals.csv", contract["ssd_professionals"].column_names, rows)
    teams = [[t.team_id, t.name, "", ""] for t in SERVICES]
    teams += [[t.team_id, t.name, t.parent_id, t.parent_name] for t in TEAMS.values()]
    write_table(folder / "ssd_department.csv", contract["ssd_department"].column_names, teams)
    posts = [
        [p.professional_id, style.date(p.start), style.date(p.end), p.fte, "Y" if p.agency else "N"]
        for p in ctx.workforce.iro_posts()
    ]
    write_table(folder / "iro_establishment.csv", contract["iro_establishment"].column_names, posts)


TRUTH_README = """# The truth behind this synthetic extract

What the generator simulated, before it was written out as SSD tables. Ingestion ignores this folder;
use it to check what the warehouse derives. Dates are ISO (YYYY-MM-DD); codes are DfE codes.

- `children.csv`: one row per child who was looked after (or is a care leaver) in the extract. CHILD is
  `pers_person_id`; DOB is the date of birth the 903 uses (for an unaccompanied child, the assessed date,
  even where the extract only has it in `pers_expected_dob`); UPN is what the 903 wants (a UPN or UN1-UN5);
  MOTHER is 1 (has a child), 0 (a girl who has not) or blank (a boy), MC_DOB the first child's date of
  birth; UASC 1/0 and DUC the date UASC status ceased (18th birthday, or the age assessment that found an
  adult).
- `episodes.csv`: the true 903 episodes of every child, all years (including periods of care that ended
  before the extract window): DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE,
  HOME_POST, PL_POST, URN; period_of_care_id (= `clae_cla_id`) and distance_miles (as the DfE computes
  it). DEC and REC are blank for an episode still open at the extract date. Short-break (V3/V4) episodes
  carry no placement postcode, unaccompanied children no home postcode and no distance.
- `reviews.csv`: every looked-after review: REVIEW (the date held, or the date of a cancelled meeting),
  REVIEW_CODE (PN0-PN7; blank when cancelled), due_date, sequence (1 first, 2 second, 3 and later),
  on_time (1 if held on or before its due date; blank when cancelled), cancelled (1/0). review_id is
  `clar_cla_review_id`. Reviews of short-break agreements (V4) are included; the 903 leaves them out.
- `previous_permanence.csv`: the previous permanence option recorded at the start of each period of
  care (PREV_PERM, LA_PERM, DATE_PERM as the 903 takes them).
- `missing.csv`: missing (M) and away-without-authorisation (A) spells while looked after; MIS_END blank
  while the child is still missing at the extract date.
- `adoption.csv`: one row per decision that a child should be placed for adoption: DATE_INT (the
  decision: the 903's AD1 DATE_INT and PlacedAdoption DATE_PLACED), DATE_MATCH, FOSTER_CARE (1 adopted
  by the foster carer, A3/A5), NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR (blank until placed for adoption), and
  DATE_PLACED_CEASED / REASON_PLACED_CEASED when the decision was reversed.
- `oc2.csv`: the OC2 answers at each 31 March (YEAR_ENDING) a child had been looked after continuously
  for 12 months (from the 1 April before), from the health, SDQ, offending and substance misuse records
  (items that do not apply at the child's age are blank).
"""

"""903 episodes, the true ones, from a period's legal statuses and placements; and the SSD's own episodes.

A 903 episode is a spell with one legal status and one placement; a new one starts whenever either
changes, and its RNE says which changed: L (legal status only), P (new carer), T (same carer, new
details), B (legal status and new carer), U (legal status and same carer), S (start of a period).
REASON_PLACE_CHANGE sits on the episode that ends with the change of placement (rule 225), never on
temporary placements or the episode before one (rule 226).

The case-management system does not record legal status on its episodes: an SSD episode starts with
each new placement (and the period), and, about half the time, with a legal-status-only change too.
Where it does not, one SSD episode spans several 903 episodes and the warehouse must split it using the
legal status timeline.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from dagster_project.synth.codes import SHORT_BREAK_STATUSES
from dagster_project.synth.periods import Status
from dagster_project.synth.placements import Placement, distance_miles


@dataclass
class Episode:
    start: date
    end: date | None
    rne: str
    ls: str
    cin: str
    placement: Placement
    rec: str  # "" while the episode is open
    reason: str  # REASON_PLACE_CHANGE
    home_post: str
    pl_post: str
    urn: str
    distance: float | None


@dataclass
class SsdEpisode:
    start: date
    end: date | None
    start_reason: str  # the true RNE ("" where the system left it blank)
    ceased_reason: str
    placement: Placement
    episodes: list[Episode]


def build_903_episodes(
    legal: list[Status],
    placements: list[Placement],
    end: date | None,
    rec: str,
    cin: str,
    home_post: str,
    postcode_index,
    uasc: bool,
) -> list[Episode]:
    bounds = sorted({p.start for p in placements} | {s.start for s in legal})
    episodes: list[Episode] = []
    pi = li = 0
    for i, b in enumerate(bounds):
        while placements[pi].end is not None and placements[pi].end <= b:
            pi += 1
        while legal[li].end is not None and legal[li].end <= b:
            li += 1
        pl, ls = placements[pi], legal[li].code
        ep_end = bounds[i + 1] if i + 1 < len(bounds) else end
        if not episodes:
            rne = "S"
        else:
            prev = episodes[-1]
            ls_changed, pl_changed = ls != prev.ls, pl is not prev.placement
            if not pl_changed:
                if not ls_changed:
                    raise AssertionError("an episode boundary with nothing changed")
                rne = "L"
            elif pl.carer == prev.placement.carer:
                rne = "U" if ls_changed else "T"
            else:
                rne = "B" if ls_changed else "P"
        reason = ""
        if ep_end is not None and i + 1 < len(bounds) and pl.end == ep_end:
            nxt = placements[pi + 1]
            if not pl.temporary and not nxt.temporary:
                reason = pl.change_reason
                if not reason:
                    raise AssertionError("a change of placement without a reason")
        # short breaks carry no location (rules 214, 398, 420); unaccompanied children no home (406)
        short_break = ls in SHORT_BREAK_STATUSES
        pl_post = "" if short_break else pl.postcode
        home = "" if uasc or short_break else home_post
        distance = None if short_break or uasc else distance_miles(home, pl_post, postcode_index)
        is_last = i + 1 == len(bounds)
        episodes.append(
            Episode(
                b,
                ep_end,
                rne,
                ls,
                cin,
                pl,
                (rec if is_last else "X1") if ep_end else "",
                reason,
                home,
                pl_post,
                "" if short_break else pl.urn,
                distance,
            )
        )
    return episodes


def group_ssd_episodes(
    episodes: list[Episode], rng: random.Random, blank_share: float = 0.02
) -> list[SsdEpisode]:
    """The case-management system's episodes: one per placement, some split at legal changes too."""
    out: list[SsdEpisode] = []
    for ep in episodes:
        starts_new = not out or ep.rne != "L" or rng.random() < 0.5
        if starts_new:
            reason = ep.rne
            if ep.rne != "S" and rng.random() < blank_share:
                reason = ""  # not recorded: the warehouse infers it
            out.append(SsdEpisode(ep.start, ep.end, reason, ep.rec, ep.placement, [ep]))
        else:
            current = out[-1]
            current.episodes.append(ep)
            current.end = ep.end
            current.ceased_reason = ep.rec
    return out

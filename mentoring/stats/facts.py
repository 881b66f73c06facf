"""The counts /stats is built from, per organisation: computed live by grouped SQL, or read
from the snapshot the scheduler refreshes every few minutes.

A school's curator always gets live figures (a few milliseconds for one organisation). A
scope of more than `LIVE_LIMIT` organisations (a municipality, a region) reads the snapshot
when one at most `MAX_AGE` old exists for the period and threshold, and says as of when;
organisations the snapshot lacks (created since) are counted live. Without a fresh snapshot
everything is counted live, so a figure is never older than `MAX_AGE`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from mentoring.people.ages import birth_range
from mentoring.stats.activity import activity_counts
from mentoring.stats.periods import Period
from storage import stats as store
from storage import stats_activity as activity_store
from storage import stats_snapshots as snapshot_store
from storage.db import Database
from surveys.scoring import ScoreTally, bucket_edges

__all__ = [
    "BUCKET_WIDTH",
    "LIVE_LIMIT",
    "MAX_AGE",
    "SURVEYS",
    "OrgFacts",
    "facts_for",
    "live_facts",
    "refresh_snapshots",
]

log = logging.getLogger(__name__)

SURVEYS = {"mentee": "satisfaction_mentee", "mentor": "satisfaction_mentor"}
BUCKET_WIDTH = 10.0
YOUNG_SPECIALIST_YEARS = 3
# The satisfaction items are 1–10 scales (DESIGN §2); the response row keeps only the
# normalised score, so the raw mean is recovered from it on that scale.
SCALE_MIN, SCALE_MAX = 1.0, 10.0
LIVE_LIMIT = 20  # scopes up to this many organisations are always counted live
REFRESH_EVERY = timedelta(minutes=10)
MAX_AGE = 2 * REFRESH_EVERY  # one missed refresh is tolerated, two are not
SNAPSHOT_FORMAT = 2  # 1: named fields (before the region-scale work)
NO_MENTEES = store.MenteeCounts(0, 0, 0)
NO_PAIRS = store.PairFacts()


@dataclass(frozen=True, slots=True)
class OrgFacts:
    """One organisation's counts for one period; additive across organisations except
    `partners`, which is a set of partner organisation ids (one partner, counted once)."""

    mentees: store.MenteeCounts = NO_MENTEES
    pairs: store.PairFacts = NO_PAIRS
    partners: frozenset[int] = frozenset()
    scores: dict[str, ScoreTally] = field(default_factory=dict)  # per role
    waves: tuple[store.WaveRow, ...] = ()
    meetings: tuple[activity_store.MeetingCount, ...] = ()  # held, per type and form
    forms: tuple[activity_store.FormCounts, ...] = ()

    def to_json(self) -> str:
        """Positional lists, not named fields: a region's thousand rows parse in half the time."""
        return json.dumps(
            [
                SNAPSHOT_FORMAT,
                self.mentees,
                self.pairs,
                sorted(self.partners),
                {role: astuple(tally) for role, tally in self.scores.items()},
                [(*w[:3], w.deadline.isoformat(), *w[4:]) for w in self.waves],
                self.meetings,
                self.forms,
            ],
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> OrgFacts | None:
        """The facts, or None for a snapshot in an older format (counted live until the next
        refresh rewrites it)."""
        data: Any = json.loads(text)
        if not isinstance(data, list) or data[0] != SNAPSHOT_FORMAT:
            return None
        _, mentees, pairs, partners, scores, waves, meetings, forms = data
        wave = store.WaveRow._make
        return cls(
            mentees=store.MenteeCounts._make(mentees),
            pairs=store.PairFacts._make(pairs),
            partners=frozenset(partners),
            scores={
                role: ScoreTally(t[0], t[1], t[2], t[3], t[4], t[5], tuple(t[6]))
                for role, t in scores.items()
            },
            waves=tuple(wave((*w[:3], date.fromisoformat(w[3]), *w[4:])) for w in waves),
            meetings=tuple(map(activity_store.MeetingCount._make, meetings)),
            forms=tuple(map(activity_store.FormCounts._make, forms)),
        )


def _tally(counts: store.SatisfactionCounts) -> ScoreTally:
    buckets = [0] * len(bucket_edges(BUCKET_WIDTH))
    for number, count in counts.buckets.items():
        buckets[min(number, len(buckets) - 1)] += count
    return ScoreTally(
        asked=counts.asked,
        respondents=counts.respondents,
        scored=counts.scored,
        satisfied=counts.satisfied,
        sum_normalised=counts.sum_normalised,
        sum_raw=counts.scored * SCALE_MIN + counts.sum_normalised / 100.0 * (SCALE_MAX - SCALE_MIN),
        buckets=tuple(buckets),
    )


async def _people_facts(
    db: Database, ids: Sequence[int], period: Period
) -> tuple[dict[int, store.MenteeCounts], dict[int, store.PairFacts]]:
    mentee_band, mentor_band = birth_range(10, 19, period.end), birth_range(15, 19, period.end)
    async with db.connect() as conn:
        mentees = await store.mentee_counts(
            conn,
            ids,
            born_after=mentee_band[0],
            born_until=mentee_band[1],
            young_max_years=YOUNG_SPECIALIST_YEARS,
        )
        pairs = await store.pair_facts(
            conn,
            ids,
            period.start_at,
            period.end_at,
            born_after=mentor_band[0],
            born_until=mentor_band[1],
        )
    return mentees, pairs


async def _answer_facts(
    db: Database, ids: Sequence[int], period: Period, threshold: float
) -> tuple[dict[str, dict[int, ScoreTally]], list[store.WaveRow], dict[int, set[int]]]:
    async with db.connect() as conn:
        found = await store.satisfaction_tallies(
            conn,
            ids,
            list(SURVEYS.values()),
            period.start,
            period.end,
            threshold=threshold,
            bucket_edges=bucket_edges(BUCKET_WIDTH),
        )
        waves = await store.wave_rows(conn, ids, period.start, period.end)
        partners = await store.partners_with_active_mentor(conn, ids)
    scores = {
        role: {org: _tally(counts) for org, counts in found[code].items()}
        for role, code in SURVEYS.items()
    }
    return scores, waves, partners


async def _activity_facts(
    db: Database, ids: Sequence[int], period: Period
) -> tuple[list[activity_store.MeetingCount], list[activity_store.FormCounts]]:
    async with db.connect() as conn:
        return await activity_counts(conn, ids, period)


def _grouped(rows: Iterable[Any]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for row in rows:
        found.setdefault(row.organisation_id, []).append(row)
    return found


async def live_facts(
    db: Database, ids: Sequence[int], period: Period, threshold: float
) -> dict[int, OrgFacts]:
    """Count now. The three parts read different tables; on separate connections they run
    side by side (SQLite in WAL mode serves concurrent readers; sqlite3 releases the GIL)."""
    if not ids:
        return {}
    (mentees, pairs), (scores, waves, partners), (meetings, forms) = await asyncio.gather(
        _people_facts(db, ids, period),
        _answer_facts(db, ids, period, threshold),
        _activity_facts(db, ids, period),
    )
    waves_of, meetings_of, forms_of = _grouped(waves), _grouped(meetings), _grouped(forms)
    return {
        org: OrgFacts(
            mentees=mentees.get(org, NO_MENTEES),
            pairs=pairs.get(org, NO_PAIRS),
            partners=frozenset(partners.get(org, ())),
            scores={role: scores[role].get(org, ScoreTally()) for role in SURVEYS},
            waves=tuple(waves_of.get(org, ())),
            meetings=tuple(meetings_of.get(org, ())),
            forms=tuple(forms_of.get(org, ())),
        )
        for org in ids
    }


# Snapshot rows already parsed in this process, per database and period: organisation id →
# (when counted, threshold, facts). A row never changes until a refresh replaces it, stamped
# with the refresh's own clock time, so a region's thousand rows are parsed once per refresh
# (every 10 minutes), not once per request.
_parsed: weakref.WeakKeyDictionary[Database, dict[str, dict[int, tuple[datetime, float, OrgFacts]]]]
_parsed = weakref.WeakKeyDictionary()


async def _snapshot(
    db: Database, ids: Sequence[int], period: Period, threshold: float, now: datetime
) -> tuple[dict[int, OrgFacts], datetime] | None:
    known = _parsed.setdefault(db, {}).setdefault(period.label, {})
    async with db.connect() as conn:
        fresh = {
            org: (computed_at, stored)
            for org, stored, computed_at in await snapshot_store.stamps(conn, period.label, ids)
            if stored == threshold and now - computed_at <= MAX_AGE
        }
        unparsed = [
            org for org, stamp in fresh.items() if known.get(org, (None, None))[:2] != stamp
        ]
        rows = await snapshot_store.read(conn, period.label, unparsed) if unparsed else []
    for row in rows:
        facts = OrgFacts.from_json(row.facts)
        if facts is not None:
            known[row.organisation_id] = (row.computed_at, row.threshold, facts)
    found = {
        org: known[org][2]
        for org, stamp in fresh.items()
        if known.get(org, (None, None))[:2] == stamp
    }
    if not found:
        return None
    missing = [org for org in ids if org not in found]
    found.update(await live_facts(db, missing, period, threshold))
    return found, min(fresh[org][0] for org in found if org in fresh)


async def facts_for(
    db: Database, ids: Sequence[int], period: Period, threshold: float, now: datetime
) -> tuple[dict[int, OrgFacts], datetime | None]:
    """The facts of these organisations and when they were counted (None: just now)."""
    if len(ids) > LIVE_LIMIT:
        stored = await _snapshot(db, ids, period, threshold, now)
        if stored is not None:
            return stored
    return await live_facts(db, ids, period, threshold), None


async def refresh_snapshots(
    db: Database,
    organisation_ids: Sequence[int],
    periods: Sequence[Period],
    threshold: float,
    now: datetime,
) -> int:
    """Count every period for these organisations and replace the stored snapshots."""
    written = 0
    for period in periods:
        facts = await live_facts(db, organisation_ids, period, threshold)
        async with db.begin() as conn:
            written += await snapshot_store.replace_period(
                conn,
                period.label,
                threshold,
                now,
                ((org, f.to_json()) for org, f in facts.items()),
            )
    log.info("stats.snapshots_refreshed periods=%d rows=%d", len(periods), written)
    return written

"""Thank-you letters (благодарственные письма) at the end of a school year.

A mentor **completed the year** Y (1 September Y – 31 August Y+1, counted up to `today`)
when at least one pair or group he led in the organisation, fixed by an order:
1. held at least one meeting in the year (a meeting marked «состоялась»), and
2. finished its programme: every mentee of it has an approved personalised programme, and
   either the pair held its final meeting (итоговая встреча) in the year, or the
   organisation held the final meeting of all pairs (итоговая общая встреча) while the pair
   was working, or the programme's term (order date + its months) is over by `today` with
   the pair not dissolved.
A pair dissolved before finishing does not count. A partner organisation (kind "partner")
is thanked when one of its mentors led a pair of this organisation that held at least one
meeting in the year. People erased at their request (/forget) get no letter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from i18n import Translator
from i18n.wording import school_year_label
from mentoring.documents.files import ZIP, Document, file_name, texts
from mentoring.documents.orders import add_months
from mentoring.documents.templates import template_for
from reports.documents.data import Letters, MentorThanks, PartnerThanks, School, Signatory
from storage import documents as store
from storage import organisations as org_store
from storage.db import Database
from storage.documents import HeldMeetings, OrderPair, PlanFacts

__all__ = ["Year", "completed", "letters_data", "letters_document"]


@dataclass(frozen=True, slots=True)
class Year:
    """The school year `year` (2026 = 2026/27) as counted on `today`."""

    year: int
    today: date

    @property
    def start_at(self) -> datetime:
        return datetime.combine(date(self.year, 9, 1), time(), UTC)

    @property
    def end(self) -> date:
        return min(date(self.year + 1, 8, 31), self.today)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)


def completed(
    pair: OrderPair,
    held: HeldMeetings | None,
    plans: dict[tuple[int, int], PlanFacts],
    group_finals: Sequence[datetime],
    today: date,
) -> bool:
    """The pair met and finished its programme (the rule in this module's docstring)."""
    if held is None or held.count < 1 or not pair.mentee_ids:
        return False
    mentee_plans = [plans.get((pair.id, mentee)) for mentee in pair.mentee_ids]
    if any(plan is None or plan.status != "approved" for plan in mentee_plans):
        return False
    if held.final:
        return True
    start = datetime.combine(pair.order_date, time(), UTC)
    if any(
        start <= at and (pair.dissolved_at is None or at < pair.dissolved_at) for at in group_finals
    ):
        return True
    if pair.status != "active":
        return False
    return all(
        add_months(pair.order_date, plan.duration_months) <= today
        for plan in mentee_plans
        if plan is not None
    )


def _mentor_letters(
    pairs: list[OrderPair],
    done: set[int],
    held: dict[int, HeldMeetings],
    names: dict[int, str | None],
) -> tuple[MentorThanks, ...]:
    letters = []
    for mentor_id in dict.fromkeys(p.mentor_id for p in pairs if p.id in done):
        name = names.get(mentor_id)
        if not name:
            continue
        own = [p for p in pairs if p.mentor_id == mentor_id]
        finished = [p for p in own if p.id in done]
        mentees = [names.get(m) for p in finished for m in p.mentee_ids]
        letters.append(
            MentorThanks(
                name=name,
                mentees=tuple(m for m in dict.fromkeys(mentees) if m),
                forms=tuple(dict.fromkeys(p.form for p in finished)),
                meetings_held=sum(held[p.id].count for p in own if p.id in held),
            )
        )
    return tuple(sorted(letters, key=lambda letter: letter.name))


async def letters_data(
    db: Database, organisation_id: int, year: int, today: date
) -> Letters | None:
    """The letters of school year `year` as of `today`; None for an unknown organisation."""
    period = Year(year, today)
    async with db.connect() as conn:
        organisation = await org_store.get(conn, organisation_id)
        if organisation is None:
            return None
        pairs = await store.year_pairs(conn, organisation_id, period.end, period.start_at)
        ids = [p.id for p in pairs]
        held = await store.held_meetings(conn, ids, period.start_at, period.end_at)
        plans = await store.plans_of(conn, ids)
        finals = await store.group_finals_held(
            conn, organisation_id, period.start_at, period.end_at
        )
        people = {p.mentor_id for p in pairs} | {m for p in pairs for m in p.mentee_ids}
        names = await store.names_of(conn, list(people))
        worked = [p for p in pairs if p.id in held]
        partners = await store.partners_of(conn, [p.mentor_id for p in worked])
    done = {p.id for p in pairs if completed(p, held.get(p.id), plans, finals, today)}
    by_partner: dict[int, tuple[store.PartnerOf, list[str]]] = {}
    for pair in worked:
        mentor = names.get(pair.mentor_id)
        for partner in partners.get(pair.mentor_id, []):
            entry = by_partner.setdefault(partner.organisation_id, (partner, []))
            if mentor and mentor not in entry[1]:
                entry[1].append(mentor)
    school = School(
        organisation.name,
        organisation.municipality,
        organisation.region,
        Signatory(organisation.head_name, organisation.head_position),
    )
    partner_letters = tuple(
        PartnerThanks(p.name, Signatory(p.head_name, p.head_position), tuple(sorted(mentors)))
        for p, mentors in sorted(by_partner.values(), key=lambda entry: entry[0].name)
        if mentors
    )
    return Letters(school, year, today, _mentor_letters(pairs, done, held, names), partner_letters)


async def letters_document(
    db: Database,
    translator: Translator,
    organisation_id: int,
    year: int,
    today: date,
    *,
    one_per_person: bool = False,
) -> Document | None:
    """All the letters in one .docx (a page each) or a ZIP of one .docx per addressee; None
    when the organisation is unknown or nobody is to be thanked yet."""
    from reports.documents.letters import letters_docx, letters_zip

    letters = await letters_data(db, organisation_id, year, today)
    if letters is None or not (letters.mentors or letters.partners):
        return None
    template = await template_for(db, organisation_id, "letters")
    t = texts(translator)
    name = t("documents.files.letters", year=school_year_label(year).replace("/", "-"))
    count = len(letters.mentors) + len(letters.partners)
    if one_per_person:
        content = await asyncio.to_thread(letters_zip, letters, t, template)
        return Document(file_name(name, "zip"), content, ZIP, count)
    content = await asyncio.to_thread(letters_docx, letters, t, template)
    return Document(file_name(name, "docx"), content, items=count)

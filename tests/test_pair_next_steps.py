"""After approval the mentor is sent to /plan; a mentor left without mentees is told so."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from i18n import Translator
from mentoring.pairs import notices as pair_notices
from storage import pairs as pair_store
from storage import people as people_store
from storage.db import Database
from storage.schema import outbox
from surveys.definitions import load_definitions
from tests.test_pairs import NewUser, cohort


async def _texts(db: Database, kind: str) -> dict[int, list[str]]:
    async with db.connect() as conn:
        rows = (
            await conn.execute(
                select(outbox.c.chat_id, outbox.c.payload)
                .where(outbox.c.kind == kind)
                .order_by(outbox.c.id)
            )
        ).all()
    found: dict[int, list[str]] = {}
    for chat_id, payload in rows:
        data = payload if isinstance(payload, dict) else json.loads(payload)
        found.setdefault(chat_id, []).append(str(data["text"]))
    return found


async def _approve_all(db: Database, new_user: NewUser) -> tuple[int, dict[str, object]]:
    school, curator, users = await cohort(db, new_user)
    await curator.send("/pairs")
    await curator.tap("Предложить пары")
    await curator.tap("✅ Утвердить все")
    await curator.send("№ 12-о")
    await curator.send("01.10.2026")
    return school, dict(users)


async def test_approval_sends_the_mentor_to_plan(db: Database, new_user: NewUser) -> None:
    school, _ = await _approve_all(db, new_user)
    async with db.connect() as conn:
        active = await pair_store.active_pairs(conn, school)
    assert active
    texts = await _texts(db, "pair_approved")
    for pair in active:
        async with db.connect() as conn:
            mentor = await people_store.get(conn, pair.mentor_id)
            mentor_chat = mentor.telegram_id if mentor and mentor.telegram_id else 0
        (mentor_text,) = texts[mentor_chat]
        assert "персонализированная программа для каждого наставляемого: /plan" in mentor_text
        assert "когда куратор её утвердит" in mentor_text


async def test_a_mentor_left_without_mentees_is_told_so(
    db: Database, new_user: NewUser, translator: Translator
) -> None:
    school, _ = await _approve_all(db, new_user)
    registry = load_definitions()
    async with db.connect() as conn:
        active = await pair_store.active_pairs(conn, school)
    now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for pair in active:
        async with db.connect() as conn:
            others = [p for p in await pair_store.active_pairs(conn, school) if p.id != pair.id]
        still_leads = any(p.mentor_id == pair.mentor_id for p in others)
        assert await pair_notices.dissolve(
            db, translator, registry, pair.id, reason="переезд", actor_person_id=None, now=now
        )
        texts = await _texts(db, "pair_dissolved")
        async with db.connect() as conn:
            mentor = await people_store.get(conn, pair.mentor_id)
        assert mentor is not None and mentor.telegram_id is not None
        told = texts[mentor.telegram_id][-1]
        assert ("Сейчас у вас нет наставляемых" in told) is (not still_leads)
    async with db.connect() as conn:
        assert not await pair_store.active_pairs(conn, school)

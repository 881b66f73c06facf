"""/consents: the curator's minors who still lack a parent's consent, and the paper consent
he records for one of them (who signed it, as the back office's form asks)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import PageCallback, PaperConsentCallback
from bot.long_messages import paged_keyboard, send_long, show_page
from handlers.curator_forms import CURATOR_FLOW_PICKER, pick_organisation
from handlers.forms import TYPED_ANSWER, read_answer, start_form
from i18n import Texts
from i18n.markup import safe
from mentoring.people.curation import can_curate
from mentoring.people.organisations import get_organisation
from mentoring.people.parental import paper_consent_target, record_paper_consent, valid_parent_name
from mentoring.questionnaires import waves
from storage.db import Database
from storage.people import Person, PersonRow

__all__ = ["PaperConsentForm", "build_router", "show_consents"]


class PaperConsentForm(StatesGroup):
    signer = State()  # who signed the paper: the parent's name, as the web form asks


async def show_consents(message: Message, org_id: int, db: Database, t: Texts) -> None:
    found = await get_organisation(db, org_id)
    organisation = found.name if found else ""
    minors = await waves.minors_lacking_parent_consent(db, org_id, datetime.now(UTC).date())
    if not minors:
        await message.answer(t("curator.consents.none", organisation=safe(organisation)))
        return
    lines = [t("curator.consents.header", organisation=safe(organisation))]
    for row in minors:
        lines.append(
            t("curator.consents.person_line", name=safe(row.full_name), role=t(f"roles.{row.role}"))
        )
    await send_long(
        message, "\n".join(lines), reply_markup=_consents_keyboard(org_id, minors, 0, t)
    )


def _consents_keyboard(
    org_id: int, minors: list[PersonRow], page: int, t: Texts
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            text=t("curator.consents.paper_button", name=row.full_name or "—")[:60],
            callback_data=PaperConsentCallback(person=row.id).pack(),
        )
        for row in minors
    ]
    return paged_keyboard(buttons, PageCallback(picker="consents", page=page, org=org_id), t)


async def on_consents_page(
    query: CallbackQuery, callback_data: PageCallback, person: Person | None, db: Database, t: Texts
) -> None:
    if not isinstance(query.message, Message) or not can_curate(person, callback_data.org):
        await query.answer(t("hint.no_rights"))
        return
    await query.answer()
    today = datetime.now(UTC).date()
    minors = await waves.minors_lacking_parent_consent(db, callback_data.org, today)
    await show_page(
        query.message, _consents_keyboard(callback_data.org, minors, callback_data.page, t)
    )


async def cmd_consents(message: Message, person: Person | None, db: Database, t: Texts) -> None:
    org_id = await pick_organisation(message, person, db, t, CURATOR_FLOW_PICKER + "consents")
    if org_id is not None:
        await show_consents(message, org_id, db, t)


async def on_paper_consent(
    query: CallbackQuery,
    callback_data: PaperConsentCallback,
    state: FSMContext,
    person: Person | None,
    db: Database,
    t: Texts,
) -> None:
    target = await paper_consent_target(db, person, callback_data.person, datetime.now(UTC).date())
    if target is None or not isinstance(query.message, Message):
        await query.answer(t("hint.stale_button"))
        return
    await query.answer()
    question = t("parent.paper.ask_signer", child=safe(target.child_name))
    await start_form(
        query.message, state, PaperConsentForm.signer, question, child=callback_data.person
    )


async def on_paper_signer(
    message: Message, state: FSMContext, person: Person | None, db: Database, t: Texts
) -> None:
    child = (await state.get_data()).get("child")
    today = datetime.now(UTC).date()
    target = (
        await paper_consent_target(db, person, child, today) if isinstance(child, int) else None
    )
    if person is None or target is None or not isinstance(child, int):
        await state.clear()
        await message.answer(t("parent.paper.gone"))
        return
    signer = await read_answer(message, valid_parent_name, t("parent.name_invalid"))
    if signer is None:
        return
    await state.clear()
    await record_paper_consent(
        db,
        person_id=child,
        signed_by=signer,
        recorded_by=f"curator #{person.id} (chat)",
        text_version=t("parent.consent_version"),
        actor_person_id=person.id,
    )
    await message.answer(
        t("parent.paper.recorded", child=safe(target.child_name), signer=safe(signer))
    )
    await show_consents(message, target.organisation_id, db, t)  # the list without him


def build_router() -> Router:
    router = Router(name=__name__)
    router.message(Command("consents"))(cmd_consents)
    router.callback_query(PaperConsentCallback.filter())(on_paper_consent)
    router.callback_query(PageCallback.filter(F.picker == "consents"))(on_consents_page)
    router.message(PaperConsentForm.signer, TYPED_ANSWER)(on_paper_signer)
    return router

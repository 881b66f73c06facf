"""«Кто отстаёт»: organisations below target, worst first — the rule, and the list in the chat
(/stats → «Кто отстаёт»), paged, re-checked on every press."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import User

from bot.callbacks import LaggingCallback
from bot.factory import build_dispatcher
from bot.long_messages import TEXT_LIMIT, visible_length
from bot.settings import Settings
from i18n import Translator
from i18n.wording import counted
from mentoring.demo.seed import DemoSize, write_demo
from mentoring.stats.lagging import below_target, who_lags
from reports.data import KpiValue
from storage.db import Database
from tests.chat import ChatUser
from tests.factories import make_invite
from tests.lagging_figures import (
    ALL_BEHIND,
    FIGURES,
    LONG_REGION,
    FiguresStats,
    fixture_schools,
    many_organisations,
    organisation_stats,
)
from tests.test_coordinator_scope import area_invite
from tests.test_curator_surveys import register

NewUser = Callable[..., ChatUser]


@pytest.fixture
def figures(db: Database, translator: Translator) -> FiguresStats:
    return FiguresStats(db, translator, FIGURES.get)


@pytest.fixture
def dispatcher(
    settings: Settings, db: Database, translator: Translator, figures: FiguresStats
) -> Dispatcher:
    return build_dispatcher(settings, db, translator, stats=figures)


# --- the rule -----------------------------------------------------------------------------


def test_below_target_is_a_value_under_its_target_and_no_data_is_not() -> None:
    assert below_target(KpiValue("mentees_10_19", 69.9, 699, 1000, 70.0))
    assert not below_target(KpiValue("mentees_10_19", 70.0, 7, 10, 70.0))  # met, as `met` says
    assert not below_target(KpiValue("mentees_10_19", None, 0, 0, 70.0))  # «нет данных»


def test_worst_first_more_kpis_behind_then_further_from_target_then_name() -> None:
    organisations = [organisation_stats(n, name, FIGURES[name]) for n, name in enumerate(FIGURES)]
    listed = who_lags(organisations)
    # Школа № 4 and № 3 both miss three targets; № 4 misses 2.0 of them (0.5 + 0.5 + 1),
    # № 3 0.70 (1/7 + 1/2 + 1/17). Met everything (№ 1) or no data (№ 5): not listed.
    assert [item.name for item in listed] == [
        "Алексинская школа",
        "Школа № 4",
        "Школа № 3",
        "Школа № 2",
    ]
    assert [kpi.code for kpi in listed[1].behind] == [
        "mentees_10_19",
        "partner_orgs",
        "schools_teacher_model",
    ]
    twins = [organisation_stats(n, name, FIGURES["Школа № 2"]) for n, name in ((1, "Б"), (2, "А"))]
    assert [item.name for item in who_lags(twins)] == ["А", "Б"]


def test_numbers_are_declined(translator: Translator) -> None:
    ru, en = translator.bind("ru"), translator.bind("en")
    key = "stats.lagging.organisations"
    assert [counted(n, key, ru, "ru") for n in (1, 3, 5, 21, 1000)] == [
        "1 организация",
        "3 организации",
        "5 организаций",
        "21 организация",
        "1\u202f000 организаций",
    ]
    assert counted(1, key, en, "en") == "1 organisation" and counted(2, key, en, "en") == (
        "2 organisations"
    )


# --- in the chat --------------------------------------------------------------------------


async def _coordinator(db: Database, new_user: NewUser, **area: str) -> ChatUser:
    coordinator = new_user("Координатор")
    await register(coordinator, await area_invite(db, **area), "Петрова Ольга")
    return coordinator


async def test_a_coordinator_reads_who_lags_worst_first(db: Database, new_user: NewUser) -> None:
    await fixture_schools(db)
    coordinator = await _coordinator(db, new_user, municipality="г. Тула")
    replies = await coordinator.send("/stats")
    listing = (await coordinator.press(replies[-1], "Кто отстаёт"))[-1]
    text = listing.text or ""

    assert "Кто отстаёт: г. Тула" in text and "2026/27" in text
    assert "Ниже цели хотя бы по одному показателю — 3 организации из 5." in text
    assert "Сначала — организации, у которых больше показателей ниже цели" in text
    worst = "<b>1. Школа № 4</b> — 3 показателя ниже цели:"
    second = "<b>2. Школа № 3</b> — 3 показателя ниже цели:"
    third = "<b>3. Школа № 2</b> — 1 показатель ниже цели:"
    assert text.index(worst) < text.index(second) < text.index(third)
    assert "• наставляемые 10–19 лет: 35\u00a0% (цель 70\u00a0%)" in text
    assert "• модель для педагогов: 0\u00a0% (цель 100\u00a0%)" in text
    assert "• наставляемые 10–19 лет: 42,5\u00a0% (цель 70\u00a0%)" in text  # a decimal comma
    assert "Школа № 1" not in text and "Школа № 5" not in text  # met / no data
    assert "Алексинская" not in text  # another municipality
    assert listing.reply_markup is None  # one page: no ◀ ▶
    assert "mentees_10_19" not in text and "2026-" not in text  # no codes


async def test_a_curator_of_one_school_has_no_such_button_and_a_forged_one_is_refused(
    db: Database, new_user: NewUser
) -> None:
    ids = await fixture_schools(db)
    curator = new_user("Куратор")
    await register(curator, await make_invite(db, ids["Школа № 4"], "curator"), "Кураторова Елена")
    replies = await curator.send("/stats")
    assert "Кто отстаёт" not in await curator.buttons()

    sent = len(curator.session.of("SendMessage"))
    await curator.press_data(replies[-1], LaggingCallback().pack())
    assert len(curator.session.of("SendMessage")) == sent, "nothing is listed"
    assert "вам видна одна" in str(curator.callback_answers()[-1].get("text"))


async def test_forged_presses_show_only_the_pressers_own_scope(
    db: Database, new_user: NewUser
) -> None:
    ids = await fixture_schools(db)
    coordinator = await _coordinator(db, new_user, municipality="г. Тула")
    replies = await coordinator.send("/stats")
    listing = (await coordinator.press(replies[-1], "Кто отстаёт"))[-1]
    # The data names no organisation or area: a page «of another municipality» cannot be
    # asked for; any page, any period, is of the presser's own scope, the page clamped.
    for data in (
        LaggingCallback(action="page", period="2026-Q4", page=99),
        LaggingCallback(action="page", period="", page=-3),
    ):
        await coordinator.press_data(listing, data.pack())
        shown = coordinator.session.sent[(listing.chat.id, listing.message_id)].text or ""
        assert "Школа № 4" in shown and "Алексинская" not in shown
    await coordinator.press_data(listing, LaggingCallback(period="1999-Q7").pack())
    assert "Такого периода нет" in str(coordinator.callback_answers()[-1].get("text"))

    # Someone without a staff role presses the same button: a refusal, nothing listed.
    mentee = new_user("Ученик")
    await register(mentee, await make_invite(db, ids["Школа № 1"], "mentee"), "Учеников Иван")
    before = len(mentee.session.of("SendMessage"))
    await mentee.press_data(mentee.last(), LaggingCallback().pack())
    assert len(mentee.session.of("SendMessage")) == before
    assert "доступна куратору" in str(mentee.callback_answers()[-1].get("text"))


async def test_a_thousand_organisations_page_within_telegrams_limits(
    db: Database, new_user: NewUser, figures: FiguresStats
) -> None:
    """The worst case for length: every KPI behind, the longest names and municipalities."""
    figures.figures = lambda name: ALL_BEHIND
    await many_organisations(db, 1000)
    coordinator = await _coordinator(db, new_user, region=LONG_REGION[:200])
    listing = (await coordinator.press_data(coordinator.last(), LaggingCallback().pack()))[-1]

    def shown() -> str:
        return coordinator.session.sent[(listing.chat.id, listing.message_id)].text or ""

    assert "1\u202f000 организаций из 1\u202f000" in shown()
    assert "<b>1. Муниципальное" in shown() and "7 показателей ниже цели" in shown()
    assert "Муниципальный округ" in shown(), "the municipality, when the scope spans several"
    pages = [shown()]  # the first page also explains the order and points to the web
    await coordinator.press(listing, "стр. 2 из 167 ▶")
    pages.append(shown())
    for page in (165, 166, 9999):  # the page before the last, the last, and a forged one
        await coordinator.press_data(listing, LaggingCallback(action="page", page=page).pack())
        pages.append(shown())
    assert "<b>7. " in pages[1] and "<b>996. " in pages[2] and "<b>1000. " in pages[3]
    assert pages[4] == pages[3], "a page past the end shows the last one"
    assert coordinator.session.refused == []
    for text in pages:
        assert visible_length(text) <= TEXT_LIMIT
    buttons = listing.reply_markup.inline_keyboard if listing.reply_markup else []
    assert [b.text for row in buttons for b in row] == ["стр. 2 из 167 ▶"]


async def test_the_demo_region_of_a_thousand_organisations_pages(
    db: Database, settings: Settings, translator: Translator, bot: Bot
) -> None:
    """The real figures of `mentorbot demo-data --orgs 1000 --people 2000`."""
    await write_demo(db, DemoSize(orgs=1000, people=2000, seed=1), force=False)
    real = build_dispatcher(settings, db, translator)  # counted, not given by hand
    user = User(id=6_999_001, is_bot=False, first_name="Координатор", language_code="ru")
    coordinator = ChatUser(real, bot, user)
    await register(coordinator, await area_invite(db, region="Тульская область"), "Петрова Ольга")

    listing = (await coordinator.press_data(coordinator.last(), LaggingCallback().pack()))[-1]
    first = listing.text or ""
    assert "организаций из 1\u202f000" in first and "<b>1. " in first
    await coordinator.press(listing, (await coordinator.buttons())[-1])  # ▶
    await coordinator.press_data(listing, LaggingCallback(action="page", page=9999).pack())
    last = coordinator.session.sent[(listing.chat.id, listing.message_id)].text or ""
    assert last != first and "<b>1. " not in last
    assert coordinator.session.refused == []

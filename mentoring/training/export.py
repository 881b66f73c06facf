"""The school year's schedule of training sessions as a workbook (график обучения)."""

from __future__ import annotations

from collections.abc import Sequence

from i18n import Texts
from mentoring.training.wording import local_start
from reports.sheets import write_xlsx
from storage.training import Invitation, TrainingSession

__all__ = ["schedule_workbook"]


def schedule_workbook(
    sessions: Sequence[tuple[TrainingSession, Sequence[Invitation], str]], t: Texts
) -> bytes:
    """One row a session: (session, its invitations, its organisations' names)."""
    header = [t(f"training.export.{c}") for c in COLUMNS]
    rows = [
        [
            local_start(s).replace(tzinfo=None),
            s.title,
            organisations,
            t(f"training.audience.{s.audience}"),
            s.link or s.place or "",
            len(invited),
            sum(1 for i in invited if i.answer == "yes"),
            sum(1 for i in invited if i.answer == "no"),
            sum(1 for i in invited if i.attended),
        ]
        for s, invited, organisations in sessions
    ]
    return write_xlsx(header, rows, t("training.export.sheet"))


COLUMNS = (
    "when",
    "title",
    "organisations",
    "audience",
    "where",
    "invited",
    "yes",
    "no",
    "attended",
)

"""Benchmark: 1,000 thank-you letters (благодарственные письма) as Word documents.

    .venv/bin/python bench/documents.py [--count 1000]

1. one file, a page per letter (`reports.documents.letters.letters_docx`, docxtpl);
2. a ZIP of one .docx per person (`letters_zip`: the template compiled once, BatchRenderer);
baselines measured in the same run:
  a. docxtpl rendering one letter into a fresh document, `--count` times (what the ZIP would
     cost without the batch renderer);
  b. python-docx opening the template `--count` times (the floor of a per-file approach);
  c. declining the `--count` names into the dative (pymorphy3), a part of every run above.
Prints figures and ratios; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from docx import Document  # noqa: E402

from i18n import load_translator  # noqa: E402
from i18n.names import dative  # noqa: E402
from mentoring.demo.people import FIRST_NAMES, PATRONYMICS, SURNAMES  # noqa: E402
from reports.documents import default_template  # noqa: E402
from reports.documents.data import Letters, MentorThanks, School, Signatory  # noqa: E402
from reports.documents.engine import render  # noqa: E402
from reports.documents.letters import letters_context, letters_docx, letters_zip  # noqa: E402


def mentors(count: int) -> tuple[MentorThanks, ...]:
    found = []
    for n in range(count):
        first, sex = FIRST_NAMES[n % len(FIRST_NAMES)]
        surname = SURNAMES[(n // 3) % len(SURNAMES)] + ("а" if sex == "f" else "")
        patronymic = PATRONYMICS[sex][(n // 7) % len(PATRONYMICS[sex])]
        found.append(
            MentorThanks(
                f"{surname} {first} {patronymic}",
                (f"Ученик {n}", f"Ученица {n}"),
                ("student_student",),
                n % 12 + 1,
            )
        )
    return tuple(found)


def timed(label: str, action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"{label:<58} {seconds:8.2f} s")
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    t = load_translator().bind("ru")
    template = default_template("letters")
    school = School(
        "МБОУ «Средняя школа № 1»", "г. Тула", head=Signatory("Петрова И. С.", "Директор")
    )
    letters = Letters(school, 2026, date(2027, 5, 30), mentors(count))
    dative("Иванов Иван Петрович")  # the dictionary opens once, outside every timing

    print(f"{count} thank-you letters, template {len(template) // 1024} KB")
    one_file, docx = timed(
        "1. one file, a page each (docxtpl)", lambda: letters_docx(letters, t, template)
    )
    zipped, archive = timed(
        "2. ZIP, one .docx per person (batch renderer)", lambda: letters_zip(letters, t, template)
    )
    context = letters_context(letters, t)

    def naive() -> None:
        for letter in context["letters"]:
            render(template, {**context, "letters": [letter]})

    per_render, _ = timed(f"a. docxtpl, one letter into a fresh document ×{count}", naive)
    opening, _ = timed(
        f"b. python-docx opening the template ×{count}",
        lambda: [Document(io.BytesIO(template)) for _ in range(count)],
    )
    declining, _ = timed(
        f"c. names into the dative ×{count}",
        lambda: [dative(m.name) for m in letters.mentors],
    )
    print(f"one file: {len(docx) / 1e6:.1f} MB; ZIP: {len(archive) / 1e6:.1f} MB")
    print(
        f"per letter: one file {one_file / count * 1000:.1f} ms, ZIP {zipped / count * 1000:.1f} ms, "
        f"docxtpl per document {per_render / count * 1000:.1f} ms"
    )
    print(
        f"ratios: ZIP / naive docxtpl = {zipped / per_render:.2f}; "
        f"ZIP / opening the template = {zipped / opening:.2f}; "
        f"one file / naive docxtpl = {one_file / per_render:.2f}; "
        f"dative / one file = {declining / one_file:.2f}"
    )


if __name__ == "__main__":
    main()

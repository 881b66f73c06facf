"""Validation of a person's full name (ФИО) as typed in a chat or a CSV."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

__all__ = ["dative", "gender", "genitive", "normalise_full_name"]

_NAME = re.compile(r"[^\W\d_]+(?:[-\s][^\W\d_]+)*")


def normalise_full_name(text: str) -> str | None:
    """The name with whitespace collapsed, or None unless it is 2–100 letters/spaces/hyphens."""
    name = " ".join(text.split())
    if not 2 <= len(name) <= 100 or not _NAME.fullmatch(name):
        return None
    return name


# --- declension (склонение ФИО) ------------------------------------------------------------
# «Программа для Беловой Анны», «Напишите Белову Ивану»: pymorphy3's dictionary knows most
# given names and patronymics and many surnames; the surname rules below (as in petrovich)
# cover the rest. A name the rules do not know is left as typed, which is what people do.

_CASES = {"gent": ("ой", "а", "ого", "ой"), "datv": ("ой", "у", "ому", "ой")}


@cache
def _morph() -> Any:
    import pymorphy3  # loaded once, on first use: the dictionary takes a moment to open

    return pymorphy3.MorphAnalyzer(lang="ru")


def _gender(parts: list[str]) -> str | None:
    """The gender (masc, femn) told by the given name or the patronymic, else None."""
    for word in parts[1:]:
        for parse in _morph().parse(word):
            tag = parse.tag
            named = bool({"Name", "Patr"} & tag.grammemes) and tag.case == "nomn"
            if named and tag.gender in ("masc", "femn") and parse.score >= 0.2:
                return str(tag.gender)
    if parts and parts[-1].endswith(("вна", "чна", "кызы")):
        return "femn"
    if parts and parts[-1].endswith(("вич", "ьич", "оглы")):
        return "masc"
    return None


def _with_case(word: str, like: str) -> str:
    """`word` in the letter case of `like` (ИВАНОВ stays capitals, Иванов capitalised)."""
    if like.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _by_dictionary(word: str, kind: str, gender: str, case: str) -> str | None:
    for parse in _morph().parse(word):
        tag = parse.tag
        if kind in tag.grammemes and tag.gender == gender and tag.case == "nomn":
            inflected = parse.inflect({case})
            if inflected is not None:
                return _with_case(inflected.word, word)
    return None


def _surname(word: str, gender: str, case: str) -> str:
    fem, masc, adj_masc, adj_fem = _CASES[case]
    lower = word.lower()
    if "-" in word:
        return "-".join(_surname(part, gender, case) for part in word.split("-"))
    if gender == "femn":
        if lower.endswith(("ова", "ева", "ёва", "ина", "ына")):
            return word[:-1] + fem
        if lower.endswith(("ская", "цкая", "ая")):
            return word[:-2] + adj_fem
        return word  # Черных, Шевчук, Дюма: not declined for women
    if lower.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return word + masc
    if lower.endswith(("ский", "цкий", "ий", "ой", "ый")):
        return word[:-2] + adj_masc
    if lower.endswith(("их", "ых", "о", "е", "и", "у", "ю", "ия")):
        return word
    if lower[-1:] in "бвгджзклмнпрстфхцчшщ":
        return word + ("у" if case == "datv" else "а")
    return word


def _declined(full_name: str, case: str) -> str:
    parts = full_name.split()
    gender = _gender(["", *parts] if len(parts) == 1 else parts)
    if gender is None:
        return full_name
    if len(parts) == 1:  # a given name alone: «Анна» → «Анны»
        return _by_dictionary(parts[0], "Name", gender, case) or full_name
    surname = parts[0]
    by_rules = _surname(surname, gender, case)
    if "-" not in surname:  # the dictionary lowercases the second half of a double surname
        surname = _by_dictionary(surname, "Surn", gender, case) or by_rules
    else:
        surname = by_rules
    rest = [
        _by_dictionary(word, "Name" if i == 0 else "Patr", gender, case) or word
        for i, word in enumerate(parts[1:])
    ]
    return " ".join([surname, *rest])


def genitive(full_name: str) -> str:
    """«Белова Анна» → «Беловой Анны» (кого? for «программа для …»)."""
    return _declined(full_name, "gent")


def dative(full_name: str) -> str:
    """«Белов Иван Петрович» → «Белову Ивану Петровичу» (кому?)."""
    return _declined(full_name, "datv")


def gender(full_name: str) -> str | None:
    """The gender («masc», «femn») the given name or the patronymic tells; None when they do
    not (a letter then greets without «Уважаемый» or «Уважаемая»)."""
    parts = full_name.split()
    return _gender(["", *parts] if len(parts) == 1 else parts)

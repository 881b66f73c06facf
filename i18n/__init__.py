"""Texts and language, shared by the core and every front door: the locale catalogs and the
translator (`translator`), the catalog's small markup (`markup`), numbers, dates and zones in
words (`wording`), and the declension of people's names (`names`).
"""

from i18n.translator import (
    DEFAULT_LOCALE,
    LOCALES,
    Texts,
    Translator,
    load_translator,
    pick_locale,
)

__all__ = ["DEFAULT_LOCALE", "LOCALES", "Texts", "Translator", "load_translator", "pick_locale"]

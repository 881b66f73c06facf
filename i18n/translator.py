"""Texts from locale files: `i18n/locales/<locale>/*.yaml`, Russian default, English second.

Nested YAML keys are flattened with dots (`start.greeting`); texts are formatted with
`str.format(**params)`. Both locales must define the same keys: that is checked when the
catalogs load, so a missing translation stops the start-up rather than a conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

__all__ = ["DEFAULT_LOCALE", "LOCALES", "Texts", "Translator", "load_translator", "pick_locale"]

DEFAULT_LOCALE = "ru"
LOCALES = ("ru", "en")
LOCALES_DIR = Path(__file__).parent / "locales"

Texts = Callable[..., str]


def pick_locale(language_code: str | None) -> str:
    """Telegram's language_code → one of ours: English for `en*`, Russian otherwise."""
    return "en" if (language_code or "").lower().startswith("en") else DEFAULT_LOCALE


def _flatten(prefix: str, node: Mapping[str, Any], out: dict[str, str], source: Path) -> None:
    for key, value in node.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            _flatten(name, value, out, source)
        else:
            if name in out:
                raise ValueError(f"{source}: text key {name!r} is defined twice")
            out[name] = str(value)


def _load_locale(directory: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        _flatten("", data, texts, path)
    return texts


class Translator:
    def __init__(self, catalogs: Mapping[str, Mapping[str, str]]) -> None:
        self.catalogs = catalogs

    def get(self, locale: str, key: str, /, **params: Any) -> str:
        catalog = self.catalogs.get(locale) or self.catalogs[DEFAULT_LOCALE]
        return catalog[key].format(**params) if params else catalog[key]

    def bind(self, locale: str) -> Texts:
        def texts(key: str, /, **params: Any) -> str:
            return self.get(locale, key, **params)

        return texts

    def has(self, key: str) -> bool:
        return key in self.catalogs[DEFAULT_LOCALE]


def load_translator(directory: Path = LOCALES_DIR) -> Translator:
    catalogs = {locale: _load_locale(directory / locale) for locale in LOCALES}
    reference = set(catalogs[DEFAULT_LOCALE])
    for locale, catalog in catalogs.items():
        missing = reference - set(catalog)
        extra = set(catalog) - reference
        if missing or extra:
            raise ValueError(
                f"locale {locale!r} differs from {DEFAULT_LOCALE!r}: "
                f"missing {sorted(missing)[:5]}, extra {sorted(extra)[:5]}"
            )
    return Translator(catalogs)

"""Without chromium the browser tests skip on a developer's machine and fail on CI."""

from __future__ import annotations

import pytest

from tests import browser


def _launch() -> None:
    with browser.launch_chromium():
        raise AssertionError("must not get here without a browser")


def test_a_missing_browser_skips_with_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "_chromium_path", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        _launch()


def test_a_missing_browser_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "_chromium_path", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="never `playwright install`"):
        _launch()

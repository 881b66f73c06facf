"""The web back office: sign-in by a one-time link from the bot, pages per section."""

from admin.app import build_admin_app
from admin.context import AdminConfig

__all__ = ["AdminConfig", "build_admin_app"]

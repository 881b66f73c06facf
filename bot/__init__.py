"""The bot process: settings, wiring, CLI, middlewares, texts and keyboards."""

"""The bot process and its Telegram front door.

The process: settings, the CLI, wiring the Bot, the Dispatcher, the scheduler and the web
app (`app`, `factory`, `web`, `cli`). The Telegram door, with the routers in `handlers/`:
receiving updates durably (`polling`, `inbox`), middlewares, callback data and keyboards,
and sending the outbox (`outbox_dispatcher`, `delivery`), where the core's neutral notices
become Telegram messages (`notices`: the one place an intent becomes callback data).

This is the seam a second messenger copies, and nothing below it changes: such a door
receives its updates and calls the same services the routers in `handlers/` call; renders
a `mentoring.notices.Notice` (text in the catalogs' markup, actions as typed intents) into
its own messages and buttons, and reads a pressed button back into the intent; and sends
through its own outbox sender with its own rate limits. It touches no module of
`mentoring/`, `surveys/`, `storage/`, `reports/`, `scheduler/` or `i18n/`; the import
contracts in `.importlinter` keep those free of aiogram.
"""

"""The bot's own bookkeeping (0001, 0003, 0009, 0019): the audit log, conversation states,
the outbox and the inbox of updates, and spent back-office tokens."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from storage.schema_metadata import metadata
from storage.types import UTCDateTime

__all__ = ["admin_spent_tokens", "audit_log", "fsm_states", "inbox", "outbox"]

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_person_id", Integer),  # no FK: the log outlives what it mentions
    Column("action", String(64), nullable=False),
    Column("object_type", String(32)),
    Column("object_id", String(64)),
    Column("details", JSON),  # never personal data
)
Index("ix_audit_log_at", audit_log.c.at)

fsm_states = Table(
    "fsm_states",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("user_id", BigInteger, nullable=False, index=True),
    Column("state", String(200)),
    Column("data", Text, nullable=False, server_default="{}"),
    Column("updated_at", UTCDateTime, nullable=False),
)

# --- outbox (0003) ---------------------------------------------------------------------

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("kind", String(64), nullable=False),  # meeting_reminder_24h, digest_curator, ...
    Column("payload", JSON, nullable=False),  # rendered text, buttons, parse_mode
    Column("due_at", UTCDateTime, nullable=False),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("status", String(20), nullable=False),  # pending / sending / sent / failed / cancelled
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", String(300)),  # error class + Telegram's description, never texts
    Column("lease_until", UTCDateTime),  # while `sending`: when another sender may take it over
    Column("sent_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    # Once sent (0021): Telegram's id of the last part, the one with the buttons, so that an
    # invitation can be edited when its meeting is settled elsewhere.
    Column("message_id", BigInteger),
)
# The dispatcher's scan: pending rows in due order, and `sending` rows by expired lease.
Index("ix_outbox_status_due_at", outbox.c.status, outbox.c.due_at)
Index("ix_outbox_status_lease_until", outbox.c.status, outbox.c.lease_until)
Index("ix_outbox_person_status", outbox.c.person_id, outbox.c.status)

# --- back office (0009) ----------------------------------------------------------------

# Login links and sessions are signed, not stored; only their spent ids are, so that a
# login link works once and a logged-out session stays dead. Rows expire with the token.
admin_spent_tokens = Table(
    "admin_spent_tokens",
    metadata,
    Column("token_id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # login / session
    Column("spent_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# --- incoming updates (0019) -----------------------------------------------------------

# Every update is stored here (one transaction per getUpdates batch) before Telegram is
# told it arrived, and handled from here (bot/inbox.py). The JSON holds what people wrote:
# it is erased once handled; the bare id stays a day so that a redelivery is recognised.
inbox = Table(
    "inbox",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("chat_id", BigInteger),  # one chat's updates are handled in update_id order
    Column("user_id", BigInteger),  # the sender, for /forget
    Column("raw", Text),  # the Update's JSON until handled, then NULL
    Column("state", String(10), nullable=False),  # new / done
    Column("received_at", UTCDateTime, nullable=False),
    # The replica that took it in (host and directory; 0026): a restart takes back its own.
    Column("taken_by", String(200)),
)
# A restart's scan (unfinished rows) and the daily pruning (done rows by age).
Index("ix_inbox_state_received_at", inbox.c.state, inbox.c.received_at)
Index("ix_inbox_user_id", inbox.c.user_id)

"""The domain core: services every front door calls (the chat, the web back office, the
scheduler, the CLI), one subpackage per capability:

- `people`: registration, invites, organisations, access, consent, erasure;
- `questionnaires`: answering questionnaires, intake waves, invitations, feedback nudges;
- `matching`: compatibility, preferences, the solver, the proposal;
- `pairs`: approving and dissolving pairs and groups, their notices and plans;
- `meetings`: scheduling and holding meetings, their invitations;
- `roadmap`: the year's roadmap and the digests;
- `stats`: KPIs, targets, headcounts, practices;
- `documents`: the school's paperwork as Word files (order on pairs, letters, notes);
- `demo`: demo data.

The core speaks no messenger: nothing here imports aiogram, `bot`, `handlers` or `admin`
(checked by the import contracts in `.importlinter`). What a service tells people is a
`notices.Notice`: text in the recipient's language and actions as typed intents, which a
front door renders.
"""

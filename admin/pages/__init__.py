"""Back-office pages, one module per section; each exposes a `routes` table."""

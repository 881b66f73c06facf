"""APScheduler setup, planners that fill the outbox, and the rate-limited sender."""

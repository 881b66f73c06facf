"""When things are said: the pure planners that turn meetings, waves, roadmap items and
digest days into outbox items with their due times (`planners`), and the quiet hours nothing
is sent to a pupil in (`quiet_hours`). Plain data in, plain data out: no clock, no I/O.
"""

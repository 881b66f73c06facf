"""`python -m bot ...`: the `mentorbot` command line."""

from bot.cli import main

# Guarded: the stats worker is a spawned process that imports this module again.
if __name__ == "__main__":
    main()

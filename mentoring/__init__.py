"""Domain services shared by the chat, the web back office, the scheduler and the CLI."""

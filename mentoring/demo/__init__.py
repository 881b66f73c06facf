"""Demo data: a believable school year of people, pairs and meetings for the sandbox."""

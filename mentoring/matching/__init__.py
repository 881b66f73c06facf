"""Matching: who may be paired with whom and how well they fit (`rules`, `score`, `table`
over `candidates`), the organisation's cohort read from the questionnaires (`cohort`),
preferences and the preference questionnaire's choices, the stable-matching solver, the
checker of a curator's edits and the proposal a curator reviews. Pure where it can be.
"""

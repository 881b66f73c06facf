"""Questionnaires (анкеты) as a service: starting, answering and submitting one (`service`),
the school year's intake waves and their reminders (`waves`, `invitations`), and the
feedback questionnaire after a meeting with its one nudge (`feedback`).
"""

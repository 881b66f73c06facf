"""People and consent: registration and invites, organisations, who may see whom (access,
curation), a minor's age and his parent's consent, imported rosters and profiles, and the
erasure of a person on /forget.
"""

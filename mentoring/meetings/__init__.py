"""Meetings of pairs and groups: scheduling, answering an invitation, holding, cancelling
(`service`), the notices and in-place edits of invitations (`notices`), and the read-only
queries the chat and the back office list them with (`queries`).
"""

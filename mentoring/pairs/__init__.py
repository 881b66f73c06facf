"""Pairs and groups after approval: approving and dissolving them (`service`), telling the
people (`notices`), the pickers a curator chooses from, and the pair's plan of meetings
(`plans`).
"""

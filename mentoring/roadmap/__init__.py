"""The programme's roadmap (дорожная карта) from the seeds' steps and months, its items
marked done by the work itself (`service`), and the curators' and coordinators' digests.
"""

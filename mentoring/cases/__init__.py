"""Cases (кейсы наставничества): at the end of the programme each mentor writes up his
pair's (group's) result in a few short texts with up to three photos, one write-up per pair
and school year; the curator selects the best as the organisation's cases, which go into
the analytical note, the best-practice report and a document of their own.

- `rules`: the limits of a write-up and the school year it counts for;
- `writeups`: the mentor's side (may he write for this pair, keep it);
- `selection`: the curator's and the coordinator's side (see, select, unselect);
- `requests`: asking the mentors, on the curator's demand or when a pair's programme ends.
"""

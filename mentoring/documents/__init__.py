"""The school's paperwork as Word documents: gathering what each one says and rendering it
with the organisation's own template or the product's (`reports.documents`).

- `orders`: the order on pairs (приказ о закреплении наставнических пар) and its annex;
- `letters`: thank-you letters to the mentors who completed the year and to the partner
  organisations that gave mentors (the rule is `letters.completed`);
- `notes`: the analytical note (аналитическая справка) and the quarter's best practices;
- `templates`: an organisation's uploaded templates, checked before they are kept;
- `signers`: who signs (the head's name and position);
- `people`: a person's position or class as the annex prints it;
- `files`: the made document (bytes, file name, media type) every front door hands on.

Documents are written in Russian whatever the reader's language: they are the school's
official papers. Rendering is CPU work, so it runs in a thread.
"""

"""The bottom of the house: what every stage agrees on, with no dependency on any stage.

* ``schema``: the event vocabulary (types, subtypes, statuses, compatible subtypes) and the fields of a
  reported event, declared once; the ORM, the read models, the API and the exports map to it.
* ``dates``: EDTF helpers: validation, day ranges, precision, agreement of two dates.

Name identity (canonical keys, aliases, lists of names) lives beside it in ``civicwatch.resolve``.
Nothing here imports another civicwatch package.
"""

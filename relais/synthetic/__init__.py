"""Writers of synthetic exports in LinkedIn's real layouts (archive CSVs and zips, Page and creator workbooks,
advocacy reports) and of the HR roster, shared by the demo generator (``seeds/demo/generate.py``), the
benchmark generator (``bench/generate.py``) and the tests: ``text`` spells CSV fields, dates and names,
``archives`` lays out member data archives, ``workbooks`` writes XLSX files with xlsxwriter, ``creator``
and ``page`` hold the creator analytics and Page export layouts, ``reports`` the roster and advocacy
report. Writers take data and write files; the generators keep their own random data.
"""

"""The LinkedIn REST API connector: fetch what consenting ambassadors and the institution allow.

The connector never writes to the warehouse. ``fetch.sync`` asks the Community Management API for
the days not fetched yet and writes every answer as one JSON envelope into the inbox
(``inbox/linkedin-api/<day fetched>/<owner>/<endpoint>[-k].json``), where ingestion recognises it
like any other export (``files.read_api_file``). ``client`` speaks HTTP (headers, retries, rate
limits, the run's request budget), ``tokens`` keeps the access tokens, ``state`` the cursor.
"""

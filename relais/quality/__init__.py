"""Data quality of the warehouse with Great Expectations, as code.

``suites`` declares what is checked (one suite per table, each check a name, a severity and one or
more GX expectations over a pandas frame read with SQL); ``runner`` validates them in one GX
context and turns the results into outcomes. Both are pure modules (no Dagster import), and
importing them does not import Great Expectations: the runner imports it when it runs.
"""

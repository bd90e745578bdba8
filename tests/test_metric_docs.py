"""docs/metrics.md documents exactly what is published, and the analysts' database carries it."""

import duckdb

from relais.warehouse.metric_docs import load_metric_docs, parse_metric_docs
from tests.test_end_to_end import organisation  # noqa: F401 - the module-scoped run is reused


def test_parsing_a_section():
    docs = parse_metric_docs(
        "# T\n\n## marts.x\n\nOne row per thing.\n\n| column | definition | formula | source | caveats |\n"
        "|---|---|---|---|---|\n| a | The A. | b + c | roster | Not additive. |\n| d | The D. | — | — | |\n"
    )
    assert docs["marts.x"].description == "One row per thing."
    assert (
        docs["marts.x"].columns["a"].comment()
        == "The A. Formula: b + c. Source: roster. Caveats: Not additive."
    )
    assert docs["marts.x"].columns["d"].comment() == "The D."


def test_every_published_column_is_documented_and_nothing_else(organisation):  # noqa: F811
    root, _ = organisation
    docs = load_metric_docs()
    with duckdb.connect(str(root / "serving" / "relais.duckdb"), read_only=True) as con:
        published = {}
        for schema, table, column in con.execute(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
            "ORDER BY column_index"
        ).fetchall():
            published.setdefault(f"{schema}.{table}", []).append(column)
        comments = dict(
            con.execute("SELECT table_name || '.' || column_name, comment FROM duckdb_columns()").fetchall()
        )
        table_comments = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
    documented = {table: list(doc.columns) for table, doc in docs.items()}
    assert set(published) == set(documented), set(published) ^ set(documented)
    for table, columns in published.items():
        assert columns == documented[table], table
    assert comments["agent_month.ambassador_score"].startswith("A 0–100 composite")
    assert "Not additive" in comments["agent_reach.members_reached"]
    assert table_comments["programme_month"].startswith("One row per month")

"""Model lineage comes from DuckDB's parser: every table read is a dependency, nothing else is."""

import pytest

from assets.models import MODEL_ASSETS
from relais.shipped import SQL_ROOT
from relais.warehouse.lineage import table_references


def test_tables_read_anywhere_in_a_statement_and_nothing_else():
    sql = """
    -- reads raw.commented_out, which is no dependency
    WITH recent AS (SELECT * FROM raw.li_shares WHERE note <> 'staging.in_a_string')
    SELECT r.*, (SELECT count(*) FROM staging.activities) AS n
    FROM recent AS r
    JOIN marts.agent_month AS m ON m.agent_key = r.agent_id
    WHERE EXISTS (SELECT 1 FROM raw.api_posts AS p WHERE p.agent_id = r.agent_id)
    """
    assert table_references(sql) == {
        ("raw", "li_shares"),
        ("staging", "activities"),
        ("marts", "agent_month"),
        ("raw", "api_posts"),
    }


def test_sql_duckdb_cannot_parse_is_refused_with_the_parser_message():
    with pytest.raises(ValueError, match='syntax error at or near "SELEC"'):
        table_references("SELEC 1")


def test_every_table_a_model_reads_is_made_by_an_asset():
    from pipelines.definitions import ALL_ASSETS

    made = {tuple(key.path) for asset in ALL_ASSETS for key in asset.keys}
    for path in sorted(SQL_ROOT.rglob("*.sql")):
        missing = table_references(path.read_text(encoding="utf-8")) - made
        assert not missing, f"{path.name} reads tables no asset makes: {missing}"
    for asset in MODEL_ASSETS:
        for key, deps in asset.asset_deps.items():
            assert all(tuple(dep.path) in made for dep in deps), key

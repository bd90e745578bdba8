"""Dagster assets for the SQL models in ``sql/<layer>/<table>.sql``, and the publication asset.

Each SQL file is one model: its file name is the table name, its leading comment the asset's
description, and the ``schema.table`` names it reads become the asset's dependencies. Models are
rebuilt whole in the warehouse, except a view and an incremental model, which rebuilds only the
partitions whose inputs changed (``relais.warehouse.incremental``); ``serving/relais_snapshot`` then
publishes the marts.
"""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, ResourceParam, asset
from dagster_duckdb import DuckDBResource

from relais.home import RelaisHome
from relais.inbox.refreshed import note_published
from relais.shipped import SQL_ROOT
from relais.warehouse.compaction import compact_database, record_content, removed_since_rewrite
from relais.warehouse.incremental import materialisation
from relais.warehouse.lineage import table_references
from relais.warehouse.metric_docs import load_metric_docs
from relais.warehouse.models import build_model, define_macros, model_description
from relais.warehouse.publish import publish_snapshot, published_tables
from relais.warehouse.tables import row_count

MODEL_LAYERS = ("staging", "marts")


def _model_asset(layer: str, path: Path) -> AssetsDefinition:
    name = path.stem
    sql = path.read_text(encoding="utf-8")
    deps = sorted(AssetKey([s, t]) for s, t in table_references(sql) if (s, t) != (layer, name))
    kind = materialisation(sql).kind

    @asset(
        key=[layer, name],
        deps=deps,
        kinds={"duckdb", "sql"},
        group_name=layer,
        description=model_description(sql) or f"{layer}.{name}",
        metadata={"sql_file": f"sql/{layer}/{path.name}", "materialised": kind},
    )
    def _model(
        context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
    ) -> MaterializeResult:
        with warehouse.get_connection() as con:
            define_macros(con, home.settings)
            built = build_model(con, layer, name, sql, whole=home.settings.full_refresh)
            if kind == "view":  # counting a view's rows would run it
                return MaterializeResult(metadata={"materialised": "view"})
            count = built.rows if built else row_count(con, f"{layer}.{name}")
        if built is None:
            return MaterializeResult(metadata={"dagster/row_count": count})
        context.log.info(f"{layer}.{name}: {built.summary()}")
        return MaterializeResult(
            metadata={
                "dagster/row_count": count,
                "partitions": built.partitions,
                "partitions_rebuilt": built.rebuilt,
                "rebuilt_whole": built.whole,
            }
        )

    return _model


def build_model_assets(root: Path = SQL_ROOT) -> list[AssetsDefinition]:
    """One asset per SQL file under ``root/staging`` and ``root/marts``."""
    return [
        _model_asset(layer, path) for layer in MODEL_LAYERS for path in sorted((root / layer).glob("*.sql"))
    ]


MODEL_ASSETS = build_model_assets()
MART_KEYS = [key for a in MODEL_ASSETS for key in a.keys if key.path[0] == "marts"]


@asset(
    key=["serving", "relais_snapshot"],
    deps=[*MART_KEYS, AssetKey(["quarantine", "files"]), AssetKey(["quality", "gate"])],
    kinds={"duckdb"},
    group_name="serving",
)
def relais_snapshot(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
) -> MaterializeResult:
    """The analysts' read-only database ``serving/relais.duckdb`` (marts and ``marts.meta``), swapped in
    atomically, with one Parquet file per table in ``serving/parquet/`` and ``serving/data-dictionary.md``.

    It carries no names, e-mails or HR identifiers; agents appear only as their pseudonymous agent_key.
    """
    with warehouse.get_connection() as con:
        tables = published_tables(con)
        publication = publish_snapshot(
            con,
            home.serving,
            tables,
            load_metric_docs(),
            run_id=context.run_id,
            organisation=home.organisation,
            timezone=home.timezone,
        )
    path = publication.snapshot
    note_published(home.root / "state", context.run_id)
    context.log.info(
        f"Published {len(publication.tables)} tables to {path} and Parquet to {publication.parquet_dir}"
    )
    return MaterializeResult(
        metadata={
            "path": str(path),
            "tables": publication.tables,
            "size_bytes": path.stat().st_size,
            "parquet_dir": str(publication.parquet_dir),
            "data_dictionary": str(publication.dictionary),
        }
    )


@asset(key=["warehouse", "compaction"], deps=[relais_snapshot], kinds={"duckdb"}, group_name="serving")
def warehouse_compaction(
    context: AssetExecutionContext, home: ResourceParam[RelaisHome], warehouse: DuckDBResource
) -> MaterializeResult:
    """The working warehouse rewritten into a fresh file at the end of a refresh, when rows left it.

    Rows this run removed (someone who withdrew consent, replaced raw tables) would otherwise stay
    readable in the file's freed blocks; after this step none of them is on disk. A refresh that
    only added (new files, new ambassadors) removed nothing: the copy is skipped
    (``relais.warehouse.compaction.removed_since_rewrite``).
    """
    with warehouse.get_connection() as con:
        con.execute("CHECKPOINT")  # the write-ahead log merged before the copy, which cannot replay it
        removed = removed_since_rewrite(con)
    size = home.warehouse.stat().st_size
    if removed == 0:
        context.log.info(f"Warehouse not rewritten: nothing left it since its last rewrite ({size} bytes)")
        return MaterializeResult(metadata={"size_bytes": size, "bytes_dropped": 0, "rewritten": False})
    saved = compact_database(home.warehouse, warehouse.connection_config)
    with warehouse.get_connection() as con:
        record_content(con)
    size = home.warehouse.stat().st_size
    why = "first rewrite" if removed is None else f"{removed} file or ambassador entries left it"
    context.log.info(f"Warehouse compacted ({why}): {size} bytes ({saved} bytes of freed blocks dropped)")
    return MaterializeResult(metadata={"size_bytes": size, "bytes_dropped": saved, "rewritten": True})

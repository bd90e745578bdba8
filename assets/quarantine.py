"""The quarantine summary, built once every source has been read."""

from collections.abc import Sequence

from dagster import AssetExecutionContext, AssetsDefinition, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from assets.ingest import GROUP


def quarantine_asset(source_assets: Sequence[AssetsDefinition]) -> AssetsDefinition:
    """``quarantine/files``, after every asset that reads the inbox (``source_assets``)."""

    @asset(
        key=["quarantine", "files"],
        deps=[key for source in source_assets for key in source.keys],
        kinds={"duckdb"},
        group_name=GROUP,
    )
    def quarantined_files(context: AssetExecutionContext, warehouse: DuckDBResource) -> MaterializeResult:
        """Inbox files that could not be read at all, with the reason; rows are in ``quarantine.rows``.

        Built from the file ledger once every source has been read, so its check can prove that every
        inbox file and every row read is accounted for.
        """
        with warehouse.get_connection() as con:
            con.execute(
                "CREATE OR REPLACE TABLE quarantine.files AS SELECT source_file, kind, reason, container, "
                "sha256, size_bytes FROM raw.file_ledger WHERE status = 'quarantined' ORDER BY source_file"
            )
            files = con.execute("SELECT count(*) FROM quarantine.files").fetchall()[0][0]
            rows = con.execute("SELECT count(*) FROM quarantine.rows").fetchall()[0][0]
        context.log.info(f"Quarantine: {files} file(s) and {rows} row(s) could not be read")
        return MaterializeResult(metadata={"dagster/row_count": files, "quarantined_rows": rows})

    return quarantined_files

"""Dagster wrapper of the dashboard (``relais.dashboard``): one asset after each publication."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, ResourceParam, asset

from relais.dashboard import DASHBOARD_NAME, write_dashboard
from relais.home import RelaisHome

DASHBOARD_KEY = AssetKey(["serving", "dashboard"])


@asset(
    key=DASHBOARD_KEY,
    deps=[AssetKey(["serving", "relais_snapshot"])],
    kinds={"html"},
    group_name="serving",
)
def dashboard_asset(context: AssetExecutionContext, home: ResourceParam[RelaisHome]) -> MaterializeResult:
    """The interactive dashboard ``serving/dashboard.html``, one self-contained file built from the
    published snapshot: month and department filters; participation, activity, reach, amplification
    and skills; partial months said in words. It opens from the disk in any browser, without a server
    or a network, and shows only the published aggregates (no name, departments below the anonymity
    threshold merged).
    """
    path = write_dashboard(home.serving, home.serving_dir / DASHBOARD_NAME, home.settings)
    context.log.info(f"Dashboard written to {path} ({path.stat().st_size} bytes)")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "size_bytes": path.stat().st_size,
            "dagster/uri": path.as_uri(),
        }
    )

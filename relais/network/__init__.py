"""The network of peers: organisations of one deployment compared by size band, never by name.

Pure modules, no Dagster import: ``bands`` defines the size bands, ``figures`` the compared figures,
``contribution`` reads what one organisation gives from its published snapshot (organisation-wide
counts only, complete months, enough ambassadors), ``build`` writes the network database and its
Parquet copies afresh from the organisations opting in, and ``peers`` reads back what one
organisation may see: its own figures and its band's statistics. docs/metrics.md ("The network of
peers") defines every figure.
"""

from relais.network.bands import SIZE_BANDS, SizeBand, size_band
from relais.network.build import MIN_BAND_ORGANISATIONS, NetworkBuild, build_network, network_database
from relais.network.peers import OrganisationPeers, PeerFigure, organisation_peers

__all__ = [
    "MIN_BAND_ORGANISATIONS",
    "SIZE_BANDS",
    "NetworkBuild",
    "OrganisationPeers",
    "PeerFigure",
    "SizeBand",
    "build_network",
    "network_database",
    "organisation_peers",
    "size_band",
]

"""What an analyst would write instead: the core marts in straightforward pandas.

Read every file with pandas (``read_csv`` on each archive member, ``read_excel`` on each workbook),
concatenate, filter the consenting ambassadors, match archives by e-mail and analytics exports by
name, then ``groupby``. Same definitions as ``bench/floor.py``, so the three results can be compared.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd

MEMBER = re.compile(r"^(Shares|InstantReposts|Comments|Reactions)(_\d+)?\.csv$")
URN = re.compile(r"urn:li:((?:activity|share|ugcpost):\d+)")
SLUG = re.compile(r"-(activity|share|ugcpost)-(\d{6,})(?:-|$|\?)")
EXPORT_NAME = re.compile(
    r"^(?:AggregateAnalytics_(.+)_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}|Content_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}_(.+))"
    r"\.xlsx$"
)


def post_key(link: object) -> str | None:
    """The post a LinkedIn link designates (``activity:123``), or None."""
    if not isinstance(link, str) or not link:
        return None
    from urllib.parse import unquote

    text = unquote(unquote(link)).lower()
    if re.search(r"linkedin\.com/(embed/)?feed/update/|^urn:li:", text):
        match = URN.search(text)
        return match.group(1) if match else None
    if "linkedin.com/posts/" in text:
        match = SLUG.search(text)
        return f"{match.group(1)}:{match.group(2)}" if match else None
    return None


def compact(name: str) -> str:
    """Letters only, lower case, accents removed: how a file name and a roster name are compared."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", folded.lower())


def read_archives(inbox: Path) -> dict[str, pd.DataFrame]:
    """Every archive's engagement files, with the archive's e-mail addresses, one frame per kind."""
    frames: dict[str, list[pd.DataFrame]] = {
        "Shares": [],
        "InstantReposts": [],
        "Comments": [],
        "Reactions": [],
    }
    emails = []
    for n, path in enumerate(sorted(inbox.rglob("*.zip"))):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = Path(info.filename).name
                with archive.open(info) as handle:
                    if name == "Email Addresses.csv":
                        emails.append(pd.read_csv(handle, dtype=str).assign(archive=n))
                    elif MEMBER.match(name):
                        kind = name.split("_")[0].removesuffix(".csv")
                        extra = {"escapechar": "\\"} if kind == "Comments" else {}
                        frame = pd.read_csv(handle, dtype=str, **extra)
                        frame = frame.rename(columns={"SharedURL": "SharedUrl", "MediaURL": "MediaUrl"})
                        frames[kind].append(frame.assign(archive=n))
    out = {k: pd.concat(v, ignore_index=True) for k, v in frames.items() if v}
    out["emails"] = pd.concat(emails, ignore_index=True)
    return out


def local_month(series: pd.Series, timezone: str) -> pd.Series:
    """The first day of the month, in ``timezone``, of UTC timestamps written as text."""
    stamps = pd.to_datetime(series, errors="coerce").dt.tz_localize("UTC").dt.tz_convert(timezone)
    return stamps.dt.tz_localize(None).dt.to_period("M").dt.to_timestamp()


def core_marts(inbox: Path, timezone: str = "Europe/Paris") -> dict[str, pd.DataFrame]:
    """``agent_month``, ``department_month`` and ``programme_month`` (core columns) of an inbox."""
    roster = pd.concat(
        [pd.read_csv(p, sep=";", dtype=str, encoding="cp1252") for p in sorted((inbox / "rh").glob("*.csv"))]
    )
    roster["enrolled_on"] = pd.to_datetime(roster["date_adhesion"], format="%d/%m/%Y", errors="coerce")
    consent = (
        roster["consentement"].fillna("").str.strip().str.lower().isin(["oui", "yes", "o", "y", "1", "true"])
    )
    ambassadors = roster[roster["enrolled_on"].notna() & consent & roster["date_retrait"].isna()].copy()
    ambassadors["email"] = ambassadors["courriel"].str.strip().str.lower()
    ambassadors["name"] = (ambassadors["prénom"] + ambassadors["nom"]).map(compact)
    ambassadors["department"] = ambassadors["direction"].fillna("Non renseignée")

    archives = read_archives(inbox)
    emails = archives["emails"].assign(email=lambda f: f["Email Address"].str.strip().str.lower())
    owners = emails.merge(ambassadors[["matricule", "email"]], on="email")[["archive", "matricule"]]
    owners = owners.drop_duplicates()

    page = pd.concat(
        [
            pd.read_excel(p, sheet_name="All posts", header=1, engine="calamine")
            for p in sorted(inbox.rglob("*.xlsx"))
            if "content" in p.name and "All posts" in pd.ExcelFile(p, engine="calamine").sheet_names
        ]
    )
    institution = set(page["Post link"].map(post_key).dropna())

    shares = archives["Shares"].merge(owners, on="archive")
    shares["target"] = shares["SharedUrl"].map(post_key)
    reposts = archives["InstantReposts"].merge(owners, on="archive")
    reposts["target"] = reposts["Link"].map(post_key).fillna("unknown")
    published = pd.concat([shares[["matricule", "Date", "target"]], reposts[["matricule", "Date", "target"]]])
    published["month"] = local_month(published["Date"], timezone)
    published["post"] = published["target"].isna()
    published["institution"] = published["target"].isin(institution)
    activity = published.groupby(["matricule", "month"]).agg(
        posts=("post", "sum"),
        reshares=("post", lambda s: (~s).sum()),
        institution_reshares=("institution", "sum"),
    )

    comments = archives["Comments"].merge(owners, on="archive")
    comments = comments[comments["Date"].fillna("").str.strip() != ""]
    reactions = archives["Reactions"].merge(owners, on="archive")
    comments["month"] = local_month(comments["Date"], timezone)
    reactions["month"] = local_month(reactions["Date"], timezone)
    given = pd.concat(
        [
            comments.groupby(["matricule", "month"]).size().rename("comments_given"),
            reactions.groupby(["matricule", "month"]).size().rename("reactions_given"),
        ],
        axis=1,
    )

    daily = []
    for path in sorted(inbox.rglob("*.xlsx")):
        match = EXPORT_NAME.match(path.name)
        if not match:
            continue
        try:
            with pd.ExcelFile(path, engine="calamine") as workbook:
                day_first = workbook.sheet_names[0] != "DISCOVERY"  # French exports write D/M/Y
                frame = workbook.parse(1)
        except Exception:  # an unreadable workbook is skipped
            continue
        frame.columns = ["day", "impressions", "engagements"]
        frame["day"] = pd.to_datetime(frame["day"], format="%d/%m/%Y" if day_first else "%m/%d/%Y")
        daily.append(frame.assign(name=compact(match.group(1) or match.group(2))))
    reach = pd.concat(daily).merge(ambassadors[["matricule", "name"]], on="name")
    reach[["impressions", "engagements"]] = reach[["impressions", "engagements"]].astype(float)
    reach = reach.groupby(["matricule", "day"], as_index=False)[["impressions", "engagements"]].max()
    reach["month"] = reach["day"].dt.to_period("M").dt.to_timestamp()
    reach = reach.groupby(["matricule", "month"]).agg(
        impressions=("impressions", "sum"), engagements_received=("engagements", "sum")
    )

    months = pd.date_range(published["month"].min(), published["month"].max(), freq="MS")
    grid = pd.MultiIndex.from_product([ambassadors["matricule"], months], names=["matricule", "month"])
    agent_month = pd.DataFrame(index=grid).join(activity).join(given).join(reach).fillna(0).reset_index()
    agent_month = agent_month.merge(ambassadors[["matricule", "department", "enrolled_on"]], on="matricule")
    agent_month["is_enrolled"] = agent_month["enrolled_on"] <= agent_month["month"] + pd.offsets.MonthEnd(0)
    agent_month["is_active"] = agent_month["posts"] + agent_month["reshares"] > 0

    enrolled = agent_month[agent_month["is_enrolled"]]
    department_month = enrolled.groupby(["department", "month"]).agg(
        enrolled=("matricule", "size"),
        active=("is_active", "sum"),
        posts=("posts", "sum"),
        reshares=("reshares", "sum"),
        institution_reshares=("institution_reshares", "sum"),
        impressions=("impressions", "sum"),
        engagements_received=("engagements_received", "sum"),
    )
    programme_month = department_month.groupby("month").sum()
    programme_month["participation_rate"] = programme_month["active"] / programme_month["enrolled"]
    return {
        "agent_month": agent_month,
        "department_month": department_month.reset_index(),
        "programme_month": programme_month.reset_index(),
    }

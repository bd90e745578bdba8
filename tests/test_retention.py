"""Inbox retention: files go a set number of days after they were first seen, by content."""

import json
from datetime import date

import pytest

from relais.privacy.retention import apply_retention


def test_files_older_than_the_retention_are_deleted_copies_keep_their_first_day(tmp_path):
    inbox, registry = tmp_path / "inbox", tmp_path / "state" / "first_seen.json"
    (inbox / "old").mkdir(parents=True)
    (inbox / "old" / "a.csv").write_text("a")
    assert apply_retention(inbox, registry, 30, date(2026, 1, 1)).deleted == []
    (inbox / "b.csv").write_text("b")
    (inbox / "copy-of-a.csv").write_text("a")  # same content as a.csv, dropped later
    assert apply_retention(inbox, registry, 30, date(2026, 1, 20)).deleted == []
    result = apply_retention(inbox, registry, 30, date(2026, 2, 5))
    assert result.deleted == ["copy-of-a.csv", "old/a.csv"]  # first seen 2026-01-01: 35 days
    assert not (inbox / "old").exists() and (inbox / "b.csv").exists()
    stored = json.loads(registry.read_text())
    assert list(stored.values()) == ["2026-01-20"] and result.tracked == 1
    assert "b.csv" not in registry.read_text(), "contents are remembered by hash, never by path"


def test_zero_keeps_everything_and_negative_is_refused(tmp_path):
    inbox, registry = tmp_path / "inbox", tmp_path / "first_seen.json"
    inbox.mkdir()
    (inbox / "a.csv").write_text("a")
    apply_retention(inbox, registry, 0, date(2020, 1, 1))
    assert apply_retention(inbox, registry, 0, date(2030, 1, 1)).deleted == []
    with pytest.raises(ValueError, match="inbox_retention_days"):
        apply_retention(inbox, registry, -1, date(2030, 1, 1))

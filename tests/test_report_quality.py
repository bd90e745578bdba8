"""The quality section of the report in the reader's words: each failed check becomes advice for HR."""

from relais.reports.figures import FailedCheck
from relais.reports.labels import Labels
from relais.reports.quality_notes import Kind, area_of, kind_of, quality_notes

FR, EN = Labels("fr"), Labels("en")


def failed(table: str, check: str, severity: str = "WARN") -> FailedCheck:
    return FailedCheck(table, check, severity, 3, "frame of 16 rows")


def test_each_check_has_a_kind_and_each_table_a_part_of_the_report():
    assert kind_of(failed("marts.programme_month", "freshness")) == Kind.LATE
    assert kind_of(failed("marts.programme_month", "volume_anomaly")) == Kind.DROP
    assert kind_of(failed("marts.programme_month", "months_contiguous", "ERROR")) == Kind.GAP
    assert kind_of(failed("raw.roster", "ambassador_key_unique", "ERROR")) == Kind.ROSTER
    assert kind_of(failed("staging.agents", "required_not_null", "ERROR")) == Kind.ROSTER
    assert kind_of(failed("marts.agent_month", "within_bounds", "ERROR")) == Kind.CONSISTENCY
    assert [
        area_of(t)
        for t in (
            "marts.programme_month",
            "marts.department_skill",
            "marts.agent_reach",
            "marts.post_metrics",
            "raw.page_posts",
            "raw.li_shares",
            "marts.cohort_retention",
            "somewhere.else",
        )
    ] == [
        "programme",
        "departments",
        "ambassadors",
        "post_reach",
        "institution_posts",
        "activity",
        "enrolments",
        "data",
    ]


def test_notes_gather_checks_by_kind_blocking_first_without_jargon():
    notes = quality_notes(
        [
            failed("marts.programme_month", "volume_anomaly"),
            failed("marts.agent_month", "within_bounds", "ERROR"),
            failed("marts.department_month", "non_negative", "ERROR"),
            failed("marts.agent_month", "key_unique", "ERROR"),
            failed("marts.programme_month", "freshness"),
        ],
        FR,
    )
    assert [(n.kind, n.blocking, n.count) for n in notes] == [
        (Kind.CONSISTENCY, True, 3),
        (Kind.LATE, False, 1),
        (Kind.DROP, False, 1),
    ]
    consistency = notes[0]
    assert consistency.title == "Incohérence dans les chiffres calculés"
    assert (
        consistency.affected == "les chiffres par ambassadeur et le classement et les chiffres par direction"
    )
    assert consistency.contact == "l'équipe données qui gère Relais"
    assert notes[1].contact.startswith("l'équipe communication")
    for note in notes:
        text = " ".join((note.title, note.affected, note.action, note.contact))
        assert not any(w in text for w in ("marts", "_", "ERROR", "WARN", "frame", "check")), text
    english = quality_notes([failed("raw.roster", "ambassador_key_unique", "ERROR")], EN)[0]
    assert english.title == "Staff list to review" and "HR" in english.contact


def test_no_failed_check_no_note():
    assert quality_notes([], FR) == []

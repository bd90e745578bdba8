from relais.sources.linkedin_archive import Ambassador, agent_id_in_name, classify_member, find_owner

PEOPLE = [Ambassador("VDA001", "ann.lee@ville.fr"), Ambassador("VDA002", "bob.ray@ville.fr")]


def test_owner_by_email_ignores_case():
    owner = find_owner(["perso@gmail.com", "Ann.Lee@Ville.FR"], ["Complete_LinkedInDataExport.zip"], PEOPLE)
    assert (owner.agent_id, owner.matched_by) == ("VDA001", "email")


def test_owner_by_agent_id_token_in_the_name_then_in_folders_above():
    assert find_owner(["perso@gmail.com"], ["VDA002_linkedin.zip"], PEOPLE).agent_id == "VDA002"
    owner = find_owner([], ["Complete_LinkedInDataExport_06-01-2026.zip", "vda001", "archives"], PEOPLE)
    assert (owner.agent_id, owner.matched_by) == ("VDA001", "name")


def test_token_must_be_whole():
    assert agent_id_in_name("VDA001", "export-VDA001.zip")
    assert not agent_id_in_name("VDA001", "VDA0012.zip")
    assert not agent_id_in_name("VDA001", "XVDA001.zip")


def test_unknown_ambiguous_and_non_consenting_archives_are_nobodys():
    assert find_owner(["x@y.z"], ["export.zip"], PEOPLE).agent_id is None
    both = find_owner([], ["VDA001_VDA002.zip"], PEOPLE)
    assert both.agent_id is None and "several" in both.reason
    other = find_owner(["refused@ville.fr"], ["VDA001.zip"], PEOPLE, other_email_matched=True)
    assert other.agent_id is None and "not a consenting ambassador" in other.reason


def test_members_recognised_by_header_whatever_their_name():
    assert classify_member("x.csv", "Date,Link\n").kind == "li_instant_reposts"
    assert classify_member("x.csv", "Date,Link,Message\n").kind == "li_comments"
    assert classify_member("x.csv", "Date,Type,Link\n").kind == "li_reactions"
    assert classify_member("x.csv", "Date,Link,OptionText\n").kind == "li_unused"
    assert classify_member(
        "Shares_123.csv", "date,sharelink,sharecommentary,sharedurl,mediaurl,visibility\n"
    ).kind == ("li_shares")
    assert classify_member("Skills.csv", "Name\nExcel\n").kind == "li_skills"
    assert classify_member("Other.csv", "Name\nExcel\n") is None
    assert (
        classify_member(
            "Connections.csv",
            'Notes:\n"blah, blah"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n',
        ).kind
        == "li_connections"
    )


def test_names_inside_a_zip_come_before_the_folders_outside():
    from relais.sources.readers.archives import _names_to_match

    assert _names_to_match("hr/all.zip!exports/VDA1_export") == ["VDA1_export", "exports", "all.zip", "hr"]
    assert _names_to_match("archives/VDA2/export.zip") == ["export.zip", "VDA2", "archives"]
    assert _names_to_match(".") == []


def test_owner_index_answers_as_the_one_by_one_rules():
    """The index used at scale gives the same answers as comparing every ambassador one by one."""
    from relais.sources.io.export_owner import same_person
    from relais.sources.io.owner_index import OwnerIndex

    people = [
        ("VDA001", "ann.lee@ville.fr", "Ann", "Lee"),
        ("VDA0012", None, "Hélène", "Lefèvre"),
        ("A-7", "BOB@ville.fr", "Jean Pierre", "Le-Gall"),
        ("x1", None, None, "Solo"),
    ]
    index = OwnerIndex(people)
    names = [
        "export-VDA001.zip",
        "VDA0012.zip",
        "XVDA001.zip",
        "vda001_and_vda0012",
        "a-7/Shares.csv",
        "ba-7",
        "LinkedInDataExport_A-7-x1.zip",
        "",
    ]
    for name in names:
        slow = {agent_id for agent_id, *_ in people if agent_id_in_name(agent_id, name)}
        assert index.ids_in_name(name) == slow, name
    for written in [
        "Hélène Lefèvre",
        "LEFEVRE helene",
        "Jean-Pierre Le Gall",
        "Helene",
        "Solo",
        "Ann  Lee",
        None,
    ]:
        slow = {agent_id for agent_id, _, first, last in people if same_person(written, first, last)}
        assert index.by_full_name(written) == slow, written
    assert index.by_emails([" Ann.Lee@Ville.FR ", "bob@ville.fr", ""]) == {"VDA001", "A-7"}

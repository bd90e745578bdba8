import pytest

from relais.sources.post_identity import is_linkedin_post, post_key, post_url, publication_key

ACTIVITY = "activity:7206231498968948737"


@pytest.mark.parametrize(
    "link",
    [
        "https://www.linkedin.com/feed/update/urn:li:activity:7206231498968948737/",
        "https://www.linkedin.com/feed/update/urn:li:activity:7206231498968948737",
        "https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7206231498968948737?trk=public_post",
        "https://www.linkedin.com/posts/jane-doe_slug-text-activity-7206231498968948737-AbCd"
        "?utm_source=share&utm_medium=member_desktop",
        "https://fr.linkedin.com/posts/ville-de-x_budget-2026-activity-7206231498968948737-x9Yz/",
        "www.linkedin.com/feed/update/urn:li:activity:7206231498968948737/",
        "https://www.linkedin.com/embed/feed/update/urn:li:activity:7206231498968948737",
        "urn:li:activity:7206231498968948737",
        "  https://www.linkedin.com/feed/update/urn:li:activity:7206231498968948737/  ",
    ],
)
def test_every_form_of_an_activity_link_gives_one_key(link):
    assert post_key(link) == ACTIVITY


def test_share_and_ugcpost_keep_their_own_type():
    assert post_key("https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7191112223334445556") == (
        "share:7191112223334445556"
    )
    assert post_key("urn:li:ugcPost:7191112223334445556") == "ugcPost:7191112223334445556"
    assert post_key("urn:li:share:1") != post_key("urn:li:activity:1")


@pytest.mark.parametrize(
    "link",
    [
        None,
        "",
        "https://www.val-daurore.fr/actualites/budget",
        "urn:li:fsd_profile:ACoAAB",
        "https://lnkd.in/eXaMpLe",
        "https://notlinkedin.com/feed/update/urn:li:activity:1",
    ],
)
def test_links_that_are_not_linkedin_links(link):
    assert post_key(link) is None
    assert not is_linkedin_post(link)


def test_post_url_round_trip():
    assert post_key(post_url(ACTIVITY)) == ACTIVITY


@pytest.mark.parametrize(
    ("link", "key"),
    [
        # group posts: raw URN, URL-encoded URN, feed URL (plain and URL-encoded), comment URN on one
        ("urn:li:groupPost:123-456", "groupPost:123-456"),
        ("urn%3Ali%3AgroupPost%3A123-456", "groupPost:123-456"),
        ("https://www.linkedin.com/feed/update/urn:li:groupPost:123-456/", "groupPost:123-456"),
        ("https://www.linkedin.com/feed/update/urn%3Ali%3AgroupPost%3A123-456/", "groupPost:123-456"),
        (
            "https://www.linkedin.com/feed/update/urn%253Ali%253AgroupPost%253A123-456?trk=x",
            "groupPost:123-456",
        ),
        ("urn:li:comment:(urn:li:groupPost:123-456,789)", "groupPost:123-456"),
        # articles
        ("urn:li:article:7012345678901234567", "article:7012345678901234567"),
        ("urn%3Ali%3Aarticle%3A7012345678901234567", "article:7012345678901234567"),
        (
            "https://www.linkedin.com/feed/update/urn%3Ali%3Aarticle%3A7012345678901234567/",
            "article:7012345678901234567",
        ),
        # LinkedIn Learning courses
        ("urn:li:lyndaCourse:2825179", "lyndaCourse:2825179"),
        ("urn%3Ali%3AlyndaCourse%3A2825179", "lyndaCourse:2825179"),
        ("https://www.linkedin.com/feed/update/urn:li:lyndaCourse:2825179", "lyndaCourse:2825179"),
        # events: URN, id-only URL, slug+id URL, slug-only URL
        ("urn:li:event:7134567890123456789", "event:7134567890123456789"),
        ("urn%3Ali%3Aevent%3A7134567890123456789", "event:7134567890123456789"),
        ("https://www.linkedin.com/events/7134567890123456789/", "event:7134567890123456789"),
        (
            "https://www.linkedin.com/events/forumdelemploi7134567890123456789/?trk=x",
            "event:7134567890123456789",
        ),
        (
            "https://www.linkedin.com/events/forum-emploi-7134567890123456789/about/",
            "event:7134567890123456789",
        ),
        ("https://fr.linkedin.com/events/Forum-Emploi-2026/", "event:forum-emploi-2026"),
        (
            "https://www.linkedin.com/feed/update/urn:li:event:7134567890123456789/",
            "event:7134567890123456789",
        ),
        # newsletters
        (
            "https://www.linkedin.com/newsletters/la-lettre-du-maire-7012345678901234567/",
            "newsletter:7012345678901234567",
        ),
        ("https://www.linkedin.com/newsletters/7012345678901234567", "newsletter:7012345678901234567"),
        ("urn:li:newsletter:7012345678901234567", "newsletter:7012345678901234567"),
        ("urn%3Ali%3Anewsletter%3A7012345678901234567", "newsletter:7012345678901234567"),
        # pulse articles
        ("https://www.linkedin.com/pulse/un-article-jane-doe", "pulse:un-article-jane-doe"),
        ("https://fr.linkedin.com/pulse/Un-Article-Jane-Doe/?trackingId=abc", "pulse:un-article-jane-doe"),
        ("www.linkedin.com/pulse/un-article-jane-doe/", "pulse:un-article-jane-doe"),
        # /posts/ slugs without an activity id fall back to the path
        ("https://www.linkedin.com/posts/jane-doe_budget", "url:linkedin.com/posts/jane-doe_budget"),
    ],
)
def test_links_without_an_activity_id_get_a_key_of_their_kind(link, key):
    assert post_key(link) == key


def test_the_same_content_meets_itself_across_forms():
    event = {
        post_key("urn:li:event:7134567890123456789"),
        post_key("https://www.linkedin.com/events/forumdelemploi7134567890123456789/"),
        post_key("https://www.linkedin.com/feed/update/urn%3Ali%3Aevent%3A7134567890123456789"),
    }
    newsletter = {
        post_key("urn:li:newsletter:7012345678901234567"),
        post_key("https://www.linkedin.com/newsletters/la-lettre-7012345678901234567/"),
    }
    assert len(event) == 1 and len(newsletter) == 1
    assert post_key("urn:li:groupPost:1-2") != post_key("urn:li:groupPost:1-3")


@pytest.mark.parametrize(
    ("link", "key"),
    [
        ("https://www.linkedin.com/in/jane-doe", "url:linkedin.com/in/jane-doe"),
        ("https://fr.linkedin.com/in/Jane-Doe/?originalSubdomain=fr", "url:linkedin.com/in/jane-doe"),
        ("www.linkedin.com/company/ville-de-x/", "url:linkedin.com/company/ville-de-x"),
        (
            "https://www.linkedin.com/learning/excel-essentiel#chapter",
            "url:linkedin.com/learning/excel-essentiel",
        ),
        (
            "https://www.linkedin.com/feed/update/urn:li:fs_updateV2:(abc)/",
            "url:linkedin.com/feed/update/urn:li:fs_updatev2:(abc)",
        ),
        ("https://www.linkedin.com/", "url:linkedin.com/"),
        ("https%3A%2F%2Fwww.linkedin.com%2Fjobs%2Fview%2F123", "url:linkedin.com/jobs/view/123"),
    ],
)
def test_every_other_linkedin_link_gets_the_fallback_key(link, key):
    assert post_key(link) == key
    assert not is_linkedin_post(link)


@pytest.mark.parametrize(
    "link",
    [
        "urn:li:groupPost:123-456",
        "https://www.linkedin.com/feed/update/urn%3Ali%3AgroupPost%3A123-456/",
        "urn:li:share:1",
        "urn:li:ugcPost:1",
    ],
)
def test_group_posts_are_posts(link):
    assert is_linkedin_post(link)


@pytest.mark.parametrize(
    "link",
    [
        "urn:li:article:1",
        "urn:li:lyndaCourse:1",
        "urn:li:event:1",
        "https://www.linkedin.com/pulse/un-article",
        "https://www.linkedin.com/newsletters/x-7012345678901234567",
    ],
)
def test_other_kinds_are_keyed_but_not_feed_posts(link):
    assert post_key(link) is not None
    assert not is_linkedin_post(link)


@pytest.mark.parametrize(
    "key",
    [
        ACTIVITY,
        "groupPost:123-456",
        "article:7",
        "lyndaCourse:2825179",
        "event:7134567890123456789",
        "newsletter:7012345678901234567",
        "pulse:un-article",
        "url:linkedin.com/in/jane-doe",
    ],
)
def test_post_url_round_trip_of_every_kind(key):
    assert post_key(post_url(key)) == key


@pytest.mark.parametrize(
    ("link", "key"),
    [
        (
            "https://www.linkedin.com/feed/update/urn:li:activity:7206231498968948737/",
            "activity:7206231498968948737",
        ),
        ("urn:li:ugcPost:7001", "ugcPost:7001"),
        ("urn:li:groupPost:123-456", "groupPost:123-456"),
        ("https://www.linkedin.com/pulse/mon-article-ann-lee/", "pulse:mon-article-ann-lee"),
        ("urn:li:article:7001", "article:7001"),
        ("https://www.linkedin.com/in/someone-else/", None),
        ("https://www.linkedin.com/company/ville/", None),
        ("urn:li:lyndaCourse:2825179", None),
        ("https://example.org/post/1", None),
        (None, None),
    ],
)
def test_publication_key_accepts_posts_and_articles_only(link, key):
    assert publication_key(link) == key

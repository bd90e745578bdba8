import pytest

from assets.post_identity import is_linkedin_post, post_key, post_url

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
        "https://www.linkedin.com/pulse/un-article-jane-doe",
        "https://www.linkedin.com/in/jane-doe",
        "https://lnkd.in/eXaMpLe",
        "https://notlinkedin.com/feed/update/urn:li:activity:1",
    ],
)
def test_links_that_are_not_posts(link):
    assert post_key(link) is None
    assert not is_linkedin_post(link)


def test_post_url_round_trip():
    assert post_key(post_url(ACTIVITY)) == ACTIVITY

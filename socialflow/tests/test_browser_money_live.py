"""Real-browser flows: create a tier (on localstripe) and reveal a stream key; screenshots of each page."""

import pytest

from livestream import services as live
from payments.models import Tier
from socialflow.tests.conftest import browser_sign_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_create_a_tier_from_the_page(browser_page, creator, stripe_on):
    page = browser_page
    browser_sign_in(page, login="cora")
    page.get_by_role("link", name="Earnings").click()
    page.wait_for_selector("#chart-earnings-source svg")
    screenshot(page, "earnings")
    page.get_by_role("link", name="Tiers").click()
    page.get_by_label("Name").fill("Supporter")
    page.get_by_label("Monthly price").fill("4.99")
    page.get_by_label("Benefits").fill("Early videos\nMonthly Q&A")
    page.get_by_role("button", name="Create tier").click()
    row = page.locator("#tiers-table tbody tr")
    assert row.count() == 1
    assert row.locator("td").nth(0).inner_text() == "Supporter"
    assert row.locator("td").nth(1).inner_text() == "$4.99"
    tier = Tier.objects.get(creator=creator)
    assert (tier.price_amount, tier.benefits) == (499, ["Early videos", "Monthly Q&A"])
    assert tier.stripe_plan_id
    screenshot(page, "tiers")
    page.get_by_role("link", name="Subscribers").click()
    assert page.get_by_text("0 current subscribers.").is_visible()
    screenshot(page, "subscribers")


def test_reveal_a_stream_key(browser_page, creator, settings):
    settings.USE_IVS = False
    settings.LIVE_RTMP_INGEST_URL = "rtmp://ingest.test:1935/live"
    stream, key = live.stream_create(host=creator, title="Morning climb")
    page = browser_page
    browser_sign_in(page, login="cora")
    page.get_by_role("link", name="Live").click()
    screenshot(page, "streams")
    page.get_by_role("link", name="Morning climb").click()
    assert page.locator("#stream-key").count() == 0
    page.get_by_role("button", name="Reveal stream key").click()
    assert page.locator("#stream-key").inner_text() == key
    screenshot(page, "stream-key")
    # Rotation asks first (a confirm dialog), then shows a new key.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Rotate stream key").click()
    page.wait_for_selector("text=A new key: the old one no longer works.")
    rotated = page.locator("#stream-key").inner_text()
    stream.refresh_from_db()
    assert rotated != key and rotated == live.stream_key_reveal(stream=stream, actor=creator)

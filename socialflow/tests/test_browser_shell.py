"""Real-browser checks of the shell: sign-in with 2FA, the overview chart, a phone-sized screen."""

import pytest

from socialflow.tests.conftest import browser_sign_in, screenshot
from users.services import follow_create
from users.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_sign_in_with_second_factor_and_see_followers_chart(browser_page, creator, totp_device):
    device = totp_device(creator)
    for i in range(3):
        follow_create(follower=UserFactory(username=f"fan{i}"), following=creator)
    page = browser_page

    page.goto("/dashboard/")
    assert page.url.endswith("/accounts/login/?next=/dashboard/")
    screenshot(page, "login")
    page.get_by_label("Email or username").fill("cora")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/verify/**")
    screenshot(page, "verify")
    from socialflow.tests.conftest import totp_code

    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Overview"
    assert page.locator("#kpi-followers .kpi-value").inner_text() == "3"
    chart = page.locator("#chart-followers svg")
    assert chart.get_attribute("role") == "img"
    values = chart.locator("circle.mark").evaluate_all("els => els.map(e => Number(e.dataset.value))")
    assert len(values) == 28 and values[-1] == 3
    assert chart.locator("title").first.text_content() == "Followers over time"
    screenshot(page, "overview")
    assert page.console_errors == []


def test_overview_fits_a_phone_screen(browser_page, creator):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    browser_sign_in(page, login="cora")
    # Nothing overflows sideways: the page is as wide as the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Keyboard: the first Tab stop is the skip link, and it leads to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    screenshot(page, "overview-phone")

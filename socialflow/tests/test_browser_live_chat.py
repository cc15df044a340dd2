"""The host's live chat in a real browser over the real websocket (daphne + Redis channel layer):
messages arrive live, the host chats and moderates from the page."""

import re
import threading

import pytest
from django.db import connections
from playwright.sync_api import expect

from livestream import services as live
from livestream.models import ChatMessage
from socialflow.tests.conftest import browser_sign_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis, pytest.mark.isolated]


def in_plain_thread(func, **kwargs):
    """Run a service where no event loop is running: Playwright's sync API runs one in the test thread, and
    the channel layer's after-commit broadcast (async_to_sync) refuses to run inside a loop."""
    result = {}

    def run():
        try:
            result["value"] = func(**kwargs)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    return result["value"]


def test_host_sees_chat_live_and_moderates_from_the_page(asgi_page, creator, user, settings):
    settings.USE_IVS = False
    stream, _ = live.stream_create(host=creator, title="Morning climb")
    live.stream_start(stream=stream, actor=creator)
    page = asgi_page
    browser_sign_in(page, login="cora")
    page.goto(f"/dashboard/live/{stream.pk}/")
    # The socket goes through daphne, the session check and the Redis layer: give a loaded CI box time.
    expect(page.locator("#chat-state")).to_have_text("Chat connected.", timeout=20_000)

    message = in_plain_thread(live.chat_message_send, stream_id=stream.pk, user=user, body="hello from ana")
    row = page.locator(f'#chat-log li[data-message-id="{message.pk}"]')
    expect(row).to_contain_text("@ana")
    expect(row).to_contain_text("hello from ana")

    page.get_by_label("Message", exact=True).fill("welcome, everyone")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#chat-log li", has_text="welcome, everyone")).to_have_count(1)
    screenshot(page, "live-chat")

    row.get_by_role("button", name="Delete").click()
    expect(row).to_have_count(0)
    assert not ChatMessage.objects.filter(pk=message.pk).exists()  # soft-deleted by the moderation service
    assert re.search("welcome, everyone", page.locator("#chat-log").inner_text())

"""Chat messages can be reported (social's report API resolves them through livestream's selector)."""

import pytest

from livestream.services.chat import chat_message_send
from social.models import ModerationCase

pytestmark = pytest.mark.django_db


def test_viewer_reports_a_chat_message_and_a_case_opens(live_stream, user, other_user, client_for):
    message = chat_message_send(stream_id=live_stream.pk, user=other_user, body="buy followers at spam.example")
    response = client_for(user).post(
        "/api/v1/reports", {"target_type": "chat_message", "target_id": str(message.pk), "category": "spam"}
    )
    assert response.status_code == 201, response.json()
    case = ModerationCase.objects.get(target_id=str(message.pk))
    assert case.report_count == 1
    assert case.target_owner_id == other_user.pk


def test_a_message_on_a_hidden_stream_is_not_found(make_stream, creator, user, other_user, client_for):
    from livestream.services import stream_start

    private = stream_start(stream=make_stream(visibility="subscribers"), actor=creator)
    message = chat_message_send(stream_id=private.pk, user=creator, body="members only")
    response = client_for(user).post(
        "/api/v1/reports", {"target_type": "chat_message", "target_id": str(message.pk), "category": "spam"}
    )
    assert response.status_code == 404

import pytest

from notifications.services import notification_fanout, notification_send, push_device_register
from notifications.tests.factories import post_ref

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    ["notification", "notificationdelivery", "notificationsettings", "pushdevice", "fanoutjob", "acceptedsender"],
)
def test_admin_changelists_render(admin_client, user, other_user, creator, model):
    notification_send(recipient=user, type="video_ready", target=post_ref(1))
    push_device_register(user=user, kind="fcm", token="t-1")
    notification_fanout(actor=creator, type="new_post", target=creator)
    res = admin_client.get(f"/admin/notifications/{model}/")
    assert res.status_code == 200


def test_admin_deactivate_action_uses_the_service(admin_client, user):
    device = push_device_register(user=user, kind="fcm", token="t-2")
    res = admin_client.post(
        "/admin/notifications/pushdevice/", {"action": "deactivate", "_selected_action": [str(device.pk)]}
    )
    assert res.status_code == 302
    device.refresh_from_db()
    assert device.is_active is False and device.last_error == "unregistered by the user"

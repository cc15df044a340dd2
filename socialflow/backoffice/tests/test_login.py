import pytest

pytestmark = pytest.mark.django_db


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/payments/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpayments%2F"


def test_admin_login_refuses_offsite_next(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_anonymous_admin_visit_ends_at_the_allauth_form(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert response.status_code == 200

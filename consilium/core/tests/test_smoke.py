import pytest
from django.test import Client


@pytest.mark.django_db
def test_the_landing_page_explains_the_service_to_a_visitor(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"second medical opinion" in response.content


@pytest.mark.django_db
def test_an_unknown_page_shows_the_generic_not_found_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Reference for support" in response.content

"""An API 404 is an answer, not a moved page: it skips Wagtail's redirect look-up
(which costs a query for the site and one or two for the redirects), while a page
404 still follows an editor's redirect."""

import pytest
from wagtail.contrib.redirects.models import Redirect

pytestmark = pytest.mark.django_db


def test_api_not_found_runs_no_query(api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    with django_assert_num_queries(0):
        assert api_client.get("/api/nothing").status_code == 404


def test_page_redirects_still_work(client, home_page):
    Redirect.objects.create(old_path="/old-page", redirect_link="/courses/")
    response = client.get("/old-page")
    assert response.status_code in (301, 302)
    assert response["Location"].endswith("/courses/")

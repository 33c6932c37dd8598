"""
The landing page is served from the page cache, per language, without a single SQL
query; editing any content row shows on the next visit; conditional GETs get a 304.
"""

import datetime

import pytest
import time_machine
from django.core.cache import cache as django_cache

from recruiting import pages
from recruiting.models import Advantage, Lab, Position, Requirement, ResearchDirection

LANDING_PAGES = ["/", "/en/"]


@pytest.mark.parametrize("path", LANDING_PAGES)
def test_second_visit_to_the_landing_page_runs_no_sql(
    client, seeded, path, django_assert_num_queries
):
    first = client.get(path)

    with django_assert_num_queries(0):
        second = client.get(path)

    assert second.status_code == 200
    assert second.content == first.content


def test_each_language_has_its_own_cached_page(client, seeded):
    chinese = client.get("/")
    english = client.get("/en/")

    assert b'<html lang="zh-Hans"' in client.get("/").content
    assert b'<html lang="en"' in client.get("/en/").content
    assert chinese.content != english.content


def test_saving_the_english_title_of_a_position_shows_at_once(client, seeded):
    client.get("/en/")
    position = Position.objects.open().first()

    position.title_en = "Visiting researcher (renamed)"
    position.save()

    assert "Visiting researcher (renamed)" in client.get("/en/").content.decode()


def test_saving_the_chinese_name_of_the_lab_shows_at_once(client, seeded):
    client.get("/")
    lab = Lab.objects.get()

    lab.name_zh_hans = "张文涛课题组（新名字）"
    lab.save()

    assert "张文涛课题组（新名字）" in client.get("/").content.decode()


def test_deleting_a_requirement_removes_it_at_once(client, seeded):
    requirement = Requirement.objects.active().last()
    assert requirement.short_title_en in client.get("/en/").content.decode()

    requirement.delete()

    assert requirement.short_title_en not in client.get("/en/").content.decode()


def test_reordering_research_directions_shows_the_new_order_at_once(client, seeded):
    first, second = ResearchDirection.objects.filter(parent=None)[:2]
    html = client.get("/en/").content.decode()
    assert html.index(first.title_en) < html.index(second.title_en)

    first.order, second.order = second.order + 1, first.order
    first.save()
    second.save()

    html = client.get("/en/").content.decode()
    assert html.index(second.title_en) < html.index(first.title_en)


def test_adding_an_item_to_a_group_shows_at_once(client, seeded):
    client.get("/en/")
    group = Advantage.objects.first().group

    Advantage.objects.create(group=group, text="A brand-new reason to join", order=99)

    assert "A brand-new reason to join" in client.get("/en/").content.decode()


def test_a_change_committed_after_a_concurrent_render_is_not_hidden_by_it(
    client, seeded, django_capture_on_commit_callbacks
):
    """
    A request that renders the page between an editor's save and its commit stores the
    old content under the new version; the commit clears it once more.
    """
    position = Position.objects.open().first()
    with django_capture_on_commit_callbacks(execute=True):
        position.title_en = "Renamed in a transaction"
        position.save()
        # Another request renders now. It cannot see the uncommitted row in
        # production; stand in for that by storing the old page.
        stale = (
            client.get("/en/").content.decode().replace("Renamed in a transaction", "Old title")
        )
        pages.store("landing:en", stale)

    assert "Renamed in a transaction" in client.get("/en/").content.decode()


def test_a_content_change_leaves_the_rest_of_the_cache_alone(client, seeded):
    """Pages move to a new version; nothing is flushed (rate-limit counters live there too)."""
    django_cache.set("ratelimit:someone", 3)
    client.get("/en/")

    lab = Lab.objects.get()
    lab.name_en = "Renamed"
    lab.save()

    assert django_cache.get("ratelimit:someone") == 3
    assert "Renamed" in client.get("/en/").content.decode()


@pytest.mark.parametrize("path", LANDING_PAGES)
def test_a_conditional_get_of_an_unchanged_page_gets_304_without_sql(
    client, seeded, path, django_assert_num_queries
):
    etag = client.get(path).headers["ETag"]

    with django_assert_num_queries(0):
        response = client.get(path, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag


def test_a_conditional_get_after_an_edit_gets_the_new_page(client, seeded):
    etag = client.get("/en/").headers["ETag"]
    position = Position.objects.open().first()
    position.title_en = "Renamed since your last visit"
    position.save()

    response = client.get("/en/", headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert "Renamed since your last visit" in response.content.decode()


@pytest.mark.parametrize("path", LANDING_PAGES)
def test_a_page_served_from_memory_carries_the_same_headers_as_a_rendered_one(
    client, seeded, path
):
    rendered = client.get(path)
    kept = client.get(path)

    assert kept.content == rendered.content
    assert dict(kept.items()) == dict(rendered.items())
    assert kept.headers["Content-Security-Policy"]
    assert kept.headers["X-Frame-Options"] == "DENY"
    assert kept.headers["X-Content-Type-Options"] == "nosniff"


def test_a_shared_link_with_a_query_string_is_served_from_the_cache(
    client, seeded, django_assert_num_queries
):
    client.get("/en/")

    with django_assert_num_queries(0):
        response = client.get("/en/?from=wechat&share=1")

    assert response.status_code == 200
    assert "from=wechat" not in response.content.decode()


def test_a_request_for_an_unknown_host_is_refused_even_when_the_page_is_kept(client, seeded):
    client.get("/en/")

    response = client.get("/en/", headers={"host": "attacker.example"})

    assert response.status_code == 400


def test_the_landing_page_is_still_served_when_redis_does_not_answer(client, seeded, redis_away):

    lab = Lab.objects.get()
    for path, name in [("/", lab.name_zh_hans), ("/en/", lab.name_en)]:
        response = client.get(path)
        assert response.status_code == 200
        assert name in response.content.decode()


def test_a_stale_page_stops_being_served_after_the_timeout_when_the_clear_was_lost(
    client, seeded, settings, monkeypatch
):
    """
    The cache was down as an editor saved (the version bump was lost): the page stored
    before, in the shared cache and in the worker's memory, lasts PAGE_CACHE_TIMEOUT.
    """
    settings.PAGE_CACHE_TIMEOUT = 300
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.get("/en/")  # stored, and kept by this worker
        with monkeypatch.context() as outage:
            outage.setattr(pages.cache, "incr", lose_the_clear)
            position = Position.objects.open().first()
            position.title_en = "Renamed while the cache was down"
            position.save()

        traveller.shift(299)
        assert "Renamed while the cache was down" not in client.get("/en/").content.decode()
        traveller.shift(2)
        assert "Renamed while the cache was down" in client.get("/en/").content.decode()


def lose_the_clear(*args, **kwargs):
    raise ConnectionError("the cache does not answer")

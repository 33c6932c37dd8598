"""
Static files in production: collectstatic writes hashed names with brotli and gzip
versions, and gunicorn (through whitenoise) serves a hashed file cached for a year as
immutable, compressed for a browser that accepts it.
"""

import json

import pytest

from tests.servers import free_port, prepare, production_env, running

PORT = free_port()  # never a fixed one: runs and other tests may share the machine


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    env = production_env(tmp_path_factory.mktemp("static"))
    prepare(env, seed=False)
    return env


def hashed_name(env, name):
    static_root = env["STATIC_ROOT"]
    with open(f"{static_root}/staticfiles.json") as manifest:
        return json.load(manifest)["paths"][name]


@pytest.mark.slow
def test_collectstatic_writes_hashed_brotli_and_gzip_files(collected):
    name = hashed_name(collected, "css/site.css")
    static_root = collected["STATIC_ROOT"]

    assert name != "css/site.css" and name.startswith("css/site.") and name.endswith(".css")
    for suffix in ("", ".br", ".gz"):
        with open(f"{static_root}/{name}{suffix}", "rb") as file:
            assert file.read(1), f"{name}{suffix} is empty"


@pytest.mark.slow
def test_a_hashed_static_file_is_cached_for_a_year_as_immutable(collected):
    url = "/static/" + hashed_name(collected, "vendor/bootstrap/css/bootstrap.min.css")

    with running(PORT, collected) as server:
        status, headers, body = server.get(url)
        br_status, br_headers, br_body = server.get(url, headers={"Accept-Encoding": "br"})

    assert status == 200
    assert headers["content-type"].startswith("text/css")
    cache_control = [part.strip() for part in headers["cache-control"].split(",")]
    assert "immutable" in cache_control and "public" in cache_control
    max_age = next(int(part[8:]) for part in cache_control if part.startswith("max-age="))
    assert max_age >= 365 * 24 * 3600
    assert br_status == 200
    assert br_headers["content-encoding"] == "br"
    assert len(br_body) < len(body) / 3

"""
The lab's photos: uploaded in the admin into their own public storage, refused when they
are no photo (or an attack on memory), made in several widths, served at /media/.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from recruiting import images
from recruiting.models import Advisor, GroupPhoto, Member
from tests.images import image_bytes, photo_upload, png_claiming, truncated_jpeg, upload
from tests.servers import manage, production_env
from tests.submissions import change_form_data

ADVISOR_PAGE = "admin:recruiting_advisor_change"


def refusal(content, name="photo.png"):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        images.check_image(upload(name, content))
    with translation.override("en"):
        return refused.value.messages[0]


def test_a_photo_is_accepted_with_its_size():
    assert images.check_image(photo_upload(width=1600, height=1200)) == (1600, 1200)
    assert images.check_image(photo_upload("a.png", 300, 200, "PNG")) == (300, 200)
    assert images.check_image(photo_upload("a.webp", 300, 200, "WEBP")) == (300, 200)


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7 not a photo",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        image_bytes(40, 30, "GIF"),
        image_bytes(40, 30, "BMP"),
        truncated_jpeg(),
        b"",
    ],
    ids=["pdf", "svg", "gif", "bmp", "truncated", "empty"],
)
def test_what_is_no_jpeg_png_or_webp_photo_is_refused_saying_what_to_upload(content):
    assert refusal(content) == (
        "This file is not a photo the site can show. Upload a JPEG, PNG or WebP image."
    )


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded():
    # 9,000 × 9,000 = 81 million pixels, in a file of a few kilobytes.
    bomb = png_claiming(9000, 9000)
    assert len(bomb) < 100_000
    assert refusal(bomb) == (
        "This image is 9000 × 9000 pixels, more than the site takes (40 million pixels). "
        "Upload a smaller copy."
    )


def test_a_decompression_bomb_is_refused_by_name():
    # A billion pixels: Pillow itself calls it a bomb before anything is read.
    assert refusal(png_claiming(40000, 40000)).startswith(
        "This image says it has far more pixels than the site takes"
    )


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(settings):
    settings.PUBLIC_IMAGE_MAX_BYTES = 1024 * 1024
    assert refusal(b"\xff" * (1024 * 1024 + 1), "a.jpg") == (
        "This photo is larger than 1 MB. Upload a smaller copy."
    )


def test_the_page_gets_each_width_up_to_the_original_and_never_wider():
    assert images.widths(4000) == [160, 320, 640, 960, 1280]
    assert images.widths(1280) == [160, 320, 640, 960, 1280]
    assert images.widths(500) == [160, 320, 500]
    assert images.widths(100) == [100]


def test_a_photo_taken_upright_keeps_its_upright_size(db):
    # A phone stores a portrait photo as landscape pixels with "turn 90°" in its EXIF.
    member = Member.objects.create(
        name_zh_hans="测试同学",
        role_zh_hans="博士生",
        photo=photo_upload(width=1600, height=1200, exif_turn=6),
    )
    assert (member.photo_width, member.photo_height) == (1200, 1600)
    assert (member.picture.width, member.picture.height) == (1200, 1600)


@pytest.mark.django_db
def test_the_sizes_of_a_saved_photo_are_made_once_committed_and_served_for_a_year(
    client, public_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = GroupPhoto.objects.create(image=photo_upload(width=1000, height=500), alt="组会")

    picture = photo.picture
    assert (picture.width, picture.height) == (1000, 500)
    urls = [part.split()[0] for part in picture.webp_srcset.split(", ")]
    urls += [part.split()[0] for part in picture.jpeg_srcset.split(", ")]
    assert len(urls) == 10  # 160, 320, 640, 960 and the original's 1000, in WebP and JPEG
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] in ("image/webp", "image/jpeg")
        assert "max-age=31536000" in response["Cache-Control"]
        assert "immutable" in response["Cache-Control"]
    # Each is the width it says.
    from PIL import Image

    for part in picture.webp_srcset.split(", "):
        url, width = part.split()
        with public_storage.open(url.removeprefix("/media/")) as file:
            assert Image.open(file).size[0] == int(width.removesuffix("w"))


@pytest.mark.django_db
def test_a_photo_save_rolled_back_makes_no_sizes(
    public_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        GroupPhoto.objects.create(image=photo_upload(), alt="组会")
    assert not public_storage.exists("sized")


@pytest.mark.django_db
def test_the_public_media_never_serves_a_cv_nor_leaves_its_folder(client, cv_storage):
    cv_storage.save("2026/11/secret.pdf", upload("cv.pdf", b"%PDF-1.4 secret"))
    for path in (
        "/media/2026/11/secret.pdf",
        "/media/cvs/2026/11/secret.pdf",
        "/media/../media/cvs/2026/11/secret.pdf",
        "/media/%2e%2e/media/cvs/2026/11/secret.pdf",
        "/media/",
    ):
        assert client.get(path).status_code in (400, 404), path


# --- In the admin ----------------------------------------------------------------------


@pytest.fixture
def advisor(seeded):
    return Advisor.objects.get()


def post_photo(client, advisor, photo):
    page = client.get(reverse(ADVISOR_PAGE, args=[advisor.pk]))
    data = change_form_data(page)
    data["photo"] = photo
    return client.post(reverse(ADVISOR_PAGE, args=[advisor.pk]), data)


def test_the_advisors_page_opens_again_after_a_photo_is_uploaded(
    editor_client, advisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_photo(editor_client, advisor, photo_upload("Prof.JPG", 800, 1000))
    assert response.status_code == 302

    advisor.refresh_from_db()
    assert advisor.photo.name.startswith("advisor/") and advisor.photo.name.endswith(".jpg")
    assert "Prof" not in advisor.photo.name  # the uploader's name is never used
    assert (advisor.photo_width, advisor.photo_height) == (800, 1000)
    # Before: 500 "This file is not accessible via a URL" on every later visit.
    page = editor_client.get(reverse(ADVISOR_PAGE, args=[advisor.pk]))
    assert page.status_code == 200
    assert advisor.photo.url in page.content.decode()


@pytest.mark.parametrize(
    "photo, message",
    [
        (upload("cv.jpg", b"%PDF-1.7 not a photo", "image/jpeg"), "not a photo the site can show"),
        (upload("bomb.png", png_claiming(9000, 9000)), "more than the site takes"),
        (upload("bomb.png", png_claiming(60000, 60000)), "far more pixels than the site takes"),
    ],
    ids=["not-an-image", "huge", "bomb"],
)
def test_a_bad_upload_is_refused_in_the_admin_with_a_clear_message(
    editor_client, advisor, public_storage, photo, message
):
    response = post_photo(editor_client, advisor, photo)

    assert response.status_code == 200
    assert message in response.content.decode()
    advisor.refresh_from_db()
    assert not advisor.photo
    assert not public_storage.exists("advisor")
    assert editor_client.get(reverse(ADVISOR_PAGE, args=[advisor.pk])).status_code == 200


def test_the_refusal_reads_in_chinese_for_a_chinese_editor(editor_client, advisor):
    editor_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = post_photo(editor_client, advisor, upload("x.jpg", b"not", "image/jpeg"))
    assert response.status_code == 200
    assert "JPEG、PNG 或 WebP" in response.content.decode()


def test_editors_add_a_group_photo_and_a_member_with_a_photo(
    editor_client, seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:recruiting_groupphoto_add"),
            {
                "image": photo_upload(),
                "alt_zh_hans": "课题组合影",
                "alt_en": "The group",
                "caption_zh_hans": "",
                "caption_en": "",
                "order": "1",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = GroupPhoto.objects.get()
    assert photo.image.name.startswith("group/")
    listing = editor_client.get(reverse("admin:recruiting_groupphoto_changelist"))
    assert listing.status_code == 200
    assert photo.picture.jpeg_srcset.split()[0] in listing.content.decode()


# --- Settings ------------------------------------------------------------------------


def test_the_photos_can_never_share_the_cvs_folder(tmp_path):
    env = production_env(tmp_path, PUBLIC_MEDIA_ROOT=str(tmp_path / "media" / "photos"))
    result = manage("check", env=env, check=False)
    assert result.returncode != 0
    assert "PUBLIC_MEDIA_ROOT must not be inside MEDIA_ROOT (the CVs)." in result.stderr


@pytest.mark.parametrize(
    "env, served",
    [({}, False), ({"SERVE_PUBLIC_MEDIA": "1"}, True), ({"DJANGO_DEBUG": "1"}, True)],
    ids=["production", "asked-for", "debug"],
)
def test_the_site_serves_the_photos_itself_only_when_asked_or_debugging(tmp_path, env, served):
    code = (
        "from django.urls import resolve, Resolver404\n"
        "try:\n    print(resolve('/media/group/x.jpg').url_name)\n"
        "except Resolver404:\n    print('not served')"
    )
    result = manage("shell", "--no-imports", "-c", code, env=production_env(tmp_path, **env))
    assert result.stdout.strip() == ("public_media" if served else "not served")

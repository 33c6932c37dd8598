"""
The landing page filled as a lab that uses every section would fill it: the advisor's
photo and links, group photos, members and alumni (some with photos), and publications.

Every name, link and title here is made up and says so: test data only, never seeded.
The browser tests call fill_page() on the live server's database; scripts/lighthouse.sh
calls it (LIGHTHOUSE_FILLED=1) after seed_content, so that Lighthouse scores the page as
it looks with photos in place:

    .venv/bin/python manage.py shell -c "from tests.page_fixtures import fill_page; fill_page()"

The photos' sizes are made when each save is committed (recruiting/signals.py): called
outside a transaction (as both callers do), they exist when fill_page() returns.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFilter

# (Chinese, English) pairs: the page in each language has its own text.
GROUP_PHOTOS = [
    (("示例组会照片（测试数据）", "Example group meeting photo (test data)"), ("组会", "Meeting")),
    (("示例团建照片（测试数据）", "Example group outing photo (test data)"), ("", "")),
    (("示例海报照片（测试数据）", "Example poster session photo (test data)"), ("海报", "Poster")),
]

MEMBERS = [
    ("示例成员甲", "Example Member A", "博士生（测试数据）", "PhD student (test data)", True),
    ("示例成员乙", "Example Member B", "硕士生（测试数据）", "Master's student (test data)", True),
    (
        "示例成员丙",
        "Example Member C",
        "研究助理（测试数据）",
        "Research assistant (test data)",
        False,
    ),
    ("示例成员丁", "Example Member D", "实习生（测试数据）", "Intern (test data)", False),
]

ALUMNI = [
    (
        "示例校友甲",
        "Example Alumnus A",
        "去向：示例公司（测试数据）",
        "Now at Example Corp (test data)",
    ),
    (
        "示例校友乙",
        "Example Alumnus B",
        "去向：示例大学（测试数据）",
        "Now at Example University (test data)",
    ),
]

PUBLICATIONS = [
    (
        "A Made-Up Paper on Example Graphs (Test Data)",
        "Example Author A, Example Author B, Example Author C",
        "Example Conference on Test Data",
        2025,
    ),
    (
        "Another Made-Up Paper: Data-Centric Examples (Test Data)",
        "Example Author B, Example Author A",
        "Example Journal of Fixtures",
        2024,
    ),
    (
        "A Third Made-Up Paper With a Deliberately Long Title to See How the Page "
        "Wraps It on a Phone (Test Data)",
        "Example Author C, Example Author D, Example Author E, Example Author F",
        "",
        2023,
    ),
]


def photo(name, width, height, turn=0):
    """
    A made-up JPEG with a photo's texture (soft gradients and grain), so that its sizes
    weigh what a photo's do: a flat colour would make Lighthouse's job too easy.
    """
    size = (width, height)
    channels = [
        Image.blend(
            Image.linear_gradient("L").rotate(turn + 120 * index, expand=False).resize(size),
            Image.effect_noise(size, 50).filter(ImageFilter.GaussianBlur(0.6)),
            0.35,
        )
        for index in range(3)
    ]
    buffer = io.BytesIO()
    Image.merge("RGB", channels).save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


def fill_page(advisor_photo=(900, 1200)):
    """
    Fill the seeded page (seed_content first) with made-up photos, people and
    publications. Returns the advisor. `advisor_photo`: its (width, height), or None.
    """
    from recruiting.models import Advisor, GroupPhoto, Member, Publication

    advisor = Advisor.objects.get()
    advisor.homepage = "https://example.org/made-up-homepage"
    advisor.scholar = "https://scholar.example.org/made-up-profile"
    advisor.dblp = "https://dblp.example.org/made-up-author"
    advisor.github = "https://github.example.org/made-up-user"
    if advisor_photo:
        advisor.photo = photo("advisor.jpg", *advisor_photo)
    advisor.save()

    for order, ((alt_zh, alt_en), (caption_zh, caption_en)) in enumerate(GROUP_PHOTOS, 1):
        GroupPhoto.objects.create(
            image=photo(f"group-{order}.jpg", 1600, 1000, turn=40 * order),
            alt_zh_hans=alt_zh,
            alt_en=alt_en,
            caption_zh_hans=caption_zh,
            caption_en=caption_en,
            order=order,
        )

    for order, (name_zh, name_en, role_zh, role_en, with_photo) in enumerate(MEMBERS, 1):
        Member.objects.create(
            name_zh_hans=name_zh,
            name_en=name_en,
            role_zh_hans=role_zh,
            role_en=role_en,
            photo=photo(f"member-{order}.jpg", 600, 600, turn=70 * order) if with_photo else "",
            url=f"https://example.org/made-up-member-{order}" if order % 2 else "",
            order=order,
        )
    for order, (name_zh, name_en, role_zh, role_en) in enumerate(ALUMNI, 1):
        Member.objects.create(
            name_zh_hans=name_zh,
            name_en=name_en,
            role_zh_hans=role_zh,
            role_en=role_en,
            status=Member.Status.ALUMNI,
            order=order,
        )

    for order, (title, authors, venue, year) in enumerate(PUBLICATIONS, 1):
        Publication.objects.create(
            title=title,
            authors=authors,
            venue=venue,
            year=year,
            url=f"https://example.org/made-up-paper-{order}" if order != 2 else "",
            order=order,
        )
    return advisor

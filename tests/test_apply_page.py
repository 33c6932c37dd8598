"""The application form as a visitor first sees it, in both languages."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from recruiting.models import Position, Requirement

# Frozen (time_machine): the test and the site read the same "today", even at midnight.
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))

# The research directions one can choose: the leaves, a branch named with its parent.
DIRECTIONS = [
    "General DCML",
    "DCML Applications · For Science",
    "DCML Applications · For AIGC",
    "DCML Systems",
]


def direction_labels(html):
    return re.findall(
        r'for="id_directions_\d+" class="form-check-label">\s*(.*?)\s*</label>', html
    )


def main_html(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize(
    ("url", "heading", "send"),
    [("/apply/", "申请", "提交申请"), ("/en/apply/", "Apply", "Send my application")],
)
def test_apply_page_shows_the_form_in_the_pages_language(client, lab, url, heading, send):
    response = client.get(url)
    assert response.status_code == 200
    html = main_html(response)
    assert f"<h1>{heading}</h1>" in html
    assert send in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_every_field_has_a_visible_label_in_chinese(client, lab):
    html = main_html(client.get("/apply/"))
    for label in [
        "姓名",
        "电子邮箱",
        "电话（选填）",
        "微信号（选填）",
        "学校",
        "专业",
        "当前学历",
        "年级",
        "预计毕业年份",
        "职位",
        "感兴趣的研究方向",
        "最早可开始日期",
        "可投入的月数",
        "在北京线下还是远程",
        "个人主页（选填）",
        "GitHub（选填）",
        "Google Scholar（选填）",
        "为什么选择本课题组？",
        "简历（PDF）",
        "我已阅读并同意",
    ]:
        assert label in html, label


def test_every_active_criterion_is_a_checkbox_with_its_evidence_field_directly_under_it(
    client, lab
):
    html = main_html(client.get("/en/apply/"))
    for requirement in lab.requirements:
        checkbox = f'name="criteria" value="{requirement.pk}"'
        evidence = f'name="evidence_{requirement.pk}"'
        assert checkbox in html and evidence in html
        between = html[html.index(checkbox) : html.index(evidence)]
        assert 'name="criteria"' not in between[len(checkbox) :], "another criterion in between"
    assert "The conference and year, the paper&#x27;s title and link." in html
    assert "Top-venue paper" in html and "Top-venue paper." in html  # title and text


def test_inactive_criteria_are_not_offered(client, lab):
    Requirement.objects.filter(pk=lab.drive.pk).update(is_active=False)
    html = main_html(client.get("/en/apply/"))
    assert f'name="criteria" value="{lab.drive.pk}"' not in html
    assert f"evidence_{lab.drive.pk}" not in html


def test_directions_are_the_leaves_with_branches_labelled_by_their_parent(client, lab):
    html = main_html(client.get("/en/apply/"))
    assert direction_labels(html) == DIRECTIONS


@time_machine.travel(NOW, tick=False)
def test_only_open_positions_can_be_chosen(client, lab):
    Position.objects.create(
        slug="closed", title_zh_hans="已关闭", title_en="Closed", is_open=False
    )
    Position.objects.create(
        slug="late",
        title_zh_hans="过期",
        title_en="Past deadline",
        deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    html = main_html(client.get("/en/apply/"))
    assert 'value="ra"' in html and 'value="intern"' in html
    assert 'value="closed"' not in html and 'value="late"' not in html


def test_the_position_in_the_query_string_is_preselected(client, lab):
    html = main_html(client.get("/en/apply/?position=intern"))
    assert re.search(r'value="intern"\s+id="id_position_1"[^>]*checked', html)
    assert not re.search(r'value="ra"\s+id="id_position_0"[^>]*checked', html)


def test_an_unknown_position_in_the_query_string_preselects_nothing(client, lab):
    response = client.get("/en/apply/?position=<script>")
    assert response.status_code == 200
    assert "checked" not in main_html(response).split('name="position"')[1].split("</fieldset>")[0]


def test_consent_is_unticked_and_links_to_the_privacy_notice(client, lab):
    html = main_html(client.get("/en/apply/"))
    consent = re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group()
    assert "checked" not in consent
    assert '<a href="/en/privacy/" target="_blank" rel="noopener">' in html


def test_the_statement_limit_is_shown_on_the_page(client, lab):
    html = main_html(client.get("/en/apply/"))
    assert "At most 2000 characters." in html
    assert 'maxlength="2000"' in html
    assert "不超过 2000 个字" in main_html(client.get("/apply/"))


def test_the_honeypot_is_hidden_by_a_class_not_an_inline_style(client, lab):
    html = main_html(client.get("/en/apply/"))
    assert (
        'class="hp-field"  aria-hidden="true"' in html
        or 'class="hp-field" aria-hidden="true"' in html
    )
    honeypot = re.search(r'<input type="text" name="website"[^>]*>', html).group()
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot
    assert "style=" not in response_text(client)


def response_text(client):
    return client.get("/en/apply/").content.decode()


def test_the_page_has_no_inline_script_and_loads_its_script_deferred(client, lab):
    html = response_text(client)
    scripts = re.findall(r"<script[^>]*>", html)
    assert all("src=" in tag or "application/ld+json" in tag for tag in scripts)
    assert '<script src="/static/js/apply.js" defer></script>' in html
    assert "/static/js/apply.js" not in client.get("/en/").content.decode()


def test_the_page_says_so_when_no_position_is_open(client, lab):
    Position.objects.update(is_open=False)
    html = main_html(client.get("/en/apply/"))
    assert "No positions are open at the moment" in html
    assert "<form" not in html


def test_the_apply_page_costs_four_queries_whatever_the_content(
    client, lab, django_assert_max_num_queries
):
    for n in range(10):
        Position.objects.create(slug=f"extra-{n}", title_zh_hans=f"职位{n}", title_en=f"Post {n}")
    with django_assert_max_num_queries(4):  # positions, directions, criteria, the lab's name
        response = client.get("/en/apply/")
    assert response.status_code == 200
    html = main_html(response)
    assert all(f'value="extra-{n}"' in html for n in range(10))
    assert f'name="criteria" value="{lab.drive.pk}"' in html


def test_other_methods_are_refused(client, lab):
    assert client.put("/en/apply/").status_code == 405
    assert client.delete("/en/apply/").status_code == 405


def test_with_the_labs_content_the_form_offers_the_posts_five_criteria_and_directions(
    client, seeded
):
    html = main_html(client.get("/apply/"))
    assert len(re.findall(r'name="criteria" value="\d+"', html)) == 5
    for title in ["顶会论文", "研究与开源经验", "实习成果", "竞赛成绩", "科研热情"]:
        assert f"<strong>{title}</strong>" in html
    assert direction_labels(html) == DIRECTIONS

"""The lab's rule: at least one criterion, each with evidence a reviewer can judge."""

import pytest

from recruiting.models import Application
from tests.submissions import errors_of, submit


def test_application_with_one_criterion_and_its_evidence_is_accepted(client, lab):
    response = submit(
        client,
        lab,
        criteria=[str(lab.drive.pk)],
        **{f"evidence_{lab.paper.pk}": "", f"evidence_{lab.competitions.pk}": ""},
        **{f"evidence_{lab.drive.pk}": "I want to work on data quality for LLMs."},
    )
    assert response.status_code == 302
    assert Application.objects.get().priority == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "/apply/",
            "课题组要求申请者至少满足以下一个要求，满足多个要求者优先考虑。请勾选你满足的每一项要求，"
            "并在其下方填写证明材料。招生要求：1. 顶会论文；2. 研究与开源经验；3. 实习成果；"
            "4. 竞赛成绩；5. 科研热情。",
        ),
        (
            "/en/apply/",
            "The lab asks that applicants meet at least one of its criteria; meeting several "
            "raises your priority. Tick each criterion you meet and give your evidence under it. "
            "The criteria: 1. Top-venue paper; 2. Research and open source; 3. Internship "
            "results; 4. Competitions; 5. Drive for research.",
        ),
    ],
)
def test_application_without_any_criterion_is_refused_with_the_labs_rule(
    client, lab, url, message
):
    response = submit(
        client,
        lab,
        url,
        criteria=None,
        **{f"evidence_{lab.paper.pk}": None, f"evidence_{lab.competitions.pk}": None},
    )
    assert response.status_code == 422
    assert errors_of(response, "criteria") == ["no_criterion"]
    assert message in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "你勾选了这项要求，请在此填写证明材料。"),
        ("/en/apply/", "You ticked this criterion: give your evidence for it here."),
    ],
)
def test_a_ticked_criterion_without_evidence_is_refused(client, lab, url, message):
    response = submit(client, lab, url, **{f"evidence_{lab.paper.pk}": "   "})
    assert response.status_code == 422
    assert errors_of(response, f"evidence_{lab.paper.pk}") == ["evidence_required"]
    assert message in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "证明材料太短，无法判断：请至少写 10 个字。"),
        ("/en/apply/", "Your evidence is too short to judge: write at least 10 characters."),
    ],
)
def test_evidence_too_short_to_judge_is_refused(client, lab, url, message):
    response = submit(client, lab, url, **{f"evidence_{lab.paper.pk}": "ICML"})
    assert response.status_code == 422
    assert errors_of(response, f"evidence_{lab.paper.pk}") == ["evidence_too_short"]
    assert message in response.content.decode()


def test_chinese_evidence_counts_each_character(client, lab):
    ten = "获得天池比赛第一名奖"
    nine = ten[:9]
    refused = submit(client, lab, **{f"evidence_{lab.competitions.pk}": nine})
    assert errors_of(refused, f"evidence_{lab.competitions.pk}") == ["evidence_too_short"]
    accepted = submit(client, lab, **{f"evidence_{lab.competitions.pk}": ten})
    assert accepted.status_code == 302


@pytest.mark.parametrize(
    "evidence",
    [
        "Paper link: ftp://example.org/paper.pdf",
        "Paper: https://not a url",
        "见 https://",
        "Repo: htps://github.com/lihua/project",
        "Link: http://exa mple.com is my page",
    ],
)
def test_evidence_with_a_link_that_is_not_a_valid_web_address_is_refused(client, lab, evidence):
    response = submit(client, lab, **{f"evidence_{lab.paper.pk}": evidence})
    assert response.status_code == 422
    assert errors_of(response, f"evidence_{lab.paper.pk}") == ["evidence_invalid_link"]
    assert "is not a valid web address" in response.content.decode()
    assert not Application.objects.exists()


def test_the_invalid_link_message_is_in_chinese_on_the_chinese_page(client, lab):
    response = submit(client, lab, "/apply/", **{f"evidence_{lab.paper.pk}": "论文 ftp://x.org/p"})
    assert "“ftp://x.org/p”不是有效的网址。链接请写完整，以 http:// 或 https:// 开头。" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "evidence",
    [
        "ICLR 2024 第一作者，论文链接https://openreview.net/forum?id=abc123，欢迎查看",
        "Project: www.github.com/lihua/sgl-extension (500 stars).",
        "No link at all, but a long enough description.",
        "GitHub: https://github.com/lihua/project.",
    ],
)
def test_evidence_with_valid_links_or_no_link_is_accepted(client, lab, evidence):
    response = submit(client, lab, **{f"evidence_{lab.paper.pk}": evidence})
    assert response.status_code == 302, response.context["form"].errors


def test_evidence_for_a_criterion_not_ticked_is_refused_so_nothing_is_lost_silently(client, lab):
    response = submit(
        client, lab, **{f"evidence_{lab.internship.pk}": "Interned at a lab for six months."}
    )
    assert response.status_code == 422
    assert errors_of(response, f"evidence_{lab.internship.pk}") == ["evidence_without_criterion"]


def test_an_unknown_criterion_is_refused(client, lab):
    response = submit(client, lab, criteria=[str(lab.paper.pk), "99999"])
    assert response.status_code == 422
    assert errors_of(response, "criteria") == ["invalid_choice"]
    assert not Application.objects.exists()


def test_an_inactive_criterion_cannot_be_claimed(client, lab):
    lab.paper.is_active = False
    lab.paper.save()
    response = submit(client, lab)
    assert response.status_code == 422
    assert errors_of(response, "criteria") == ["invalid_choice"]


def test_evidence_longer_than_the_limit_is_refused(client, lab):
    response = submit(client, lab, **{f"evidence_{lab.paper.pk}": "x" * 1001})
    assert response.status_code == 422
    assert errors_of(response, f"evidence_{lab.paper.pk}") == ["max_length"]

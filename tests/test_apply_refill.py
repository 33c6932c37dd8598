"""After a refusal the applicant finds everything they typed again, and a list of what to fix."""

import re

import pytest

from tests.submissions import application_data


@pytest.fixture
def refused(client, lab):
    """An application refused for its start date only."""
    data = application_data(lab, start_date="2000-01-01")
    data["criteria"] = [str(lab.paper.pk), str(lab.competitions.pk)]
    response = client.post("/en/apply/", data)
    assert response.status_code == 422
    return response.content.decode()


def test_every_text_typed_is_shown_again(refused):
    for value in [
        "李华",
        "li.hua@example.edu.cn",
        "+86 138 0000 0000",
        "lihua_2024",
        "北京大学",
        "计算机科学",
        "https://lihua.example.edu.cn/",
        "https://github.com/lihua",
        'value="2000-01-01"',
        'name="year_of_study" value="2"',
        'name="graduation_year" value="2027"',
        'name="duration_months" value="6"',
    ]:
        assert value in refused, value
    assert ">\n我对以数据为中心的机器学习很感兴趣。</textarea>" in refused


def test_every_choice_made_is_shown_again(refused, lab):
    assert '<option value="master" selected>' in refused
    assert re.search(r'name="position" value="ra"\s+id="id_position_0"[^>]*checked', refused)
    assert re.search(r'name="work_mode" value="onsite"\s+id="id_work_mode_0"[^>]*checked', refused)
    for direction in (lab.general, lab.science):
        assert re.search(rf'name="directions" value="{direction.pk}"[^>]*checked', refused)
    assert not re.search(rf'name="directions" value="{lab.aigc.pk}"[^>]*checked', refused)
    assert re.search(r'<input type="checkbox" name="consent"[^>]*checked', refused)


def test_the_criteria_ticked_and_their_evidence_are_shown_again(refused, lab):
    for requirement in (lab.paper, lab.competitions):
        assert re.search(rf'name="criteria" value="{requirement.pk}"[^>]*checked', refused)
    assert not re.search(rf'name="criteria" value="{lab.internship.pk}"[^>]*checked', refused)
    assert "NeurIPS 2023, first author: https://arxiv.org/abs/2301.00001</textarea>" in refused
    assert "Kaggle 比赛银牌，排名前 3%</textarea>" in refused


def test_the_page_asks_for_the_cv_again_next_to_its_field(refused):
    notice = "Please attach your CV again: for your privacy, a file is not kept when the form is sent back to you."
    assert notice in refused
    between = refused[refused.index(notice) : refused.index('<input type="file" name="cv"')]
    assert "<input" not in between  # directly before the file field


def test_the_cv_notice_is_in_chinese_on_the_chinese_page(client, lab):
    response = client.post("/apply/", application_data(lab, start_date="2000-01-01"))
    assert (
        "请重新上传简历：为保护你的隐私，表单被退回时不会保留已上传的文件。"
        in response.content.decode()
    )


def test_a_fresh_form_does_not_ask_to_attach_the_cv_again(client, lab):
    assert "attach your CV again" not in client.get("/en/apply/").content.decode()


def test_the_error_summary_at_the_top_links_to_each_field_in_error(client, lab):
    data = application_data(lab, start_date="2000-01-01", full_name="", consent=None)
    html = client.post("/en/apply/", data).content.decode()
    summary = html[html.index('id="error-summary"') : html.index("<form")]
    assert (
        'role="alert"' in html[html.index('<div class="alert alert-danger error-summary"') :][:200]
    )
    assert "Your application was not sent. Please correct the following:" in summary
    anchors = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert anchors == [
        ("id_full_name", "Full name"),
        ("id_start_date", "Earliest start date"),
        ("id_consent", "Privacy notice"),
    ]
    for anchor, _label in anchors:
        assert f'id="{anchor}"' in html


def test_the_summary_links_a_missing_criterion_to_the_first_checkbox(client, lab):
    data = application_data(lab, criteria=None)
    data.pop(f"evidence_{lab.paper.pk}")
    data.pop(f"evidence_{lab.competitions.pk}")
    html = client.post("/en/apply/", data).content.decode()
    assert '<a href="#id_criteria_0">The criteria you meet</a>' in html
    assert 'id="id_criteria_0"' in html


def test_each_error_is_shown_next_to_its_field(client, lab):
    html = client.post(
        "/en/apply/", application_data(lab, start_date="2000-01-01")
    ).content.decode()
    field = html[html.index('id="div_id_start_date"') :]
    field = field[: field.index("</div> </div>")]
    assert "The start date cannot be in the past." in field
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_start_date_helptext id_start_date_error"' in field


def test_the_summary_lists_errors_in_the_order_of_the_page(client, lab):
    data = application_data(
        lab, full_name="", consent=None, **{f"evidence_{lab.paper.pk}": "short"}
    )
    html = client.post("/en/apply/", data).content.decode()
    summary = html[html.index('id="error-summary"') : html.index("<form")]
    anchors = re.findall(r'<a href="#([^"]+)">', summary)
    assert anchors == ["id_full_name", f"id_evidence_{lab.paper.pk}", "id_consent"]

"""The checks on the form's other fields, each accepted and refused, in both languages."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from recruiting.models import Application
from tests.submissions import errors_of, submit

# Frozen (time_machine): the test and the site read the same "today", even at midnight.
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def test_a_complete_application_is_accepted(client, lab):
    response = submit(client, lab)
    assert response.status_code == 302
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "开始日期不能早于今天。"),
        ("/en/apply/", "The start date cannot be in the past."),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_a_start_date_in_the_past_is_refused(client, lab, url, message):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = submit(client, lab, url, start_date=yesterday.isoformat())
    assert response.status_code == 422
    assert errors_of(response, "start_date") == ["start_in_past"]
    assert message in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_start_date_of_today_is_accepted(client, lab):
    response = submit(client, lab, start_date=timezone.localdate().isoformat())
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "该职位目前不接受申请。请从开放的职位中选择。"),
        (
            "/en/apply/",
            "This position is not open for applications. Choose one of the open positions.",
        ),
    ],
)
def test_a_closed_position_is_refused(client, lab, url, message):
    lab.intern.is_open = False
    lab.intern.save()
    response = submit(client, lab, url, position="intern")
    assert response.status_code == 422
    assert errors_of(response, "position") == ["invalid_choice"]
    assert message in response.content.decode()
    assert not Application.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_position_past_its_deadline_is_refused(client, lab):
    lab.intern.deadline = timezone.localdate() - datetime.timedelta(days=1)
    lab.intern.save()
    response = submit(client, lab, position="intern")
    assert errors_of(response, "position") == ["invalid_choice"]


def test_an_unknown_position_is_refused(client, lab):
    response = submit(client, lab, position="professor")
    assert errors_of(response, "position") == ["invalid_choice"]


def test_at_least_one_research_direction_is_required(client, lab):
    response = submit(client, lab, directions=None)
    assert errors_of(response, "directions") == ["required"]


def test_a_direction_with_branches_cannot_be_chosen_itself(client, lab):
    response = submit(client, lab, directions=[str(lab.applications.pk)])
    assert errors_of(response, "directions") == ["invalid_choice"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "请勾选此项以同意隐私声明：未经同意，我们无法处理你的申请。"),
        (
            "/en/apply/",
            "Tick this box to agree to the privacy notice: we cannot process an application without it.",
        ),
    ],
)
def test_an_application_without_consent_is_refused(client, lab, url, message):
    response = submit(client, lab, url, consent=None)
    assert response.status_code == 422
    assert errors_of(response, "consent") == ["required"]
    assert message in response.content.decode()


@pytest.mark.parametrize("field", ["homepage", "github", "scholar"])
def test_links_must_be_web_addresses(client, lab, field):
    response = submit(client, lab, **{field: "ftp://files.example.org/me"})
    assert response.status_code == 422
    assert "invalid" in errors_of(response, field)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "请输入以 http:// 或 https:// 开头的完整网址。"),
        ("/en/apply/", "Enter a full web address that starts with http:// or https://."),
    ],
)
def test_the_link_message_is_in_the_pages_language(client, lab, url, message):
    response = submit(client, lab, url, github="javascript:alert(1)")
    assert message in response.content.decode()


def test_a_link_without_a_scheme_is_taken_as_https(client, lab):
    response = submit(client, lab, github="github.com/lihua")
    assert response.status_code == 302
    assert Application.objects.get().github == "https://github.com/lihua"


def test_links_are_optional(client, lab):
    response = submit(client, lab, homepage="", github="", scholar=None)
    assert response.status_code == 302


@pytest.mark.parametrize("phone", ["call me", "123", "+86 138-0000-0000 ext. 5"])
def test_a_phone_number_must_look_like_one(client, lab, phone):
    response = submit(client, lab, phone=phone)
    assert errors_of(response, "phone") == ["invalid_phone"]


@pytest.mark.parametrize("phone", ["", "13800000000", "+86 (10) 6275-1234"])
def test_phone_numbers_in_usual_forms_are_accepted(client, lab, phone):
    assert submit(client, lab, phone=phone).status_code == 302


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("full_name", 100),
        ("wechat", 50),
        ("school", 150),
        ("major", 150),
        ("statement", 2000),
        ("homepage", 200),
    ],
)
def test_every_text_field_has_a_length_limit(client, lab, field, limit):
    value = "https://example.org/" + "a" * limit if field == "homepage" else "长" * (limit + 1)
    response = submit(client, lab, **{field: value})
    assert response.status_code == 422
    assert "max_length" in errors_of(response, field)


def test_a_statement_of_exactly_the_limit_is_accepted(client, lab):
    assert submit(client, lab, statement="字" * 2000).status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("year_of_study", "two", "invalid"),
        ("year_of_study", "0", "min_value"),
        ("graduation_year", "1e9", "invalid"),
        ("duration_months", "61", "max_value"),
        ("duration_months", "99999999999999999999999", "max_value"),
        ("degree", "professor", "invalid_choice"),
        ("work_mode", "moon", "invalid_choice"),
        ("start_date", "2025-13-45", "invalid"),
        ("email", "not-an-address", "invalid"),
        ("full_name", "bad\x00name", "null_characters_not_allowed"),
    ],
)
def test_wrong_types_and_unknown_choices_are_refused_with_a_message(
    client, lab, field, value, code
):
    response = submit(client, lab, **{field: value})
    assert response.status_code == 422
    assert code in errors_of(response, field)
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "field",
    [
        "full_name",
        "email",
        "school",
        "major",
        "degree",
        "year_of_study",
        "graduation_year",
        "position",
        "start_date",
        "duration_months",
        "work_mode",
        "statement",
    ],
)
def test_required_fields_are_required(client, lab, field):
    response = submit(client, lab, **{field: None})
    assert response.status_code == 422
    assert errors_of(response, field) == ["required"]


@pytest.mark.parametrize("field", ["full_name", "school", "major", "wechat", "phone"])
@pytest.mark.parametrize(
    "value",
    [
        "李华\r\nBcc: victim@example.org",
        "Li Hua\nVisit https://evil.example",
        "Li\u2028Hua",  # a Unicode line separator
        "Li\u202eauH",  # a right-to-left override, which reverses what follows
        "Li\tHua",
    ],
    ids=["crlf", "newline", "line-separator", "bidi-override", "tab"],
)
def test_a_single_line_field_refuses_line_breaks_and_control_characters(client, lab, field, value):
    response = submit(client, lab, **{field: value})
    assert response.status_code == 422
    assert "not_single_line" in errors_of(response, field)
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "请写在一行内，不要包含换行或控制字符。"),
        ("/en/apply/", "Write this on one line, without line breaks or control characters."),
    ],
)
def test_the_refusal_of_a_line_break_says_why_in_the_applicants_language(
    client, lab, url, message
):
    response = submit(client, lab, url, full_name="李华\n点击领奖")
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "Li Hua https://evil.example/win",
        "www.evil.example",
        "李华 evil.com/prize",
        "Li Hua (bit.ly://x)",
    ],
)
def test_a_name_with_a_web_address_is_refused(client, lab, name):
    response = submit(client, lab, full_name=name)
    assert response.status_code == 422
    assert errors_of(response, "full_name") == ["name_with_link"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "姓名中不能包含网址。"),
        ("/en/apply/", "Your name cannot contain a web address."),
    ],
)
def test_the_refusal_of_a_web_address_in_a_name_is_translated(client, lab, url, message):
    response = submit(client, lab, url, full_name="李华 www.example.cn")
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "name", ["李华", "Mary-Jane O'Neill", "J. R. R. Tolkien", "欧阳 娜娜", "Zoë Ångström"]
)
def test_ordinary_names_are_accepted(client, lab, name):
    assert submit(client, lab, full_name=name).status_code == 302

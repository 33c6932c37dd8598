"""
Small factories for the application tests: the lab's positions, research directions and
criteria (in both languages, as the source post gives them), a PDF to upload and the
data of a form that passes every check.
"""

import datetime
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from recruiting.models import Application, Position, Requirement, ResearchDirection

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def make_position(slug="ra", zh="研究助理（RA）", en="Research assistant (RA)", **fields):
    return Position.objects.create(slug=slug, title_zh_hans=zh, title_en=en, **fields)


def make_direction(slug, zh, en, parent=None, order=0):
    return ResearchDirection.objects.create(
        slug=slug, title_zh_hans=zh, title_en=en, parent=parent, order=order
    )


def make_requirement(
    order, zh, en, keywords="", prompt_zh="请给出证据。", prompt_en="Your evidence."
):
    return Requirement.objects.create(
        order=order,
        short_title_zh_hans=zh,
        short_title_en=en,
        text_zh_hans=f"{zh}。",
        text_en=f"{en}.",
        evidence_prompt_zh_hans=prompt_zh,
        evidence_prompt_en=prompt_en,
        keywords=keywords,
    )


def make_lab_content():
    """Positions, directions and the five criteria; returns them by name."""
    ra = make_position("ra", order=1)
    intern = make_position("intern", "实习生", "Intern", order=2)
    general = make_direction("general-dcml", "General DCML", "General DCML", order=1)
    applications = make_direction(
        "dcml-applications", "DCML Applications", "DCML Applications", order=2
    )
    science = make_direction("for-science", "For Science", "For Science", applications, 1)
    aigc = make_direction("for-aigc", "For AIGC", "For AIGC", applications, 2)
    systems = make_direction("dcml-systems", "DCML Systems", "DCML Systems", order=3)
    paper = make_requirement(
        1,
        "顶会论文",
        "Top-venue paper",
        "ICML, NeurIPS, ICLR, CVPR, ICCV, WWW, KDD, SIGMOD, VLDB",
        "会议名称与年份、论文题目和链接。",
        "The conference and year, the paper's title and link.",
    )
    research = make_requirement(2, "研究与开源经验", "Research and open source", "PyTorch")
    internship = make_requirement(3, "实习成果", "Internship results")
    competitions = make_requirement(
        4, "竞赛成绩", "Competitions", "Kaggle, 天池, OGB, ACM, NOI, NOIP"
    )
    drive = make_requirement(5, "科研热情", "Drive for research")
    return SimpleNamespace(
        ra=ra,
        intern=intern,
        general=general,
        applications=applications,
        science=science,
        aigc=aigc,
        systems=systems,
        paper=paper,
        research=research,
        internship=internship,
        competitions=competitions,
        drive=drive,
        requirements=[paper, research, internship, competitions, drive],
    )


def pdf_upload(name="My CV.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def application_data(lab, **overrides):
    """The POST data of an application that passes every check (CV included)."""
    data = {
        "full_name": "李华",
        "email": "li.hua@example.edu.cn",
        "phone": "+86 138 0000 0000",
        "wechat": "lihua_2024",
        "school": "北京大学",
        "major": "计算机科学",
        "degree": "master",
        "year_of_study": "2",
        "graduation_year": "2027",
        "position": lab.ra.slug,
        "directions": [str(lab.general.pk), str(lab.science.pk)],
        "criteria": [str(lab.paper.pk), str(lab.competitions.pk)],
        f"evidence_{lab.paper.pk}": "NeurIPS 2023, first author: https://arxiv.org/abs/2301.00001",
        f"evidence_{lab.competitions.pk}": "Kaggle 比赛银牌，排名前 3%",
        "start_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "duration_months": "6",
        "work_mode": "onsite",
        "homepage": "https://lihua.example.edu.cn/",
        "github": "https://github.com/lihua",
        "scholar": "",
        "statement": "我对以数据为中心的机器学习很感兴趣。",
        "cv": pdf_upload(),
        "consent": "on",
        "website": "",
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def make_application(lab, **fields):
    """An application saved directly, as if sent through the form earlier."""
    values = {
        "position": lab.ra,
        "full_name": "王明",
        "email": "wang.ming@example.com",
        "school": "清华大学",
        "major": "软件工程",
        "degree": Application.Degree.BACHELOR,
        "year_of_study": 3,
        "graduation_year": 2026,
        "start_date": timezone.localdate(),
        "duration_months": 6,
        "work_mode": Application.WorkMode.REMOTE,
        "statement": "Statement.",
        "cv": "2025/01/0123456789abcdef0123456789abcdef.pdf",
        "consent_at": timezone.now(),
        "privacy_notice_version": "1",
        "priority": 1,
    }
    values.update(fields)
    return Application.objects.create(**values)


def stored_files(storage):
    """Every file under the storage's directory, as paths relative to it."""
    root = storage.base_location
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def submit(client, lab, url="/en/apply/", **overrides):
    """Send the application form; overrides change or (with None) drop fields."""
    return client.post(url, application_data(lab, **overrides))


def errors_of(response, field):
    """The errors the refused form carries for one field (its codes)."""
    form = response.context["form"]
    return [error.code for error in form.errors.as_data().get(field, [])]

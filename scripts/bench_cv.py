"""
How long opening a CV takes: `cvcheck.check` (at submit) and `cvcheck.read` (in the
worker) for a 1-page, a 10-page and a 10 MB CV, and `check` of a compression bomb.

    .venv/bin/python scripts/bench_cv.py [--runs 7]

The CVs are the tests' (tests/pdfs.py); the bounds are the settings' (CV_CHECK_*,
CV_READ_*). "check" is what a submit pays: a child forked by the warm zygote examines the
file. "check, cold" starts the zygote first: what the first submit of a process pays.
"corroborate" checks one claim per criterion of the post against the text read (the rest
of the worker's task). Prints the median of each in ms.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DJANGO_SETTINGS_MODULE"] = "labsite.test_settings"

import django  # noqa: E402

django.setup()

from recruiting import corroboration, cvcheck, seed  # noqa: E402
from tests import pdfs  # noqa: E402

# One claim per criterion of the lab's post, as an applicant might write it.
EVIDENCE = [
    "NeurIPS 2023，第一作者：https://arxiv.org/abs/2301.00001",
    "graphkit，基于 PyTorch：https://github.com/lihua",
    "字节跳动实习，负责训练系统优化。",
    "Kaggle 金牌，天池大赛第二名。",
    "我想研究以数据为中心的机器学习。",
]


def median_ms(runs, call, before=lambda: None):
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        report = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), report


def without_zygote():
    with cvcheck._zygote_lock:
        if cvcheck._zygote is not None:
            cvcheck._zygote.stop()
            cvcheck._zygote = None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    cases = [
        ("1 page", pdfs.cv(pdfs.CHINESE_CV, links=["https://github.com/lihua"]), True),
        ("10 pages", pdfs.ten_pages(), True),
        ("10 MB", pdfs.big_cv(), True),
        ("bomb", pdfs.compression_bomb(), False),
    ]
    print(
        f"{'CV':<10}{'bytes':>11}{'check':>9}{'check, cold':>13}{'read':>9}"
        f"{'corroborate':>13}  outcome"
    )
    for name, data, readable in cases:
        cvcheck.check(data)  # a warm zygote for the first run
        check, report = median_ms(runs, lambda data=data: cvcheck.check(data))
        cold, _ = median_ms(runs, lambda data=data: cvcheck.check(data), without_zygote)
        read, text = (
            median_ms(runs, lambda data=data: cvcheck.read(data)) if readable else (None, None)
        )
        outcome = report.problem or f"accepted, pages={report.pages}"
        read_text = f"{read:9.0f}" if read is not None else f"{'-':>9}"
        checked = (
            f"{median_ms(runs, lambda text=text: corroborate(text))[0]:13.1f}"
            if text
            else f"{'-':>13}"
        )
        print(f"{name:<10}{len(data):>11,}{check:9.0f}{cold:13.0f}{read_text}{checked}  {outcome}")


def corroborate(report):
    for entry, evidence in zip(seed.REQUIREMENTS, EVIDENCE, strict=True):
        corroboration.corroborate(
            keywords=entry["keywords"],
            main_author=entry.get("main_author", False),
            evidence=evidence,
            cv_text=report.text,
            cv_links=report.links,
        )
    return report


if __name__ == "__main__":
    main()

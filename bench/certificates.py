"""How fast a sitting's certificates are issued and printed.

1,000 passed results (default) of the 2026-12-19 sitting, spread over the twelve subjects,
each with an application photo, in a throwaway SQLite database and media directory (or
DATABASE_URL if set):
    .venv/bin/python bench/certificates.py [count]
Setting up is not timed. Timed: services.issue for every result (numbered, signed,
audited: what the periodic task does on the certificate date), then services.pdf_of for
every certificate (WeasyPrint, font subsetting, the file saved). Ends with RESULT lines.
"""

import hashlib
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 1000

os.environ.setdefault("CERTIFICATE_PRINT_ON_ISSUE", "0")  # the bench prints them itself, timed
os.environ.setdefault("CARBONCERT_VAR", tempfile.mkdtemp(prefix="carboncert-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carboncert.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from carboncert import testing  # noqa: E402
from carboncert.accounts.models import Person  # noqa: E402
from carboncert.catalog.models import Subject  # noqa: E402
from carboncert.catalog.services import load_catalogue  # noqa: E402
from carboncert.certificates import services  # noqa: E402
from carboncert.certificates.models import Certificate  # noqa: E402
from carboncert.grading.models import Result  # noqa: E402
from carboncert.registration.models import Application, Document  # noqa: E402
from carboncert.sittings.models import Sitting  # noqa: E402
from carboncert.sittings.services import generate_sittings  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文辉力晓云鹏飞红梅宇浩然子涵欣怡雨轩思远博文俊杰嘉怡佳琪梓萱一诺晨曦志强海燕丹凤玉兰春生秋实冬梅"


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


@transaction.atomic
def passed_results(sitting, subjects) -> list[Result]:
    rng = random.Random(7)
    institution = testing.institution()
    people = []
    for n in range(COUNT):
        birth = date(1980, 1, 1) + timedelta(days=n // 1000)  # 1,000 people a birthday
        number = testing.id_number(birth=f"{birth:%Y%m%d}", sequence=n % 1000)
        person = Person(id_number=number, name=name(rng))
        person.save()  # gender and birth date from the number
        people.append(person)
    applications = Application.objects.bulk_create(
        [
            Application(person=p, institution=institution, sitting=sitting,
                        subject=subjects[n % len(subjects)], status=Application.Status.APPROVED,
                        phone="13800000000", education="本科", ticket_number=f"T{n:07d}")
            for n, p in enumerate(people)
        ],
        batch_size=500,
    )  # fmt: skip
    for n, application in enumerate(applications):
        data = testing.id_photo(n)
        document = Document(application=application, kind=Document.Kind.PHOTO,
                            content_type="image/jpeg", size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), width=295, height=413)  # fmt: skip
        document.file.save("photo.jpg", ContentFile(data), save=False)
        document.save()
    now = timezone.now()
    return Result.objects.bulk_create(
        [
            Result(application=a, sitting=sitting, total=60 + n % 40,
                   outcome=Result.Outcome.PASSED, computed_at=now)
            for n, a in enumerate(applications)
        ],
        batch_size=500,
    )  # fmt: skip


def main() -> None:
    call_command("migrate", verbosity=0)
    load_catalogue()
    generate_sittings(2026)
    sitting = Sitting.objects.get(date="2026-12-19")
    subjects = list(Subject.objects.order_by("code"))
    started = time.perf_counter()
    results = passed_results(sitting, subjects)
    print(f"set-up: {len(results)} passed results over {len(subjects)} subjects, with photos, "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    on = date(2027, 2, 20)
    started = time.perf_counter()
    issued = [services.issue(result, on=on) for result in results]
    issue_seconds = time.perf_counter() - started
    assert all(issued) and Certificate.objects.count() == COUNT
    print(f"issued {COUNT} certificates in {issue_seconds:.2f} s")

    certificates = Certificate.objects.select_related(
        "application", "subject__specialty", "subject__level"
    ).order_by("number")
    started = time.perf_counter()
    sizes = [len(services.pdf_of(certificate)) for certificate in certificates]
    pdf_seconds = time.perf_counter() - started
    assert len(sizes) == COUNT
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    mean_kb = sum(sizes) / len(sizes) / 1024
    print(f"printed {len(sizes)} PDFs in {pdf_seconds:.1f} s, "
          f"{pdf_seconds / len(sizes) * 1000:.0f} ms each; size min {min(sizes) / 1024:.0f} KB, "
          f"mean {mean_kb:.0f} KB, max {max(sizes) / 1024:.0f} KB, "
          f"total {sum(sizes) / 1024 / 1024:.0f} MB")  # fmt: skip
    print(f"peak RSS {peak_mb:.0f} MB; database: {django.db.connection.vendor}")
    print(f"RESULT certificates_issued_per_second {COUNT / issue_seconds:.1f} /s")
    print(f"RESULT pdfs_per_second {len(sizes) / pdf_seconds:.2f} /s")
    print(f"RESULT pdf_mean_ms {pdf_seconds / len(sizes) * 1000:.0f} ms")
    print(f"RESULT pdf_mean_kb {mean_kb:.0f} KB")


if __name__ == "__main__":
    main()

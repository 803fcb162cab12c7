"""How long an institution waits for a 1,000-application spreadsheet (with photos) to be checked and imported.

Runs against a throwaway SQLite database (or DATABASE_URL if set), on this machine:
    .venv/bin/python bench/import_batch.py [rows]
Ends with RESULT lines: check and import seconds, and applications per second.
"""

import io
import os
import sys
import tempfile
import time
import zipfile
from datetime import date
from decimal import Decimal

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000

os.environ.setdefault("CARBONCERT_VAR", tempfile.mkdtemp(prefix="carboncert-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carboncert.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from PIL import Image  # noqa: E402

from carboncert import testing  # noqa: E402
from carboncert.accounts import roles  # noqa: E402
from carboncert.accounts.idcard import with_check_digit  # noqa: E402
from carboncert.catalog.models import Subject  # noqa: E402
from carboncert.catalog.services import load_catalogue  # noqa: E402
from carboncert.registration import batch, importing  # noqa: E402
from carboncert.registration.models import Application, ImportBatch, SubjectFee  # noqa: E402
from carboncert.sittings.models import Sitting  # noqa: E402
from carboncert.sittings.services import generate_sittings  # noqa: E402


def photo(n: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (413, 579), (40 + n % 50, 90, 200)).save(out, "JPEG", quality=90)
    return out.getvalue()


def main() -> None:
    call_command("migrate", verbosity=0)
    load_catalogue()
    year = timezone.localdate().year
    generate_sittings(year)
    generate_sittings(year + 1)
    sitting = (
        Sitting.objects.filter(registration_closes_at__gt=timezone.now()).order_by("date").first()
    )
    for subject in Subject.objects.all():
        SubjectFee.objects.get_or_create(subject=subject, defaults={"amount": Decimal("800")})
    staff = testing.staff(
        f"bench-{time.time_ns()}", roles.INSTITUTION, testing.institution("bench", "压测机构")
    )

    headers = [column.header for column in batch.COLUMNS]
    book = Workbook()
    sheet = book.active
    sheet.title = batch.SHEET
    sheet.append(headers)
    archive_bytes = io.BytesIO()
    with zipfile.ZipFile(archive_bytes, "w") as archive:
        for n in range(ROWS):
            number = with_check_digit(
                f"3201021990{n // 1000 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
            )
            cells = {
                "姓名": f"考生{n}",
                "身份证号码": number,
                "手机号码": f"139{n:08d}",
                "报考科目": "碳排放管理技术（初级）",
                "学历": "本科",
                "毕业时间": date(2010, 7, 1),
                "相关工作年限": 3,
            }
            sheet.append([cells.get(h) for h in headers])
            archive.writestr(f"{number}_照片.jpg", photo(n))
    workbook_bytes = io.BytesIO()
    book.save(workbook_bytes)
    print(
        f"sitting {sitting.date}, {ROWS} rows, workbook {len(workbook_bytes.getvalue()) // 1024} KB, "
        f"ZIP {len(archive_bytes.getvalue()) // 1024} KB"
    )

    import_batch = ImportBatch(
        institution=staff.institution,
        sitting=sitting,
        uploaded_by=staff,
        workbook_name="bench.xlsx",
    )
    import_batch.workbook.save("bench.xlsx", ContentFile(workbook_bytes.getvalue()), save=False)
    import_batch.documents.save("bench.zip", ContentFile(archive_bytes.getvalue()), save=False)
    import_batch.save()

    started = time.perf_counter()
    checked = importing.run_check(import_batch.pk)
    check_seconds = time.perf_counter() - started
    print(
        f"check: {checked.rows_valid}/{checked.rows_total} valid, {len(checked.problems)} problems, "
        f"{check_seconds:.1f} s; last progress {importing.progress_of(import_batch.pk)}"
    )
    for problem in checked.problems[:5]:
        print("  problem:", problem)

    importing.start_import(checked)
    started = time.perf_counter()
    done = importing.run_import(import_batch.pk, only_valid=False, by=staff)
    import_seconds = time.perf_counter() - started
    imported = Application.objects.filter(institution=staff.institution, sitting=sitting).count()
    print(
        f"import: status {done.status}, {imported} applications, {import_seconds:.1f} s; "
        f"last progress {importing.progress_of(import_batch.pk)}"
    )
    print(f"RESULT check_seconds {check_seconds:.2f} s")
    print(f"RESULT import_seconds {import_seconds:.2f} s")
    print(f"RESULT total_seconds {check_seconds + import_seconds:.2f} s")
    print(f"RESULT applications_imported {imported} count")


if __name__ == "__main__":
    main()

"""The institution's candidates as a spreadsheet."""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import services

HEADERS = [
    ("姓名", 10),
    ("身份证号码", 22),
    ("性别", 6),
    ("手机号码", 14),
    ("报考科目", 26),
    ("科目代码", 9),
    ("学历", 8),
    ("状态", 10),
    ("审核意见", 30),
    ("缺少材料", 30),
    ("准考证号", 20),
    ("提交时间", 17),
]


def safe(value: str) -> str:
    # A cell that starts like a formula would run in the reader's spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def new_sheet(title: str, headers: list[tuple[str, int]]):
    """A workbook of one sheet: bold headers of these widths, frozen above the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([h for h, _ in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return workbook, sheet


def applications_xlsx(applications) -> bytes:
    workbook, sheet = new_sheet("报名名单", HEADERS)
    row = sheet.max_row  # counted here: max_row scans every cell, each time
    for a in applications:
        row += 1
        submitted = (
            timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else ""
        )
        sheet.append(
            [
                safe(a.person.name),
                a.person.id_number,
                a.person.get_gender_display(),
                a.phone,
                str(a.subject),
                a.subject.code,
                a.education,
                a.get_status_display(),
                safe(a.reject_note or ""),
                "、".join(services.missing_documents(a)),
                a.ticket_number or "",
                submitted,
            ]
        )
        # ID numbers and phones are text: as numbers Excel would round them.
        for column in (2, 4, 11):
            sheet.cell(row=row, column=column).number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

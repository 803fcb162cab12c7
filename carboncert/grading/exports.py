"""An institution's candidates' results as a spreadsheet."""

import io

from carboncert.registration.exports import new_sheet, safe

HEADERS = [("姓名", 10), ("身份证号码", 22), ("准考证号", 20), ("考试批次", 24), ("报考科目", 26),
           ("客观题", 8), ("简答题", 8), ("总分", 8), ("结果", 14), ("模块得分", 60)]  # fmt: skip


def results_xlsx(results) -> bytes:
    workbook, sheet = new_sheet("考核成绩", HEADERS)
    row = sheet.max_row  # counted here: max_row scans every cell, each time
    for r in results:
        row += 1
        a = r.application
        absent = r.outcome == r.Outcome.ABSENT
        sheet.append([
            safe(a.person.name), a.person.id_number, a.ticket_number or "", str(r.sitting),
            str(a.subject),
            None if absent else float(r.objective_points),
            None if absent else float(r.subjective_points),
            None if absent else float(r.total),
            r.get_outcome_display(),
            "；".join(f"{m['module']} {m['points']}/{m['max']}" for m in r.modules),
        ])  # fmt: skip
        for column in (2, 3):
            sheet.cell(row=row, column=column).number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

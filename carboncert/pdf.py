"""PDFs from HTML templates (admission tickets, review forms, certificates).

WeasyPrint embeds the fonts it uses, so a PDF reads the same on any machine;
but the server itself must have a Chinese font, or every character would
print as an empty box. We check for one and say so plainly instead.
"""

import base64
import shutil
import subprocess
from functools import cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from PIL import ImageFile


class PdfUnavailable(RuntimeError):
    pass


@cache
def has_chinese_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    result = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10, check=False
    )
    return bool(result.stdout.strip())


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    if not has_chinese_font():
        raise PdfUnavailable(
            "服务器未安装中文字体，无法生成 PDF。请安装 fonts-noto-cjk（Debian/Ubuntu：apt-get install fonts-noto-cjk）。"
        )
    try:
        from weasyprint import HTML
    except OSError as error:  # Pango missing
        raise PdfUnavailable(f"无法加载 PDF 组件（{error}）。请安装 libpango-1.0-0。") from None
    # WeasyPrint's import makes Pillow accept truncated images for the whole process;
    # uploads must keep refusing them, and our PDFs only embed images we re-encoded.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    # Tickets, review forms and certificates are official documents in Chinese, whatever
    # the language of the page that asked for them (dates, weekdays, labels).
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=base_url).write_pdf()


def data_uri(content: bytes, content_type: str) -> str:
    """Embed an image in the HTML, so rendering never fetches a URL."""
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"

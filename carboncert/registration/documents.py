"""Checks on a candidate's application documents (报名资料) before they are stored.

Pure rules, no Django: bytes and the browser's file name in, a CheckedFile to
store or a DocumentRejected with a stable code and a Chinese message out.

What we store must be safe to show to reviewers and to print on a
certificate, so an upload is judged by its content, never by its name:
images are decoded and re-encoded as a fresh JPEG (nothing of the original
file survives but the pixels), PDFs are kept byte for byte but only once they
carry no scripts, launch actions or attachments. The application review form
(报名审核表) is generated from the application, not uploaded, so it has no
kind here.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageFile, ImageOps, ImageStat
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MB = 1024 * 1024
PHOTO_MAX_BYTES = 5 * MB
DOCUMENT_MAX_BYTES = 10 * MB

# Limits the pixels we actually decode: 40 MP is an A4 page scanned at 600 dpi
# (35 MP) with room to spare, and at most ~160 MB of RGBA in memory. Large
# JPEGs are decoded at 1/2..1/8 scale first, so 48/50 MP phone photos pass.
MAX_DECODED_PIXELS = 40_000_000
# 3000 px across an A4 page is ~250 dpi: the small print on a diploma or a
# stamped proof of work stays legible, and the stored file stays ~1-2 MB.
MAX_LONG_SIDE = 3000
JPEG_QUALITY = 90

# The 2-inch photo (35×49 mm) is 413×579 px at 300 dpi. We accept down to
# 295×413 (the same photo at ~215 dpi, also the common 1-inch electronic
# size): enough for face matching and for printing at 2-inch size; smaller
# prints visibly blocky.
PHOTO_MIN_SIZE = (295, 413)
# Width / height of 35×49 mm. ±0.08 admits the sizes studios and apps really
# produce (33×48, 35×53, phone 3:4 crops) and refuses squares and landscapes.
PHOTO_ASPECT = 5 / 7
PHOTO_ASPECT_TOLERANCE = 0.08

MAX_PDF_PAGES = 20
# Readers accept a PDF header anywhere in the first 1024 bytes (PDF 32000 annex H).
PDF_HEADER_WINDOW = 1024


class FileType(StrEnum):
    """What a file is, by its content."""

    JPEG = "jpeg"
    PNG = "png"
    PDF = "pdf"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {FileType.JPEG: "JPG 图片", FileType.PNG: "PNG 图片", FileType.PDF: "PDF 文件"}
_TYPE_SHORT = {FileType.JPEG: "JPG", FileType.PNG: "PNG", FileType.PDF: "PDF"}
_NAME_EXTENSIONS = {
    FileType.JPEG: {"jpg", "jpeg", "jpe", "jfif"},
    FileType.PNG: {"png"},
    FileType.PDF: {"pdf"},
}
_PIL_FORMATS = {FileType.JPEG: "JPEG", FileType.PNG: "PNG"}
IMAGES = frozenset({FileType.JPEG, FileType.PNG})
IMAGES_AND_PDF = frozenset({FileType.JPEG, FileType.PNG, FileType.PDF})


@dataclass(frozen=True)
class KindRule:
    label: str
    max_bytes: int
    accepts: frozenset[FileType]


class DocumentKind(StrEnum):
    ID_CARD_FRONT = "id_card_front"
    ID_CARD_BACK = "id_card_back"
    DIPLOMA = "diploma"
    PHOTO = "photo"
    PROOF_OF_WORK = "proof_of_work"
    OTHER_PROOF = "other_proof"

    @property
    def rule(self) -> KindRule:
        return KIND_RULES[self]

    @property
    def label(self) -> str:
        return KIND_RULES[self].label


KIND_RULES = {
    DocumentKind.ID_CARD_FRONT: KindRule("身份证正面", DOCUMENT_MAX_BYTES, IMAGES_AND_PDF),
    DocumentKind.ID_CARD_BACK: KindRule("身份证反面", DOCUMENT_MAX_BYTES, IMAGES_AND_PDF),
    DocumentKind.DIPLOMA: KindRule("学历证书", DOCUMENT_MAX_BYTES, IMAGES_AND_PDF),
    # Decoded for face verification and printed on the certificate: pixels only.
    DocumentKind.PHOTO: KindRule("二寸蓝底证件照", PHOTO_MAX_BYTES, IMAGES),
    DocumentKind.PROOF_OF_WORK: KindRule("工作证明", DOCUMENT_MAX_BYTES, IMAGES_AND_PDF),
    DocumentKind.OTHER_PROOF: KindRule("其他证明", DOCUMENT_MAX_BYTES, IMAGES_AND_PDF),
}
KIND_CHOICES = [(kind.value, kind.label) for kind in DocumentKind]

REJECTION_CODES = frozenset(
    {
        "empty",
        "too_large",
        "type",
        "extension_mismatch",
        "corrupt",
        "too_many_pixels",
        "too_small",
        "aspect",
        "pdf_encrypted",
        "pdf_script",
        "too_many_pages",
    }
)


class DocumentRejected(Exception):
    """The upload cannot be stored; `message` is shown to the candidate as is."""

    def __init__(self, code: str, message: str):
        assert code in REJECTION_CODES, code
        self.code = code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CheckedFile:
    kind: DocumentKind
    content: bytes  # what to store: a fresh JPEG for images, the upload itself for PDFs
    content_type: str
    extension: str
    uploaded_type: FileType  # what the upload really was (a PNG is stored as JPEG)
    sha256: str  # of `content`
    width: int | None = None
    height: int | None = None
    page_count: int | None = None
    warnings: tuple[str, ...] = ()


def check_upload(kind: DocumentKind | str, data: bytes, filename: str) -> CheckedFile:
    """Check one upload for `kind`; raise DocumentRejected if it cannot be stored."""
    kind = DocumentKind(kind)
    rule = kind.rule
    # Size before anything reads the content: a huge upload costs nothing more.
    if not data:
        raise DocumentRejected("empty", "文件为空（0 字节），请重新选择文件上传")
    if len(data) > rule.max_bytes:
        raise DocumentRejected(
            "too_large",
            f"文件过大：{rule.label}不能超过 {rule.max_bytes // MB} MB，"
            f"当前文件为 {_megabytes(len(data))} MB，请压缩后重新上传",
        )
    file_type = sniff_type(data)
    if file_type is None:
        raise DocumentRejected("type", "仅支持 JPG、PNG 或 PDF 格式的文件")
    if file_type not in rule.accepts:
        allowed = "、".join(_TYPE_SHORT[t] for t in FileType if t in rule.accepts)
        raise DocumentRejected(
            "type",
            f"{rule.label}仅支持 {allowed} 格式，当前文件为 {file_type.label}，请重新选择文件上传",
        )
    if not name_matches(filename, file_type):
        # The name is not trusted for anything, but a mismatch usually means
        # the candidate picked the wrong file or renamed one to get past a
        # filter; either way they should look again.
        raise DocumentRejected(
            "extension_mismatch",
            f"文件扩展名与内容不符：文件实际为 {file_type.label}，请核对后重新上传",
        )
    if file_type is FileType.PDF:
        return _check_pdf(kind, data)
    return _check_image(kind, data, file_type)


def sniff_type(data: bytes) -> FileType | None:
    if data.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return FileType.PDF
    return None


# Only a short ASCII suffix counts as an extension: "张三.身份证正面" claims no type.
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")


def name_matches(filename: str, file_type: FileType) -> bool:
    """False when the file name's extension claims some other type than the content."""
    name = re.split(r"[/\\]", filename)[-1].strip()  # old browsers send C:\fakepath\…
    match = _EXTENSION.search(name)
    return match is None or match[1].lower() in _NAME_EXTENSIONS[file_type]


def _megabytes(size: int) -> str:
    # Rounded up, so a file just over the limit never reads as "10.0 MB".
    return f"{math.ceil(size * 10 / MB) / 10:.1f}"


# --- images ------------------------------------------------------------------


def _check_image(kind: DocumentKind, data: bytes, file_type: FileType) -> CheckedFile:
    try:
        image, warnings = _decode(kind, data, file_type)
    except DocumentRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard, at twice its global MAX_IMAGE_PIXELS (warnings
        # only become errors here if someone configured them so).
        raise DocumentRejected(
            "too_many_pixels",
            f"图片像素过多，超过 {MAX_DECODED_PIXELS // 10_000} 万像素的上限，请缩小后重新上传",
        ) from exc
    except MemoryError:
        raise
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError, struct.error…
        raise DocumentRejected(
            "corrupt", "图片文件已损坏或不完整，无法读取，请重新拍摄或导出后上传"
        ) from exc

    out = io.BytesIO()
    # JPEG save falls back to info["comment"]; nothing of the upload rides along.
    image.info = {}
    # No exif, icc_profile, xmp or comment passed: the file holds pixels only.
    # ICC is dropped too: the rare Display-P3 phone photo loses a little
    # saturation, which matters neither to a reviewer nor to face matching.
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    content = out.getvalue()
    return CheckedFile(
        kind=kind,
        content=content,
        content_type="image/jpeg",
        extension=".jpg",
        uploaded_type=file_type,
        sha256=hashlib.sha256(content).hexdigest(),
        width=image.width,
        height=image.height,
        warnings=tuple(warnings),
    )


def _decode(kind: DocumentKind, data: bytes, file_type: FileType) -> tuple[Image.Image, list[str]]:
    # formats=: only the decoder the magic bytes named may touch the data.
    with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[file_type]]) as image:
        if kind is DocumentKind.PHOTO:
            # Shape checks need only the header; refuse before decoding.
            _check_photo_shape(*_upright_size(image))
        if file_type is FileType.JPEG and max(image.size) > MAX_LONG_SIDE:
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale, never below the target.
            image.draft(None, _fit(image.size, MAX_LONG_SIDE))
        width, height = image.size
        if width * height > MAX_DECODED_PIXELS:
            raise DocumentRejected(
                "too_many_pixels",
                f"图片像素过多：{width}×{height}（约 {width * height // 10_000} 万像素），"
                f"超过 {MAX_DECODED_PIXELS // 10_000} 万像素的上限，请缩小后重新上传",
            )
        # Truncated or corrupt data fails here, but only while Pillow's process-wide
        # LOAD_TRUNCATED_IMAGES is off: WeasyPrint turns it on when it is imported.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        image.load()
        upright = ImageOps.exif_transpose(image)
    rgb = _flatten_to_rgb(upright)
    rgb.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
    warnings = []
    if kind is DocumentKind.PHOTO and not _background_is_blue(rgb):
        warnings.append(
            "证件照背景看起来不是蓝色（照片左上角和右上角不是蓝色）。"
            "证书上须印蓝底证件照，请确认后再提交"
        )
    return rgb, warnings


def _upright_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    # Orientations 5-8 turn the picture a quarter: the stored width is its height.
    if image.getexif().get(0x0112) in (5, 6, 7, 8):
        return height, width
    return width, height


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    scale = long_side / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # 16-bit greyscale scans: a plain convert clips everything above 255 to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", image.size, "white")
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def _check_photo_shape(width: int, height: int) -> None:
    min_width, min_height = PHOTO_MIN_SIZE
    if width < min_width or height < min_height:
        raise DocumentRejected(
            "too_small",
            f"证件照尺寸过小：当前为 {width}×{height} 像素，至少需要 {min_width}×{min_height} 像素"
            f"（二寸照片按 300 dpi 为 413×579 像素），请上传清晰的原图",
        )
    ratio = width / height
    if abs(ratio - PHOTO_ASPECT) > PHOTO_ASPECT_TOLERANCE:
        raise DocumentRejected(
            "aspect",
            f"证件照须为竖版二寸照片，宽高比约 5:7（{PHOTO_ASPECT:.2f}）："
            f"当前为 {width}×{height} 像素，宽高比 {ratio:.2f}，请裁剪后重新上传",
        )


def _background_is_blue(image: Image.Image) -> bool:
    # Only a hint for the candidate: the top corners of a passport-style photo
    # are background. Both must be clearly blue (blue well above red, above green).
    side = max(1, min(image.size) // 10)
    corners = [(0, 0, side, side), (image.width - side, 0, image.width, side)]
    for box in corners:
        red, green, blue = ImageStat.Stat(image.crop(box)).mean
        if not (blue >= 100 and blue >= red + 40 and blue >= green + 10):
            return False
    return True


# --- PDFs --------------------------------------------------------------------

_PDF_SCRIPT_MESSAGE = "PDF 文件包含脚本或附件，出于安全原因不能接收，请另存为普通 PDF 或图片后上传"

# Second line of defence, over the raw bytes: it also sees objects pypdf's view
# of the file leaves out (earlier revisions, unreferenced objects, objects a
# viewer's own xref repair would find). Deliberately strict: the word anywhere
# outside a compressed stream refuses the file; re-saving fixes a false alarm.
# "/JS" must end there, else a font subset tag such as /JSKQWE+SimSun (random
# letters) would refuse one PDF in a few hundred.
_RAW_ACTIVE = re.compile(rb"/JavaScript|/JS(?![A-Za-z0-9])|/Launch|/EmbeddedFile")

# Names that mean code, a program to start, or a file inside the file.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/GoToE", "/RichMediaExecute"}
_ACTIVE_TYPES = {"/EmbeddedFile"}
_ACTIVE_SUBTYPES = {"/FileAttachment", "/RichMedia"}


def _check_pdf(kind: DocumentKind, data: bytes) -> CheckedFile:
    corrupt = DocumentRejected("corrupt", "PDF 文件已损坏或无法解析，请重新导出或另存为 PDF 后上传")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except MemoryError:
        raise
    except Exception as exc:
        raise corrupt from exc
    if encrypted:
        # Encrypted strings and streams cannot be checked, and reviewers would need the password.
        raise DocumentRejected(
            "pdf_encrypted",
            "PDF 文件已加密或设有密码保护，请取消加密后另存为普通 PDF 再上传",
        )
    if _RAW_ACTIVE.search(data):
        raise DocumentRejected("pdf_script", _PDF_SCRIPT_MESSAGE)
    try:
        active = find_active_content(reader)
        page_count = len(reader.pages)
    except MemoryError:
        raise
    except Exception as exc:
        raise corrupt from exc
    if active:
        raise DocumentRejected("pdf_script", _PDF_SCRIPT_MESSAGE)
    if page_count == 0:
        raise DocumentRejected("corrupt", "PDF 文件中没有任何页面，请重新导出后上传")
    if page_count > MAX_PDF_PAGES:
        raise DocumentRejected(
            "too_many_pages",
            f"PDF 文件页数过多：最多 {MAX_PDF_PAGES} 页，当前文件有 {page_count} 页，请删减后重新上传",
        )
    return CheckedFile(
        kind=kind,
        content=data,
        content_type="application/pdf",
        extension=".pdf",
        uploaded_type=FileType.PDF,
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=page_count,
    )


def find_active_content(reader: PdfReader) -> str | None:
    """The first name marking scripts, launch actions or attachments, or None.

    Walks every object the cross-reference table lists and everything the
    trailer reaches, so it covers the catalog's /Names tree, /OpenAction and
    /AA, page and annotation actions alike. pypdf decodes object streams and
    #xx escapes in names (/J#61vaScript), which the raw scan cannot see.
    """
    stack: list = [reader.trailer]
    for generation, numbers in reader.xref.items():
        stack.extend(IndirectObject(number, generation, reader) for number in numbers)
    stack.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen: set[tuple[int, int]] = set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):  # stream dictionaries included
            if found := _active_marker(obj):
                return found
            # values() leaves references unresolved (only [] resolves), so `seen` stops cycles.
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def _active_marker(obj: DictionaryObject) -> str | None:
    for key in obj:
        if key in _ACTIVE_KEYS:
            return key
    for key, names in (
        ("/S", _ACTIVE_ACTIONS),
        ("/Type", _ACTIVE_TYPES),
        ("/Subtype", _ACTIVE_SUBTYPES),
    ):
        value = obj.get(key)
        if isinstance(value, IndirectObject):
            value = value.get_object()
        if isinstance(value, str) and value in names:
            return value
    return None

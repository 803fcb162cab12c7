"""Faces in pictures, offline: how many, how well lit, and whose (dlib's ResNet model).

No database here. An image (JPEG or PNG bytes) becomes a `Look`: the faces
found by dlib's HOG detector, the brightness, a tiny grey thumbnail to tell a
frozen camera by, and the 128-number descriptor of the largest face. Two
descriptors of one person lie closer than about 0.6 (Euclidean); the threshold
is the setting FACE_MATCH_DISTANCE.

The weights ship inside the PyPI package face-recognition-models; they are
found without importing it (its __init__ imports pkg_resources, which current
setuptools no longer has). Loading them takes a second, so once per process.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# Larger pictures are scaled down first: HOG time grows with the pixels, and a face
# that fills a webcam frame is still ~200 px across at this size.
WORKING_SIDE = 640
# Smaller pictures (a 2-inch photo thumbnail) are searched at twice the size too.
UPSAMPLE_BELOW = 360
# HOG scores: real faces score above 1, while a JPEG's blocks can make a shoulder or a
# fold score 0.1–0.2; below this a detection is not counted.
MIN_SCORE = 0.4
DARK_BELOW = 45  # mean luminance 0–255 under which a picture is too dark to judge
# Frozen camera: two snapshots whose grey thumbnails (sampled, not averaged, so that a live
# sensor's noise survives) differ by less than this on average (0–255) are one frame.
THUMB = 48
FROZEN_BELOW = 0.5


class Unreadable(Exception):
    """Not an image Pillow can read."""


@dataclass(frozen=True)
class Look:
    faces: int
    brightness: float
    descriptor: np.ndarray | None  # of the largest face; None without a face
    thumbnail: bytes  # THUMB×THUMB grey levels

    @property
    def dark(self) -> bool:
        return self.brightness < DARK_BELOW


@dataclass(frozen=True)
class Verdict:
    """What a check-in picture says, against the enrolled descriptor."""

    outcome: str  # match | mismatch | no_face | several_faces | dark | unreadable
    distance: float | None = None

    @property
    def passed(self) -> bool:
        return self.outcome == "match"


# What the candidate reads for each outcome, and what to do about it.
MESSAGES = {
    "match": ("人脸核验通过。", ""),
    "mismatch": (
        "人脸与报名照片不一致。",
        "请本人正对摄像头，摘下帽子、口罩和眼镜，保持面部在画面中央后重试。",
    ),
    "no_face": (
        "画面中没有检测到人脸。",
        "请正对摄像头，让面部完整出现在画面中央，距离摄像头约一臂。",
    ),
    "several_faces": (
        "画面中有多张人脸。",
        "考试须独自进行：请确认画面中只有您本人（注意身后的人和照片）。",
    ),
    "dark": (
        "光线太暗，无法看清面部。",
        "请打开房间灯光或面向窗户，避免背对光源。",
    ),
    "unreadable": ("未能读取摄像头画面。", "请检查摄像头后重试。"),
    # Not the model's outcomes but the check-in's (proctoring.services).
    "no_enrolment": (
        "未找到可用于比对的报名照片。",
        "请拍照上传，由考场负责人人工核验。",
    ),
    "too_many": ("尝试次数过多。", "请拍照上传照片，由考场负责人人工核验。"),
}


def _model_file(name: str) -> str:
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("人脸模型未安装：pip install face-recognition-models")
    return str(Path(spec.submodule_search_locations[0]) / "models" / name)


@functools.cache
def _models():
    import dlib  # a compiled library of ~10 MB: loaded only by those who look at faces

    return (
        dlib.get_frontal_face_detector(),
        dlib.shape_predictor(_model_file("shape_predictor_5_face_landmarks.dat")),
        dlib.face_recognition_model_v1(_model_file("dlib_face_recognition_resnet_model_v1.dat")),
    )


# dlib's objects are not documented as thread-safe; a web process has several threads.
_lock = threading.Lock()


def load(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image = ImageOps.exif_transpose(image)  # phones store portraits sideways
        image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise Unreadable(str(error)) from None
    if max(image.size) > WORKING_SIDE:
        image.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.Resampling.BILINEAR)
    return image


def look(data: bytes | Image.Image) -> Look:
    image = data if isinstance(data, Image.Image) else load(data)
    grey = image.convert("L")
    brightness = float(np.asarray(grey, dtype=np.float32).mean())
    thumbnail = grey.resize((THUMB, THUMB), Image.Resampling.NEAREST).tobytes()
    pixels = np.asarray(image)
    detector, shapes, encoder = _models()
    with _lock:
        found, scores, _ = detector.run(pixels, 1 if max(image.size) < UPSAMPLE_BELOW else 0)
        boxes = [box for box, score in zip(found, scores, strict=True) if score >= MIN_SCORE]
        descriptor = None
        if len(boxes):
            largest = max(boxes, key=lambda box: box.width() * box.height())
            shape = shapes(pixels, largest)
            descriptor = np.array(encoder.compute_face_descriptor(pixels, shape), dtype=np.float32)
    return Look(len(boxes), brightness, descriptor, thumbnail)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=np.float32) - np.asarray(b, dtype=np.float32)))


def verdict(seen: Look, enrolled: np.ndarray, threshold: float) -> Verdict:
    """Check-in: exactly one face, and it is the enrolled person's."""
    if seen.faces == 0:
        return Verdict("dark" if seen.dark else "no_face")
    if seen.faces > 1:
        return Verdict("several_faces")
    d = round(distance(seen.descriptor, enrolled), 4)
    if d < threshold:
        return Verdict("match", d)
    return Verdict("dark" if seen.dark else "mismatch", d)  # in the dark, light is the advice


def frozen(a: bytes, b: bytes) -> bool:
    """Two snapshots that are one frame: a stuck camera or a picture held up to it."""
    if len(a) != len(b) or not a:
        return False
    diff = np.abs(np.frombuffer(a, np.uint8).astype(np.int16) - np.frombuffer(b, np.uint8))
    return float(diff.mean()) < FROZEN_BELOW


def to_bytes(descriptor: np.ndarray) -> bytes:
    return np.asarray(descriptor, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")

"""A webcam that shows a given face: a Y4M file for Chromium's
--use-file-for-fake-video-capture, which loops it and scales it to the size asked for."""

from pathlib import Path

import numpy as np
from PIL import Image

WIDTH, HEIGHT = 640, 480
HEADER = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()


def framed(image: Image.Image) -> Image.Image:
    """The picture scaled to fit and centred on a grey 640×480 frame, as a webcam sees a face."""
    image = image.convert("RGB")
    scale = min(WIDTH / image.width, HEIGHT / image.height)
    image = image.resize((round(image.width * scale), round(image.height * scale)))
    frame = Image.new("RGB", (WIDTH, HEIGHT), (128, 128, 128))
    frame.paste(image, ((WIDTH - image.width) // 2, (HEIGHT - image.height) // 2))
    return frame


def write_y4m(path: Path, image: Image.Image, frames: int = 10) -> Path:
    """4:2:0 with full-range (JPEG) levels, as Pillow's YCbCr gives them: C420jpeg."""
    y, cb, cr = framed(image).convert("YCbCr").split()
    quarter = (WIDTH // 2, HEIGHT // 2)
    planes = y.tobytes() + b"".join(
        c.resize(quarter, Image.Resampling.BOX).tobytes() for c in (cb, cr)
    )
    with open(path, "wb") as f:
        f.write(HEADER)
        for _ in range(frames):
            f.write(b"FRAME\n" + planes)
    return path


def first_frame(path: Path) -> Image.Image:
    """The file's first frame back as RGB, to check what the camera will show."""
    data = Path(path).read_bytes()
    start = data.index(b"FRAME\n") + len(b"FRAME\n")
    size = WIDTH * HEIGHT
    y = np.frombuffer(data, np.uint8, size, start).reshape(HEIGHT, WIDTH)
    chroma = []
    for i in range(2):
        plane = np.frombuffer(data, np.uint8, size // 4, start + size + i * size // 4)
        small = Image.fromarray(plane.reshape(HEIGHT // 2, WIDTH // 2))
        chroma.append(small.resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR))
    return Image.merge("YCbCr", (Image.fromarray(y), *chroma)).convert("RGB")

"""What the face model costs: per check-in picture and per camera snapshot, on this machine.

The exam page sends 640×480 JPEGs (quality 0.7); each is decoded, searched for faces
(dlib HOG) and, when there is one, turned into a descriptor (dlib ResNet). Faces
from packages (scikit-image's astronaut, matplotlib's Grace Hopper), no network:
    .venv/bin/python bench/faces.py [frames] [processes]
Prints the one-off model load, CPU milliseconds per frame with and without a face,
frames per second in one process (dlib calls are serialised per process) and in
N processes (Celery workers: default one per CPU), and the calibration distances.
Ends with RESULT lines.
"""

import io
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from PIL import Image, ImageOps

from carboncert.proctoring import faces

FRAMES = int(sys.argv[1]) if len(sys.argv) > 1 else 60
PROCESSES = int(sys.argv[2]) if len(sys.argv) > 2 else (os.cpu_count() or 1)


def astronaut() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.astronaut())


def hopper() -> Image.Image:
    from matplotlib import cbook

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        return Image.open(f).convert("RGB")


def webcam_frame(face: Image.Image, shift: int = 0) -> bytes:
    """A face in the middle of a 640×480 frame, as the exam page's camera sends it."""
    frame = Image.new("RGB", (640, 480), (120, 118, 110))
    face = face.resize((360, round(face.height * 360 / face.width)))
    frame.paste(face, (140 + shift, 480 - face.height + 40))
    out = io.BytesIO()
    frame.save(out, "JPEG", quality=70)
    return out.getvalue()


def cpu_per_frame(frames: list[bytes]) -> list[float]:
    spent = []
    for data in frames:
        started = time.process_time()
        faces.look(data)
        spent.append((time.process_time() - started) * 1000)
    return spent


def _work(frames: list[bytes]) -> int:
    for data in frames:
        faces.look(data)
    return len(frames)


def main() -> None:
    started = time.perf_counter()
    faces._models()
    load_s = time.perf_counter() - started

    with_face = [webcam_frame(astronaut(), shift=i % 20) for i in range(FRAMES)]
    empty = Image.new("RGB", (640, 480), (90, 90, 90))
    without = []
    for i in range(FRAMES):
        out = io.BytesIO()
        empty.rotate(i % 7).save(out, "JPEG", quality=70)
        without.append(out.getvalue())

    cpu_face = cpu_per_frame(with_face)
    cpu_empty = cpu_per_frame(without)
    started = time.perf_counter()
    _work(with_face)
    one_process = FRAMES / (time.perf_counter() - started)

    chunks = [with_face] * PROCESSES
    with ProcessPoolExecutor(PROCESSES, initializer=faces._models) as pool:
        list(pool.map(_work, [f[:2] for f in chunks]))  # warm: models loaded in each
        started = time.perf_counter()
        done = sum(pool.map(_work, chunks))
        many = done / (time.perf_counter() - started)

    enrolled = faces.look(webcam_frame(astronaut())).descriptor
    same = {
        "mirrored": ImageOps.mirror(astronaut()),
        "half size": astronaut().resize((256, 256)),
        "JPEG q25": Image.open(io.BytesIO(_jpeg(astronaut(), 25))),
        "dim (×0.2)": astronaut().point(lambda v: int(v * 0.2)),
    }
    print(f"model load: {load_s:.2f} s (once per process)")
    print(f"CPU per frame with a face: median {statistics.median(cpu_face):.0f} ms, "
          f"p95 {sorted(cpu_face)[int(len(cpu_face) * 0.95) - 1]:.0f} ms")  # fmt: skip
    print(f"CPU per frame without a face: median {statistics.median(cpu_empty):.0f} ms")
    print(f"one process: {one_process:.1f} frames/s; {PROCESSES} processes: {many:.1f} frames/s")
    print("calibration, distance to the enrolled webcam frame (threshold 0.6):")
    for name, image in same.items():
        seen = faces.look(_jpeg(image, 85))
        d = faces.distance(seen.descriptor, enrolled) if seen.descriptor is not None else None
        print(f"  same person, {name}: {'no face' if d is None else f'{d:.3f}'}")
    other = faces.look(_jpeg(hopper(), 85)).descriptor
    print(f"  another person (Grace Hopper): {faces.distance(other, enrolled):.3f}")
    print(f"RESULT face_model_load {load_s:.2f} s")
    print(f"RESULT snapshot_cpu_with_face {statistics.median(cpu_face):.0f} ms")
    print(f"RESULT snapshot_cpu_without_face {statistics.median(cpu_empty):.0f} ms")
    print(f"RESULT embeddings_per_second_one_process {one_process:.1f} frames/s")
    print(f"RESULT embeddings_per_second_{PROCESSES}_processes {many:.1f} frames/s")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


if __name__ == "__main__":
    main()

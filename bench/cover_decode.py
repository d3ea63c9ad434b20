"""What checking a cover costs in the `articles` function: `parse_cover` (magic bytes, then a
full decode with Pillow, JPEG at 1/8 scale) on the largest covers a writer sends.

    python -m bench.cover_decode [--runs 5]

Pictures are made with Pillow: a 6000×4000 photo-like JPEG (24 MP, as large a quality as
fits in 5 MiB), a 1400×1000 PNG and a 3000×2000 WebP. Medians of `--runs` runs, in-process
(no HTTP, no Storage: the upload itself is the emulator's cost). Results: docs/benchmarks.md
and decision 0013.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time

MAX_BYTES = 5 * 1024 * 1024


def _photo(width: int, height: int):
    from PIL import Image, ImageFilter

    ramp = Image.linear_gradient("L").resize((width, height))
    grain = Image.effect_noise((width, height), 25)
    mirrored = ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return Image.merge("RGB", (ramp, grain, mirrored)).filter(ImageFilter.GaussianBlur(1))


def _encoded(image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def samples() -> dict[str, bytes]:
    photo = _photo(6000, 4000)
    jpeg = next(
        data
        for quality in (90, 80, 70, 60, 50)
        if len(data := _encoded(photo, "JPEG", quality=quality)) <= MAX_BYTES
    )
    return {
        "JPEG 6000x4000": jpeg,
        "PNG 1400x1000": _encoded(_photo(1400, 1000), "PNG"),
        "WebP 3000x2000": _encoded(photo.resize((3000, 2000)), "WEBP", quality=90),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cover_decode")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from functions.articles.src.images import parse_cover

    for label, data in samples().items():
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            parse_cover(data)
            times.append(time.perf_counter() - started)
        median = statistics.median(times) * 1000
        print(f"{label:16} {len(data) / 1048576:5.2f} MiB  median {median:6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

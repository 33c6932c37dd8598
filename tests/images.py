"""Test images, made with Pillow: real photos of a given size, and the files an attacker sends."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(width=1600, height=1200, format="JPEG", color=(40, 110, 170), exif_turn=None):
    """An image of the given size; exif_turn=6 says "turn 90°" as a phone held upright does."""
    image = Image.new("RGB", (width, height), color)
    # A second colour so that sizes differ in content, not only in dimensions.
    image.paste((230, 200, 40), (0, 0, width // 2, height // 2))
    buffer = io.BytesIO()
    kwargs = {}
    if exif_turn:
        exif = Image.Exif()
        exif[0x0112] = exif_turn
        kwargs["exif"] = exif
    image.save(buffer, format, **kwargs)
    return buffer.getvalue()


def photo_upload(name="photo.jpg", width=1600, height=1200, format="JPEG", **kwargs):
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[format]
    return SimpleUploadedFile(name, image_bytes(width, height, format, **kwargs), content_type)


def png_claiming(width, height):
    """
    A tiny PNG whose header claims width × height pixels (a decompression bomb: a few
    hundred bytes that would decode to gigabytes).
    """

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    # Rows of zeros compress to almost nothing.
    data = zlib.compress(b"\0" * (width + 1) * min(height, 64), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type)


def truncated_jpeg():
    """A JPEG cut off half-way, as an interrupted upload leaves it."""
    whole = image_bytes(800, 600)
    return whole[: len(whole) // 2]

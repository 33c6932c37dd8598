"""
The lab's public photos (the advisor's, the group's, the members'): checked when they are
uploaded, then made in a few widths in WebP and JPEG by django-imagekit, and shown as
responsive images (templates/includes/picture.html).

They live in their own public storage (settings.STORAGES["public"]), never with the CVs.
The page names only the sized copies, which carry no camera metadata; the original keeps
an unguessable name.
"""

import logging
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFit, Transpose
from PIL import Image

logger = logging.getLogger(__name__)

# What an editor may upload: Pillow opens nothing else (no SVG, TIFF, EPS, ...).
FORMATS = ("JPEG", "PNG", "WEBP")
# The widths made of each photo (never wider than the original): enough for a 360-px
# phone at 3x and a laptop, few enough to make in a second.
WIDTHS = (160, 320, 640, 960, 1280)
OUTPUTS = {
    "WEBP": {"quality": 80, "method": 4},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
}

NOT_AN_IMAGE = _("This file is not a photo the site can show. Upload a JPEG, PNG or WebP image.")
TOO_LARGE = _("This photo is larger than %(megabytes)s MB. Upload a smaller copy.")
TOO_MANY_PIXELS = _(
    "This image is %(width)s × %(height)s pixels, more than the site takes "
    "(%(megapixels)s million pixels). Upload a smaller copy."
)
FAR_TOO_MANY_PIXELS = _(
    "This image says it has far more pixels than the site takes (%(megapixels)s million). "
    "Upload a smaller copy."
)


def public_storage():
    return storages["public"]


@deconstructible
class PublicName:
    """A new, unguessable name in `folder`: the uploader's file name is never used."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = PurePosixPath(filename).suffix.lower().lstrip(".")
        if extension not in ("jpg", "jpeg", "png", "webp"):
            extension = "jpg"
        return f"{self.folder}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, PublicName) and other.folder == self.folder


def check_image(file):
    """
    Refuse a file that is no JPEG, PNG or WebP, too large, too many pixels (a decompression
    bomb says it has a billion) or cut short. Only the header is read before the size is
    known to be safe; then the whole image is decoded once. Returns (width, height).
    """
    size = getattr(file, "size", None)
    if size is not None and size > settings.PUBLIC_IMAGE_MAX_BYTES:
        raise ValidationError(
            TOO_LARGE,
            code="too_large",
            params={"megabytes": settings.PUBLIC_IMAGE_MAX_BYTES // (1024 * 1024)},
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=FORMATS) as image:
                width, height = image.size
                if width * height > settings.PUBLIC_IMAGE_MAX_PIXELS:
                    raise ValidationError(
                        TOO_MANY_PIXELS,
                        code="too_many_pixels",
                        params={
                            "width": width,
                            "height": height,
                            "megapixels": settings.PUBLIC_IMAGE_MAX_PIXELS // 1_000_000,
                        },
                    )
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            FAR_TOO_MANY_PIXELS,
            code="too_many_pixels",
            params={"megapixels": settings.PUBLIC_IMAGE_MAX_PIXELS // 1_000_000},
        ) from None
    except Exception:  # Pillow raises many kinds for a broken or foreign file
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
    finally:
        file.seek(0)
    return width, height


def upright_size(file):
    """(width, height) of an image as shown: a camera's 90° turn (EXIF) swaps them."""
    file.seek(0)
    try:
        with Image.open(file, formats=FORMATS) as image:
            width, height = image.size
            if image.getexif().get(0x0112) in (5, 6, 7, 8):
                width, height = height, width
    finally:
        file.seek(0)
    return width, height


def sync_size(instance, field_name):
    """
    Store a newly uploaded photo's upright size on `instance` (<field>_width/_height), so
    that the page sets width and height without opening a file; clear it with the photo.
    """
    field_file = getattr(instance, field_name)
    if not field_file:
        setattr(instance, f"{field_name}_width", None)
        setattr(instance, f"{field_name}_height", None)
    elif not getattr(field_file, "_committed", True):
        width, height = upright_size(field_file.file)
        setattr(instance, f"{field_name}_width", width)
        setattr(instance, f"{field_name}_height", height)


class PhotoFormField(forms.ImageField):
    """An upload checked by check_image first, so each refusal says what is wrong."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(**kwargs)

    def to_python(self, data):
        if data not in self.empty_values:
            check_image(data)
        return super().to_python(data)


class PhotoField(models.ImageField):
    """A photo in the public storage, checked on upload (check_image)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("storage", public_storage)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("storage") is public_storage:
            del kwargs["storage"]
        if kwargs.get("max_length") == 200:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})


class Sized(ImageSpec):
    """One width of a photo in one format, turned upright as its camera said."""

    def __init__(self, source, width, format):
        super().__init__(source=source)
        self.processors = [Transpose(), ResizeToFit(width=width, upscale=False)]
        self.format = format
        self.options = OUTPUTS[format]
        self.cachefile_storage = public_storage()


@dataclass(frozen=True)
class Variant:
    width: int
    webp: ImageCacheFile
    jpeg: ImageCacheFile


def widths(original_width):
    """The widths made of a photo `original_width` wide: never wider than it."""
    made = [width for width in WIDTHS if width < original_width]
    largest = min(original_width, WIDTHS[-1])
    return made if largest in made else [*made, largest]


def variants(field_file, original_width):
    return [
        Variant(
            width=width,
            webp=ImageCacheFile(Sized(field_file, width, "WEBP")),
            jpeg=ImageCacheFile(Sized(field_file, width, "JPEG")),
        )
        for width in widths(original_width)
    ]


def make_sizes(field_file, original_width):
    """Make every sized copy of a photo (after it is saved): done once, then served."""
    for variant in variants(field_file, original_width):
        variant.webp.generate()
        variant.jpeg.generate()


@dataclass(frozen=True)
class Picture:
    """What <picture> needs, computed without opening a file: for picture.html."""

    webp_srcset: str
    jpeg_srcset: str
    src: str
    width: int
    height: int
    alt: str


def picture(field_file, width, height, alt=""):
    """The responsive image of an uploaded photo, or None when there is none."""
    if not field_file or not width or not height:
        return None
    made = variants(field_file, width)
    # The stored sizes are known from the original's: no storage is asked.
    largest = made[-1].width
    return Picture(
        webp_srcset=", ".join(f"{v.webp.url} {v.width}w" for v in made),
        jpeg_srcset=", ".join(f"{v.jpeg.url} {v.width}w" for v in made),
        src=made[min(1, len(made) - 1)].jpeg.url,
        width=largest,
        height=round(height * largest / width),
        alt=alt,
    )

"""Image checks for uploads (organization logos O4, avatars A2). Only PNG, JPEG and WebP,
decoded and re-encoded by Pillow.

An upload is never stored as sent: it is decoded (which refuses anything that is
not really an image of an allowed format, whatever its name) and written anew,
which drops metadata and any trailing payload. Oversized dimensions are refused
from the header, before the pixels are decoded, so a decompression bomb never
reaches memory.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image

from core.errors import BusinessError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4096
_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


@dataclass(frozen=True)
class Logo:
    content: bytes
    extension: str
    width: int
    height: int


def _refuse(message: str) -> BusinessError:
    return BusinessError(message, code="invalid_logo", field="logo")


def logo_clean(upload: IO[bytes], *, size: int | None = None) -> Logo:
    """Return the re-encoded logo, or raise BusinessError with a clear reason."""
    if size is not None and size > LOGO_MAX_BYTES:
        raise _refuse(_("The logo is larger than 2 MB. Please upload a smaller image."))
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise _refuse(_("The logo is larger than 2 MB. Please upload a smaller image."))
    not_an_image = _(
        "The logo must be a PNG, JPEG or WebP image. Other formats, SVG included, are not accepted."
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice the limit, refuses) on huge images: refuse at once.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(_FORMATS))
            if image.width > LOGO_MAX_SIDE or image.height > LOGO_MAX_SIDE:
                raise _refuse(
                    _("The logo is larger than 4096 × 4096 pixels. Please upload a smaller image.")
                )
            image.load()
    except BusinessError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("The logo is larger than 4096 × 4096 pixels. Please upload a smaller image.")
        ) from None
    except (OSError, ValueError, SyntaxError, Image.UnidentifiedImageError, EOFError):
        raise _refuse(not_an_image) from None
    fmt = image.format or ""
    if fmt not in _FORMATS:
        raise _refuse(not_an_image)
    clean: Image.Image = image
    if fmt == "JPEG":
        clean = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA"):
        clean = image.convert("RGBA")
    out = io.BytesIO()
    options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    clean.save(out, format=fmt, **options)
    return Logo(
        content=out.getvalue(), extension=_FORMATS[fmt], width=clean.width, height=clean.height
    )

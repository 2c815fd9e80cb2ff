"""Pictures placed by a template (``{{ 照片|图片(宽=8) }}``): the image file read once, its
pixel size taken from the header (PNG, JPEG, GIF — no imaging library), and the inline
drawing XML Word expects.

A picture's part name and relationship id come from a hash of its bytes, so the same photo
used by many records, or twice in one, is stored once.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from docgen.i18n import _

EMU_PER_CM = 360_000
MAX_BYTES = 20 * 2**20  # one picture; a phone photo is a few MB
MAX_WIDTH_CM = 15.0  # the text area of an A4 page, GB/T 9704: 15.6 cm
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}


class PictureError(ValueError):
    """Raised when a picture's file is missing, unreadable, too large or not an image;
    ``path`` is the file as the roster or template names it."""

    def __init__(self, message: str, path: str):
        self.path = path
        super().__init__(message)


@dataclass(frozen=True)
class Image:
    """An image file's bytes and what the package needs to know about it."""

    data: bytes
    format: str  # png / jpeg / gif
    width_px: int
    height_px: int
    digest: str

    @property
    def part_name(self) -> str:
        ext = "jpeg" if self.format == "jpeg" else self.format
        return f"word/media/docgen-{self.digest}.{ext}"

    @property
    def rel_id(self) -> str:
        return f"rIdDocgenPic{self.digest}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def image_size(data: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) in pixels from a PNG, JPEG or GIF header; None if not one."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return "gif", width, height
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            # start of frame (baseline, progressive …), not DHT/JPG/DAC
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return "jpeg", width, height
            i += 2 + length
    return None


_CACHE: dict[tuple[str, int, int], Image] = {}


def load_image(path: str | os.PathLike, shown: str) -> Image:
    """The image at ``path`` (``shown``: how the roster wrote it, for messages); cached by
    file, size and modification time, so a photo used by many records is read once."""
    p = Path(path)
    try:
        stat = p.stat()
    except OSError:
        raise PictureError(_("找不到图片文件“{file}”").format(file=shown), shown) from None
    key = (str(p), stat.st_size, stat.st_mtime_ns)
    image = _CACHE.get(key)
    if image is not None:
        return image
    if not p.is_file():
        raise PictureError(_("“{file}”不是图片文件").format(file=shown), shown)
    if stat.st_size > MAX_BYTES:
        raise PictureError(
            _("图片“{file}”过大（超过 {limit} MB）").format(file=shown, limit=MAX_BYTES // 2**20),
            shown,
        )
    try:
        data = p.read_bytes()
    except OSError:
        raise PictureError(_("无法读取图片文件“{file}”").format(file=shown), shown) from None
    image = image_from_bytes(data, shown)
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[key] = image
    return image


def image_from_bytes(data: bytes, shown: str) -> Image:
    """An image held in memory; ``shown`` names it in messages."""
    size = image_size(data)
    if size is None or not size[1] or not size[2]:
        raise PictureError(_("“{file}”不是 PNG、JPEG 或 GIF 图片").format(file=shown), shown)
    return Image(data, size[0], size[1], size[2], hashlib.sha1(data).hexdigest()[:16])


def extent(image: Image, width_cm: float | None, height_cm: float | None) -> tuple[int, int]:
    """The picture's size in EMU: both given, or one and the other in proportion, or
    neither (its size at 96 dpi, no wider than the text area)."""
    ratio = image.height_px / image.width_px
    if width_cm is None and height_cm is None:
        width_cm = min(image.width_px / 96 * 2.54, MAX_WIDTH_CM)
    if width_cm is None:
        assert height_cm is not None
        width_cm = height_cm / ratio
    if height_cm is None:
        height_cm = width_cm * ratio
    return round(width_cm * EMU_PER_CM), round(height_cm * EMU_PER_CM)


_NS = (
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def drawing_xml(image: Image, cx: int, cy: int, name: str) -> str:
    """A ``<w:drawing>`` holding the picture inline; its docPr id is made unique afterwards."""
    from xml.sax.saxutils import quoteattr

    title = quoteattr(name)
    return (
        f'<w:drawing {_NS}><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="1" name={title}/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name={title}/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{image.rel_id}"/><a:stretch><a:fillRect/></a:stretch>'
        "</pic:blipFill>"
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing>"
    )

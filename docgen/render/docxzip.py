"""The .docx container: read a template's members once, write many documents fast.

A rendered document differs from its template in a few XML parts only, so every other
member is written back with the template's already-compressed bytes (no inflate/deflate
per record).  The writer below produces plain zip files (no zip64: one rendered letter is
far below 4 GB); the combined print file, which can be large, is written with ``zipfile``.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from docgen.i18n import _

# A Word document is a few dozen parts; these limits refuse hostile packages before they are
# inflated or copied into every output.
MAX_MEMBERS = 5_000
MAX_MEMBER_BYTES = 50 * 2**20  # uncompressed, one part
MAX_TOTAL_BYTES = 200 * 2**20  # uncompressed, all parts
# An XML part is parsed (and a templated one compiled): a real document.xml of a thousand pages
# is a few MB, and Word's XML deflates about 10 to 1; a part far larger or far more
# compressed than that is a zip bomb, refused from the zip's directory before inflating it.
MAX_XML_BYTES = 25 * 2**20
MAX_RATIO = 100  # uncompressed / compressed, for parts of more than RATIO_FROM bytes
RATIO_FROM = 2 * 2**20

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_UTF8_NAME = 0x800
_DEFLATE_LEVEL = 6


class ZipFormatError(ValueError):
    """Raised when a template is not a zip container docgen can read (encrypted, corrupt,
    too large, or with a part whose name points outside the package); the message says
    which in the secretary's words, ``hint`` what to do."""

    def __init__(self, message: str, hint: str = ""):
        self.hint = hint
        super().__init__(message)


def _bad_name(name: str) -> bool:
    """A part name that would point outside the package: ``../x``, ``/x``, ``C:x``, ``a\\b``."""
    return (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\0" in name
        or (len(name) > 1 and name[1] == ":")
        or any(part == ".." for part in name.split("/"))
    )


@dataclass(frozen=True, slots=True)
class Member:
    """One zip member, held compressed exactly as it goes into the file."""

    name: str
    method: int
    crc: int
    compressed: bytes
    size: int
    dos_time: int = 0
    dos_date: int = (1980 - 1980) << 9 | 1 << 5 | 1


# what zipfile and zlib raise for a damaged or hostile file
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    struct.error,
    NotImplementedError,
    ValueError,
)


def read_members(data: bytes) -> tuple[list[Member], dict[str, bytes]]:
    """The members of a zip file's bytes (compressed, in order) and their uncompressed contents."""
    resave = _("请用 Word 或 WPS 打开后另存为 .docx（Word 文档）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            _check_directory(infos, resave)
            read = [_read_member(zf, data, info, resave) for info in infos if not info.is_dir()]
    except _DAMAGED as exc:
        if isinstance(exc, ZipFormatError):
            raise
        raise ZipFormatError(_("文件已损坏，或不是 Word 文档"), resave) from exc
    members = [member for member, _content in read]
    contents = {member.name: content for member, content in read}
    return members, contents


def _check_directory(infos: list[zipfile.ZipInfo], resave: str) -> None:
    """Refuse, before inflating anything, a package of too many members or any member
    named outside it or too large."""
    if len(infos) > MAX_MEMBERS:
        raise ZipFormatError(
            _("文件由 {n} 个部件组成，超过上限 {limit} 个，不像是 Word 文档").format(
                n=len(infos), limit=MAX_MEMBERS
            ),
            resave,
        )
    total = 0
    for info in infos:
        total += info.file_size
        _check_member(info, total, resave)


def _read_member(
    zf: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo, resave: str
) -> tuple[Member, bytes]:
    """One member as it goes into every output (its compressed bytes copied from ``data``)
    and its uncompressed content."""
    if info.flag_bits & 0x1:
        raise ZipFormatError(_("文件已加密"), _("请在 Word 或 WPS 中取消密码后另存为 .docx"))
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # rare compression: inflate once, store deflated ourselves
        content = zf.read(info)
        return deflate(info.filename, content, _dos(info.date_time)), content
    fields = _LOCAL.unpack_from(data, info.header_offset)
    if fields[0] != 0x04034B50:
        raise ZipFormatError(_("文件已损坏"), resave)
    start = info.header_offset + _LOCAL.size + fields[9] + fields[10]
    compressed = data[start : start + info.compress_size]
    content = zf.read(info)  # also checks the CRC
    time, date = _dos(info.date_time)
    member = Member(
        info.filename, info.compress_type, info.CRC, compressed, info.file_size, time, date
    )
    return member, content


def _check_member(info: zipfile.ZipInfo, total: int, resave: str) -> None:
    """Refuse, from the zip's directory, a member named outside the package or too large
    (``total``: the uncompressed size of the members so far)."""
    if _bad_name(info.filename):
        raise ZipFormatError(
            _("文件中有名为“{name}”的部件，指向文件之外，已拒绝使用").format(
                name=info.filename[:60]
            ),
            resave,
        )
    _check_inflated(info)
    if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
        raise ZipFormatError(
            _(
                "文件解压后过大（部件“{name}”有 {size} MB，上限为每部分 {limit} MB、共 {total} MB）"
            ).format(
                name=info.filename[:60],
                size=info.file_size // 2**20,
                limit=MAX_MEMBER_BYTES // 2**20,
                total=MAX_TOTAL_BYTES // 2**20,
            ),
            _("请删除模板中过大的图片或附件后另存为 .docx"),
        )


def _check_inflated(info: zipfile.ZipInfo) -> None:
    """Refuse an XML part too large to parse, or any part compressed like a zip bomb."""
    size, packed = info.file_size, max(info.compress_size, 1)
    xml = info.filename.endswith((".xml", ".rels"))
    if (xml and size > MAX_XML_BYTES) or (size > RATIO_FROM and size / packed > MAX_RATIO):
        raise ZipFormatError(
            _(
                "文件中的部件“{name}”解压后有 {size} MB（压缩时只有 {packed} KB），"
                "不像是 Word 写出的文档，为安全起见拒绝使用"
            ).format(name=info.filename[:60], size=size // 2**20, packed=packed // 1024),
            _("请用 Word 或 WPS 打开后另存为 .docx；如确是超大的文档，请拆成几个文件"),
        )


def _dos(date_time: tuple) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    y = max(y, 1980)
    return (h << 11 | mi << 5 | s // 2), ((y - 1980) << 9 | mo << 5 | d)


def deflate(name: str, data: bytes, dos: tuple[int, int] = (0, 33)) -> Member:
    """A member holding ``data`` deflated (raw deflate stream, as zip stores it)."""
    co = zlib.compressobj(_DEFLATE_LEVEL, zlib.DEFLATED, -15)
    compressed = co.compress(data) + co.flush()
    return Member(name, zipfile.ZIP_DEFLATED, zlib.crc32(data), compressed, len(data), *dos)


def build(members: list[Member]) -> bytes:
    """The bytes of a zip file holding ``members`` in order."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_NAME
        local = _LOCAL.pack(
            0x04034B50,
            20,
            flags,
            m.method,
            m.dos_time,
            m.dos_date,
            m.crc,
            len(m.compressed),
            m.size,
            len(name),
            0,
        )
        central.append(
            _CENTRAL.pack(
                0x02014B50,
                20,
                20,
                flags,
                m.method,
                m.dos_time,
                m.dos_date,
                m.crc,
                len(m.compressed),
                m.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
        out += (local, name, m.compressed)
        offset += len(local) + len(name) + len(m.compressed)
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(out) + directory + end


def rels_name(part: str) -> str:
    """The relationships part of ``part``: ``word/document.xml`` → ``word/_rels/document.xml.rels``."""
    folder, _sep, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def insert_before(data: bytes, marker: str, items: Iterable[str]) -> bytes:
    """``items`` inserted into an XML part before the last ``marker`` (a closing tag)."""
    text = data.decode("utf-8")
    cut = text.rfind(marker)
    if cut < 0:
        return data
    return (text[:cut] + "".join(items) + text[cut:]).encode("utf-8")

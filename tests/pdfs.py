"""
The test CVs, written by the tests themselves: real ones with reportlab (Chinese with
the STSong-Light CID font, which pypdf reads back), the hostile ones with pypdf's
PdfWriter or as raw bytes. Each function returns the file's bytes.
"""

import functools
import io
import random
import zlib

from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from recruiting.pdfcheck import raw_pdf
from tests.submissions import page_objects

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

CHINESE_CV = [
    "李华 · 北京大学计算机科学硕士",
    "论文：NeurIPS 2023（第一作者），题目《数据为中心的图学习》。",
    "竞赛：Kaggle 金牌；工具：PyTorch、Spark。",
]
ENGLISH_CV = [
    "Li Hua - MSc Computer Science, Peking University",
    "Paper: NeurIPS 2023, second author, Data-Centric Graph Learning.",
    "Competitions: Kaggle gold medal. Tools: PyTorch, Spark.",
]


def cv(lines=ENGLISH_CV, links=(), pages=1, images=()):
    """A CV of `pages` pages showing the lines, each link as a clickable line (page 1)."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    for number in range(1, pages + 1):
        y = 800
        for line in lines if number == 1 else [f"{lines[0]} ({number})", *lines[1:]]:
            page.setFont("Helvetica" if line.isascii() else "STSong-Light", 11)
            page.drawString(60, y, line)
            y -= 20
        for url in links if number == 1 else ():
            page.setFont("Helvetica", 11)
            page.drawString(60, y, url)
            page.linkURL(url, (60, y - 2, 400, y + 12), relative=0)
            y -= 20
        if images:
            page.drawImage(ImageReader(images[number - 1]), 60, 100, width=400, height=400)
        page.showPage()
    page.save()
    return out.getvalue()


def _noise(side, seed):
    """A side × side RGB image of random pixels: it does not compress."""
    from PIL import Image

    return Image.frombytes("RGB", (side, side), random.Random(seed).randbytes(side * side * 3))


def scan():
    """A page with an image and no text, as a scanner makes."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.drawImage(ImageReader(_noise(200, 1)), 60, 300, width=400, height=400)
    page.showPage()
    page.save()
    return out.getvalue()


def ten_pages():
    return cv(ENGLISH_CV, pages=10)


@functools.cache
def big_cv(megabytes=10):
    """
    A genuine CV of just under `megabytes` MiB: ten text pages, each with a photo of
    noise (reportlab writes images in ASCII85, five bytes for four).
    """
    side = int(((megabytes * 1024 * 1024 - 100_000) * 4 / 5 / 10 / 3) ** 0.5)
    return cv(ENGLISH_CV, pages=10, images=[_noise(side, seed) for seed in range(10)])


def _writer(data=None):
    return PdfWriter(clone_from=io.BytesIO(data or cv()))


def _bytes(writer):
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(**entries):
    return DictionaryObject(
        {NameObject(f"/{key}"): NameObject(value) for key, value in entries.items()}
    )


def encrypted():
    """Encrypted with an owner password only: it opens without asking, but is refused."""
    writer = _writer()
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    return _bytes(writer)


def with_javascript():
    """JavaScript in the document's names tree, and run when it opens (/OpenAction)."""
    writer = _writer()
    writer.add_open_action(JavaScript("app.alert('hello');"))  # the names tree, despite its name
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(
        JavaScript("app.launchURL('https://example.com/tracker');")
    )
    return _bytes(writer)


def with_open_action_uri():
    writer = _writer()
    action = _action(S="/URI")
    action[NameObject("/URI")] = TextStringObject("https://example.com/tracker")
    writer.root_object[NameObject("/OpenAction")] = action
    return _bytes(writer)


def with_additional_actions():
    """A page that opens a web address when it is shown (/AA /O)."""
    writer = _writer()
    action = _action(S="/URI")
    action[NameObject("/URI")] = TextStringObject("https://example.com/tracker")
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    return _bytes(writer)


def with_embedded_file():
    writer = _writer()
    writer.add_attachment("setup.exe", b"MZ\x90\x00 not really a program")
    return _bytes(writer)


def with_launch_action():
    """A link on the page that starts a program rather than opening a web address."""
    writer = _writer(cv(links=["https://github.com/lihua"]))
    link = writer.pages[0]["/Annots"][0].get_object()
    link[NameObject("/A")] = _action(S="/Launch")
    link["/A"][NameObject("/F")] = TextStringObject("calc.exe")
    return _bytes(writer)


def truncated():
    """A CV cut in half, as an interrupted upload leaves it."""
    data = cv(CHINESE_CV, pages=2)
    return data[: len(data) // 2]


def page_content_missing():
    """A well-formed file whose page refers to content that is not in it."""
    return raw_pdf(page_objects()[:4])


def no_pages():
    return _bytes(PdfWriter())


def hex_escaped_javascript():
    """JavaScript in the names tree, every name spelt with #xx escapes (/J#61vaScript)."""
    names = b"/Names<</J#61vaScript<</Names[(a) 6 0 R]>>>>"
    return raw_pdf(page_objects(names, b"<</#53/J#61vaScript/J#53(app.alert(1))>>"))


def html_polyglot():
    """A valid PDF whose first bytes, in a comment, are a web page with a script."""
    return raw_pdf(page_objects(), preamble=b"%<html><script>alert(document.domain)</script>\n")


def deeply_nested(depth=100_000):
    """A catalog holding arrays nested `depth` deep: recursive parsers overflow."""
    return raw_pdf(page_objects(b"/Nest " + b"[" * depth + b"]" * depth))


@functools.cache
def compression_bomb(gigabytes=2):
    """
    A PDF whose catalog and page are in an object stream (/ObjStm) that inflates to
    `gigabytes` GiB, from about a thousandth of that on disk: the objects, then zeros.
    After a full flush each MiB of zeros compresses to the same bytes, so the stream is
    that segment repeated, closed with the checksum of the whole.
    """
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    offsets = [sum(len(obj) + 1 for obj in objects[:i]) for i in range(len(objects))]
    header = b" ".join(b"%d %d" % (n, offset) for n, offset in enumerate(offsets, start=1))
    content = header + b"\n" + b"\n".join(objects) + b"\n"
    mib, count = bytes(1024 * 1024), gigabytes * 1024
    deflate = zlib.compressobj(9)
    first = deflate.compress(content + mib) + deflate.flush(zlib.Z_FULL_FLUSH)
    segment = deflate.compress(mib) + deflate.flush(zlib.Z_FULL_FLUSH)
    # The last block is empty; its checksum (Adler-32) is the whole stream's: the zeros
    # leave its sum `a` alone and add `a` to `b` once each.
    a, b = zlib.adler32(content) & 0xFFFF, zlib.adler32(content) >> 16
    checksum = (((b + a * count * len(mib)) % 65521) << 16 | a).to_bytes(4, "big")
    stream = first + segment * (count - 1) + deflate.flush()[:-4] + checksum
    return _object_stream_pdf(stream, len(objects), len(header) + 1)


def _object_stream_pdf(stream, count, first):
    """Objects 1..count in object stream count+1, found through an xref stream."""
    objstm, xref_number = count + 1, count + 2
    out = bytearray(b"%PDF-1.5\n")
    objstm_offset = len(out)
    out += b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>stream\n" % (
        objstm,
        count,
        first,
        len(stream),
    )
    out += stream + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = b"\x00\x00\x00\x00\x00\xff\xff"  # object 0: free
    rows += b"".join(
        b"\x02" + objstm.to_bytes(4, "big") + i.to_bytes(2, "big") for i in range(count)
    )
    rows += b"\x01" + objstm_offset.to_bytes(4, "big") + b"\x00\x00"
    rows += b"\x01" + xref_offset.to_bytes(4, "big") + b"\x00\x00"
    out += b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root 1 0 R/Length %d>>stream\n" % (
        xref_number,
        xref_number + 1,
        len(rows),
    )
    out += rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)

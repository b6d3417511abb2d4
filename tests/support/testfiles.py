"""Small test files built by hand: a PDF with a text layer (no library writes PDF text) and a minimal .odt.

No PDF library writes text, so the file is written by hand: catalog, page tree, one content stream per
page, a standard font, an info dictionary and a correct cross-reference table.
"""

from __future__ import annotations


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(pages: list[list[str]], title: str | None = None, author: str | None = None,
             image_only: bool = False, streams: list[bytes] | None = None) -> bytes:
    """A PDF with one page per list of lines (top to bottom). `image_only` draws filled rectangles
    instead of text: what a scan without a text layer looks like to a text extractor. `streams` are
    the pages' content streams as given, deflated (FlateDecode) instead of made from the lines."""
    objects: list[bytes] = []  # object n is objects[n - 1]
    n_pages = len(pages)
    font_id = 3
    first_page_id = 4  # page i: object 4 + 2i, its content stream 5 + 2i
    info_id = first_page_id + 2 * n_pages
    kids = " ".join(f"{first_page_id + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        if image_only:
            ops = b"".join(f"0.{(j % 9) + 1} g 72 {720 - 14 * j} 400 10 re f\n".encode() for j in range(len(lines)))
        else:
            ops = b"BT /F1 11 Tf 14 TL 72 770 Td\n" + b"".join(b"(" + _escape(line) + b") Tj T*\n"
                                                              for line in lines) + b"ET\n"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 "
                       f"{font_id} 0 R >> >> /Contents {first_page_id + 2 * i + 1} 0 R >>".encode())
        if streams is not None:
            objects.append(f"<< /Length {len(streams[i])} /Filter /FlateDecode >>\nstream\n".encode() + streams[i]
                           + b"\nendstream")
            continue
        objects.append(f"<< /Length {len(ops)} >>\nstream\n".encode() + ops + b"endstream")
    info = b"<< /Producer (bron tests)"
    if title:
        info += b" /Title (" + _escape(title) + b")"
    if author:
        info += b" /Author (" + _escape(author) + b")"
    info += b" /CreationDate (D:20250314091200+01'00') >>"
    objects.append(info)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info_id} 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def make_odt(paragraphs: list[tuple[str, str]], title: str | None = None, date: str | None = None) -> bytes:
    """A minimal .odt: (kind, text) pairs, kind "h" (heading) or "p", and optional title and date."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    body = "".join(f'<text:h text:outline-level="1">{escape(t)}</text:h>' if kind == "h"
                   else f"<text:p>{escape(t)}</text:p>" for kind, t in paragraphs)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    meta = ('<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>'
            + (f"<dc:title>{escape(title)}</dc:title>" if title else "")
            + (f"<dc:date>{date}T10:00:00</dc:date>" if date else "") + "</office:meta></office:document-meta>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        archive.writestr("meta.xml", meta)
    return out.getvalue()

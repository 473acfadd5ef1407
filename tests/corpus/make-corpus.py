#!/usr/bin/env python3
"""Rebuilds the extraction test corpus in this folder (or in the folder given as argv[1]).

Every file here is made by this script: text written in it, Office packages zipped by hand,
PDFs written object by object, and three pages rendered by headless Chromium (a text PDF and
two screenshots for OCR). All of it is CC0-1.0, made for this project.

    python3 make-corpus.py [OUTDIR]      # build (needs python3 and chromium)
    python3 make-corpus.py --verify      # check MANIFEST words against the built files
                                         # (needs pdftotext, pdftoppm, tesseract with pol+eng)

Randomness is seeded, so everything but the Chromium outputs is byte-identical on rebuild.
"""
import base64
import email
import email.header
import html
import os
import quopri
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unicodedata
import io
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = HERE
MANIFEST = []  # (file, expect, words, what, how)
RNG = random.Random(20250106)


def path(name):
    return os.path.join(OUT, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def entry(name, expect, words, what, how):
    MANIFEST.append((name, expect, words, what, how))


def crlf(s):
    return s.replace("\r\n", "\n").replace("\n", "\r\n")


# ---------------------------------------------------------------- text and charsets

def make_text():
    write("utf8-polish.txt", (
        "Zażółć gęślą jaźń.\n"
        "Pchnąć w tę łódź jeża lub ośm skrzyń fig.\n"
        "Miasteczko Szczebrzeszyn leży na Roztoczu, nad rzeką Wieprz.\n"
    ).encode("utf-8"))
    entry("utf8-polish.txt", "text", "Zażółć gęślą jaźń Szczebrzeszyn Roztoczu",
          "Polish pangram, UTF-8 without BOM", "written by make-corpus.py")

    text = (
        "W Szczebrzeszynie chrząszcz brzmi w trzcinie, a źdźbło trawy kołysze się na wietrze.\n"
        "Grzegorz Brzęczyszczykiewicz, urodzony w Chrząszczyżewoszycach, powiat Łękołody.\n"
        "„Cóż to za dźwięk?” – zapytała pani Żaneta, gdy ćma uderzyła w szybę.\n"
        "Świerszcz, żaba i jeż śpią pod liściem łopianu; ósma godzina, środa.\n"
    )
    write("cp1250-polish.txt", text.encode("cp1250"))
    entry("cp1250-polish.txt", "text", "chrząszcz źdźbło Brzęczyszczykiewicz Łękołody",
          "Polish text in windows-1250, no BOM and no declaration (typographic quotes 0x84/0x94)",
          "written by make-corpus.py, encoded cp1250")

    page = (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="windows-1252">\n'
        "<title>Glædelig påske</title>\n</head>\n<body>\n"
        "<h1>Glædelig påske</h1>\n"
        "<p>Vi ønsker alle en glædelig påske. Til frokost er der smørrebrød og æblekage, "
        "og prisen er 12 € pr. kuvert – «velbekomme».</p>\n"
        "<p>Hilsen fra Bornholm og Ærøskøbing.</p>\n"
        "</body>\n</html>\n"
    )
    write("cp1252-declared.html", page.encode("cp1252"))
    entry("cp1252-declared.html", "text", "ønsker påske smørrebrød æblekage Ærøskøbing",
          "Danish HTML in windows-1252 declared by <meta charset>", "written by make-corpus.py")

    page = (
        "<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">\n'
        "<title>Łódź i okolice</title>\n</head>\n<body>\n"
        "<p>Łódź to miasto włókniarzy. Pszczoła siada na kwiatach w Żyrardowie, "
        "a pszczoła miodna zbiera nektar.</p>\n"
        "<p>Ślęża, Kłodzko i Głuchołazy leżą na południu.</p>\n"
        "</body>\n</html>\n"
    )
    write("latin2-http-equiv.html", page.encode("iso-8859-2"))
    entry("latin2-http-equiv.html", "text", "Łódź pszczoła włókniarzy Żyrardowie Głuchołazy",
          "Polish HTML in ISO-8859-2 declared by <meta http-equiv>", "written by make-corpus.py")


def mail_headers(subject_encoded, extra):
    return (
        "From: Corpus Generator <corpus@example.invalid>\n"
        "To: Test <test@example.invalid>\n"
        f"Subject: {subject_encoded}\n"
        "Date: Mon, 06 Jan 2025 10:00:00 +0100\n"
        f"Message-ID: <{zlib.crc32(subject_encoded.encode())}.corpus@example.invalid>\n"
        "MIME-Version: 1.0\n" + extra
    )


def make_mail():
    subj = email.header.Header("Faktura sprzedaży nr 17/2025", "iso-8859-2").encode()
    body = (
        "Dzień dobry,\n\n"
        "w załączeniu przesyłamy fakturę. Ta faktura dotyczy sprzedaży towarów\n"
        "dla oddziału Gdańsk-Wrzeszcz. Prosimy o płatność w ciągu 14 dni.\n\n"
        "Z poważaniem\nDział Księgowości\n"
    )
    head = mail_headers(subj, "Content-Type: text/plain; charset=iso-8859-2\n"
                              "Content-Transfer-Encoding: 8bit\n")
    write("latin2-declared.eml", crlf(head + "\n" + body).encode("iso-8859-2"))
    entry("latin2-declared.eml", "text", "sprzedaży faktura Wrzeszcz Księgowości",
          "RFC 822 mail, text/plain charset=iso-8859-2, 8bit body, RFC 2047 subject",
          "written by make-corpus.py")

    body = (
        "Hej,\n\nVi ønsker dig en god tur til Ærø og Skælskør i påskeferien.\n"
        "Husk at købe rødgrød med fløde på færgen.\n\nKærlig hilsen\nBjørn\n"
    )
    head = mail_headers("Tur til Aero", "Content-Type: text/plain\n"
                                        "Content-Transfer-Encoding: 8bit\n")
    write("cp1252-undeclared.eml", crlf(head + "\n" + body).encode("cp1252"))
    entry("cp1252-undeclared.eml", "text", "ønsker Ærø Skælskør rødgrød",
          "mail whose 8-bit body is windows-1252 with no charset parameter at all",
          "written by make-corpus.py")

    head = mail_headers("Raport kwartalny", "Content-Type: text/plain; charset=utf-8\n"
                                            "Content-Transfer-Encoding: 8bit\n")
    para = (
        "Szanowna Pani Kowalczykówna,\n"
        "przesyłam raport kwartalny z oddziału w Żarnowcu. Sprzedaż wzrosła o dwanaście procent, "
        "koszty spadły, a magazyn został uporządkowany przed inwentaryzacją.\n"
    )
    filler = []
    for i in range(1, 31):
        filler.append(f"Punkt {i}: zespół omówił zadania, terminy i budżet; "
                      f"wszystkie ustalenia są w protokole numer {100 + i}.\n")
    body = "Dzień dobry\x00\n" + para + "".join(filler) + "\nPozdrawiam\nKowalczykówna zatwierdziła raport.\n"
    data = crlf(head + "\n" + body).encode("utf-8")
    assert data.index(b"\x00") < 8192 and data.count(b"\x00") == 1
    write("stray-byte.eml", data)
    entry("stray-byte.eml", "text", "Kowalczykówna Żarnowcu inwentaryzacją",
          "several-KB UTF-8 mail with a single NUL byte early in the body (a naive binary sniffer rejects it)",
          "written by make-corpus.py")

    subj = "=?utf-8?B?" + base64.b64encode("Dzięki! 😀".encode()).decode() + "?="
    body = (
        "Cześć!\n\nDzięki za wczorajsze spotkanie 😀 Wszystko uzgodnione 👍\n"
        "Następne spotkanie w czwartek w Zakroczymiu.\n\n"
        "-- \nStanisław Przybyszewski 🎉✨\ntel. 600 000 000\n"
    )
    qp = quopri.encodestring(body.encode("utf-8")).decode("ascii")
    head = mail_headers(subj, "Content-Type: text/plain; charset=utf-8\n"
                              "Content-Transfer-Encoding: quoted-printable\n")
    write("emoji-signature.eml", crlf(head + "\n" + qp).encode("ascii"))
    entry("emoji-signature.eml", "text", "Przybyszewski Stanisław Zakroczymiu",
          "UTF-8 mail, quoted-printable body with emoji, base64 encoded-word subject with emoji",
          "written by make-corpus.py (quopri)")

    page = (
        "<html><head><meta charset=\"utf-8\"></head><body>"
        "<p>Szanowna Pani <b>Grzegorzewska</b>,</p>"
        "<p>potwierdzamy rezerwację hotelu w Krak&oacute;w&nbsp;na 3&nbsp;noce.</p>"
        "<p>Zespół Sołectwa Łęczyca</p></body></html>\n"
    )
    b64 = base64.encodebytes(page.encode("utf-8")).decode("ascii")
    head = mail_headers("Rezerwacja", 'Content-Type: multipart/alternative; boundary="=_corpus_b1"\n')
    body = (
        "This is a multi-part message in MIME format.\n\n"
        "--=_corpus_b1\n"
        "Content-Type: text/html; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n\n" + b64 +
        "\n--=_corpus_b1--\n"
    )
    write("html-only.eml", crlf(head + "\n" + body).encode("ascii"))
    entry("html-only.eml", "text", "Grzegorzewska rezerwację Kraków Łęczyca",
          "multipart/alternative mail whose only part is text/html (utf-8, base64); 'Kraków' is written with &oacute;",
          "written by make-corpus.py")

    nfd = unicodedata.normalize("NFD", "zażółć")
    assert nfd != "zażółć"
    text = (
        "Kasztanowiec 🌰 😀 👍🏽 👨‍👩‍👧 ❤️\n"
        "Gothic: 𐌰𐌱𐌲 𐍅𐌰𐍄𐍉\n"
        "CJK: 東京 大学\n"
        "Arabic: مرحبا بالعالم\n"
        "Hebrew: שלום עולם\n"
        "Combining (NFD): Zoe\u0308 and " + nfd + "\n"
        "Fullwidth: ＡＢＣ１２３, ligature: ﬁnance, zero width: a\u200bb, BiDi: \u202eabc\u202c\n"
    )
    write("unicode-mix.txt", text.encode("utf-8"))
    entry("unicode-mix.txt", "text", "Kasztanowiec",
          "UTF-8 with emoji (incl. ZWJ sequence), Gothic (astral plane), CJK, Arabic, Hebrew, "
          "NFD combining marks ('Zoë', 'zażółć'), fullwidth, ligature, zero-width and BiDi controls",
          "written by make-corpus.py")


# ---------------------------------------------------------------- Office Open XML

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_OFFDOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
R_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
R_APP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
R_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
R_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
FIXED_TIME = (2025, 1, 6, 10, 0, 0)


def content_types(overrides, vba=False):
    s = XML_DECL + f'<Types xmlns="{CT_NS}">'
    s += '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    s += '<Default Extension="xml" ContentType="application/xml"/>'
    if vba:
        s += '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    for part, ct in overrides:
        s += f'<Override PartName="{part}" ContentType="{ct}"/>'
    s += '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    s += '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    return s + "</Types>"


def rels(items):
    s = XML_DECL + f'<Relationships xmlns="{REL_NS}">'
    for i, (typ, target) in enumerate(items, 1):
        s += f'<Relationship Id="rId{i}" Type="{typ}" Target="{target}"/>'
    return s + "</Relationships>"


def root_rels(main):
    return rels([(R_OFFDOC, main), (R_CORE, "docProps/core.xml"), (R_APP, "docProps/app.xml")])


CORE = (XML_DECL +
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<dc:title>Corpus document</dc:title><dc:creator>make-corpus.py</dc:creator>'
        '<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-06T10:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-01-06T10:00:00Z</dcterms:modified>'
        '</cp:coreProperties>')
APP = (XML_DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       '<Application>make-corpus.py</Application></Properties>')

# A dummy VBA project: the OLE2 compound-file signature followed by filler. Not a working macro.
VBA_BIN = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504 + b"dummy vbaProject for the test corpus; no macro code\n"


def write_zip(name, parts):
    """Writes an ordinary, valid zip with fixed timestamps; parts is a list of (name, str|bytes)."""
    with zipfile.ZipFile(path(name), "w") as z:
        for pname, data in parts:
            zi = zipfile.ZipInfo(pname, FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data.encode("utf-8") if isinstance(data, str) else data)


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
SECT = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" '
        'w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>')


def w_doc(paras_xml):
    return XML_DECL + f"<w:document {W_NS}><w:body>{paras_xml}{SECT}</w:body></w:document>"


def w_run(t, rpr=""):
    return f'<w:r>{rpr}<w:t xml:space="preserve">{t}</w:t></w:r>'


def docx_parts(document_xml, macro=False):
    main_ct = ("application/vnd.ms-word.document.macroEnabled.main+xml" if macro else
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
    parts = [
        ("[Content_Types].xml", content_types([("/word/document.xml", main_ct)], vba=macro)),
        ("_rels/.rels", root_rels("word/document.xml")),
        ("docProps/core.xml", CORE),
        ("docProps/app.xml", APP),
        ("word/document.xml", document_xml),
        ("word/_rels/document.xml.rels", rels([(R_VBA, "vbaProject.bin")] if macro else [])),
    ]
    if macro:
        parts.append(("word/vbaProject.bin", VBA_BIN))
    return parts


S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STYLES = (XML_DECL + f'<styleSheet xmlns="{S_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def xlsx_parts(sheet_xml, shared_xml, macro=False):
    main_ct = ("application/vnd.ms-excel.sheet.macroEnabled.main+xml" if macro else
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    wb_rels = [(R_BASE + "worksheet", "worksheets/sheet1.xml"),
               (R_BASE + "sharedStrings", "sharedStrings.xml"),
               (R_BASE + "styles", "styles.xml")]
    if macro:
        wb_rels.append((R_VBA, "vbaProject.bin"))
    parts = [
        ("[Content_Types].xml", content_types([
            ("/xl/workbook.xml", main_ct),
            ("/xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"),
            ("/xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"),
            ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
        ], vba=macro)),
        ("_rels/.rels", root_rels("xl/workbook.xml")),
        ("docProps/core.xml", CORE),
        ("docProps/app.xml", APP),
        ("xl/workbook.xml", XML_DECL + f'<workbook xmlns="{S_NS}" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         '<sheets><sheet name="Arkusz1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", rels(wb_rels)),
        ("xl/worksheets/sheet1.xml", sheet_xml),
        ("xl/sharedStrings.xml", shared_xml),
        ("xl/styles.xml", STYLES),
    ]
    if macro:
        parts.append(("xl/vbaProject.bin", VBA_BIN))
    return parts


def simple_sheet(strings, numbers=()):
    """Column A holds shared strings 0..n-1, column B optional numbers."""
    rows = ""
    for i, _ in enumerate(strings):
        r = i + 1
        cells = f'<c r="A{r}" t="s"><v>{i}</v></c>'
        if i < len(numbers):
            cells += f'<c r="B{r}"><v>{numbers[i]}</v></c>'
        rows += f'<row r="{r}">{cells}</row>'
    sheet = XML_DECL + f'<worksheet xmlns="{S_NS}"><sheetData>{rows}</sheetData></worksheet>'
    sst = XML_DECL + f'<sst xmlns="{S_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">'
    sst += "".join(f'<si><t xml:space="preserve">{html.escape(s)}</t></si>' for s in strings) + "</sst>"
    return sheet, sst


P_NS = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"')
EMPTY_TREE = ('<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
              '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/>'
              '<a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>')


def theme_xml():
    clr = "".join(f"<a:{n}><a:srgbClr val=\"{v}\"/></a:{n}>" for n, v in [
        ("dk2", "1F497D"), ("lt2", "EEECE1"), ("accent1", "4F81BD"), ("accent2", "C0504D"),
        ("accent3", "9BBB59"), ("accent4", "8064A2"), ("accent5", "4BACC6"), ("accent6", "F79646"),
        ("hlink", "0000FF"), ("folHlink", "800080")])
    font = '<a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>'
    solid = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = '<a:ln w="9525">' + solid + '</a:ln>'
    effect = '<a:effectStyle><a:effectLst/></a:effectStyle>'
    return (XML_DECL + '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme">'
            '<a:themeElements><a:clrScheme name="Office">'
            '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
            '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>' + clr + '</a:clrScheme>'
            f'<a:fontScheme name="Office"><a:majorFont>{font}</a:majorFont><a:minorFont>{font}</a:minorFont></a:fontScheme>'
            '<a:fmtScheme name="Office">'
            f'<a:fillStyleLst>{solid * 3}</a:fillStyleLst>'
            f'<a:lnStyleLst>{line * 3}</a:lnStyleLst>'
            f'<a:effectStyleLst>{effect * 3}</a:effectStyleLst>'
            f'<a:bgFillStyleLst>{solid * 3}</a:bgFillStyleLst>'
            '</a:fmtScheme></a:themeElements></a:theme>')


def pptx_parts(paragraphs, macro=False):
    main_ct = ("application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml" if macro else
               "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml")
    pres_rels = [(R_BASE + "slideMaster", "slideMasters/slideMaster1.xml"),
                 (R_BASE + "slide", "slides/slide1.xml"),
                 (R_BASE + "theme", "theme/theme1.xml")]
    if macro:
        pres_rels.append((R_VBA, "vbaProject.bin"))
    paras = "".join(f'<a:p><a:r><a:rPr lang="pl-PL" dirty="0"/><a:t>{t}</a:t></a:r></a:p>' for t in paragraphs)
    slide = (XML_DECL + f'<p:sld {P_NS}><p:cSld><p:spTree>{EMPTY_TREE}'
             '<p:sp><p:nvSpPr><p:cNvPr id="2" name="TextBox 1"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
             '<p:spPr><a:xfrm><a:off x="457200" y="457200"/><a:ext cx="8229600" cy="2000000"/></a:xfrm>'
             '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>'
             f'<p:txBody><a:bodyPr wrap="square"/><a:lstStyle/>{paras}</p:txBody></p:sp>'
             '</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>')
    master = (XML_DECL + f'<p:sldMaster {P_NS}><p:cSld><p:spTree>{EMPTY_TREE}</p:spTree></p:cSld>'
              '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" '
              'accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>'
              '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst></p:sldMaster>')
    layout = (XML_DECL + f'<p:sldLayout {P_NS} type="blank" preserve="1"><p:cSld name="Blank"><p:spTree>{EMPTY_TREE}'
              '</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>')
    pres = (XML_DECL + f'<p:presentation {P_NS} saveSubsetFonts="1">'
            '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
            '<p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst>'
            '<p:sldSz cx="9144000" cy="6858000" type="screen4x3"/><p:notesSz cx="6858000" cy="9144000"/>'
            '</p:presentation>')
    parts = [
        ("[Content_Types].xml", content_types([
            ("/ppt/presentation.xml", main_ct),
            ("/ppt/slides/slide1.xml", "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"),
            ("/ppt/slideLayouts/slideLayout1.xml", "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"),
            ("/ppt/slideMasters/slideMaster1.xml", "application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"),
            ("/ppt/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
        ], vba=macro)),
        ("_rels/.rels", root_rels("ppt/presentation.xml")),
        ("docProps/core.xml", CORE),
        ("docProps/app.xml", APP),
        ("ppt/presentation.xml", pres),
        ("ppt/_rels/presentation.xml.rels", rels(pres_rels)),
        ("ppt/slides/slide1.xml", slide),
        ("ppt/slides/_rels/slide1.xml.rels", rels([(R_BASE + "slideLayout", "../slideLayouts/slideLayout1.xml")])),
        ("ppt/slideLayouts/slideLayout1.xml", layout),
        ("ppt/slideLayouts/_rels/slideLayout1.xml.rels", rels([(R_BASE + "slideMaster", "../slideMasters/slideMaster1.xml")])),
        ("ppt/slideMasters/slideMaster1.xml", master),
        ("ppt/slideMasters/_rels/slideMaster1.xml.rels", rels([(R_BASE + "slideLayout", "../slideLayouts/slideLayout1.xml"),
                                                                (R_BASE + "theme", "../theme/theme1.xml")])),
        ("ppt/theme/theme1.xml", theme_xml()),
    ]
    if macro:
        parts.append(("ppt/vbaProject.bin", VBA_BIN))
    return parts


def make_office():
    doc = w_doc(
        "<w:p>" + w_run("Bydgoszcz leży nad Brdą i Wisłą. ") + w_run("Żółtodziób", "<w:rPr><w:b/></w:rPr>")
        + w_run(" z miasta ćwiczy znaki ")
        + w_run("漢字", '<w:rPr><w:rFonts w:eastAsia="MS Mincho"/><w:lang w:eastAsia="ja-JP"/></w:rPr>')
        + w_run(".") + "</w:p>"
        # one word split over two runs, as Word often saves it: an extractor must not put a space between runs
        + "<w:p>" + w_run("Pociąg do Inowro") + w_run("cławia", "<w:rPr><w:i/></w:rPr>")
        + w_run(" odjeżdża o ósmej.") + "</w:p>"
        + "<w:p>" + w_run("Druga linia") + "<w:r><w:tab/></w:r>" + w_run("po tabulatorze") + "<w:r><w:br/></w:r>"
        + w_run("po złamaniu wiersza: Ciechocinek.") + "</w:p>")
    write_zip("word.docx", docx_parts(doc))
    entry("word.docx", "text", "Bydgoszcz Żółtodziób Inowrocławia Ciechocinek",
          "minimal WordprocessingML package; Polish, CJK '漢字', a word split over two runs, tab and break",
          "hand-built with python zipfile")

    doc = w_doc("<w:p>" + w_run("To jest makrodokument z Wąbrzeźna.") + "</w:p>")
    write_zip("word-macro.docm", docx_parts(doc, macro=True))
    entry("word-macro.docm", "text", "makrodokument Wąbrzeźna",
          "macro-enabled Word package (macroEnabled.main+xml, dummy word/vbaProject.bin)",
          "hand-built with python zipfile")

    sheet, sst = simple_sheet(["Częstochowa", "שלום", "Świdnica i Wałbrzych"], numbers=[42, 3.14])
    write_zip("sheet.xlsx", xlsx_parts(sheet, sst))
    entry("sheet.xlsx", "text", "Częstochowa שלום Świdnica Wałbrzych",
          "minimal SpreadsheetML package with sharedStrings (Polish, Hebrew) and numbers",
          "hand-built with python zipfile")

    sheet, sst = simple_sheet(["arkuszmakro", "Kędzierzyn-Koźle"], numbers=[1])
    write_zip("sheet-macro.xlsm", xlsx_parts(sheet, sst, macro=True))
    entry("sheet-macro.xlsm", "text", "arkuszmakro Kędzierzyn Koźle",
          "macro-enabled workbook (macroEnabled.main+xml, dummy xl/vbaProject.bin)",
          "hand-built with python zipfile")

    write_zip("slides.pptx", pptx_parts(["𐌲𐌿𐌸𐌰 Szczecin", "Świnoujście nad Bałtykiem"]))
    entry("slides.pptx", "text", "𐌲𐌿𐌸𐌰 Szczecin Świnoujście Bałtykiem",
          "minimal PresentationML package (master, layout, theme, one slide) with Gothic text",
          "hand-built with python zipfile")

    write_zip("slides-macro.pptm", pptx_parts(["prezentacjamakro z Kołobrzegu"], macro=True))
    entry("slides-macro.pptm", "text", "prezentacjamakro Kołobrzegu",
          "macro-enabled presentation (macroEnabled.main+xml, dummy ppt/vbaProject.bin)",
          "hand-built with python zipfile")


# ---------------------------------------------------------------- PDF helpers

def pdf_stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def build_pdf(objects, root=1, version=b"1.4"):
    """objects[i] is the body of object i+1. Returns the file with a correct xref table."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


HELV = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
# Helvetica advance widths (AFM, 1/1000 em) for the letters used below
HELV_W = dict(zip("BCIZabdghiklmnorstuy",
                  [667, 722, 278, 611, 556, 556, 556, 556, 556, 222, 500, 222, 833, 556, 556, 333, 500, 278, 556, 500]))


def make_glued_pdf():
    size = 14
    ops = [b"BT", b"/F1 %d Tf" % size, b"72 720 Td"]
    # line 1: four words, each its own Td/Tj, separated only by position (no space glyph anywhere)
    x = 0
    for word in ["Boris", "Zbarsky", "Chuttur", "Indiana"]:
        ops.append(b"(%s) Tj" % word.encode())
        adv = sum(HELV_W[c] for c in word) * size / 1000 + 12  # 12pt gap, about three spaces wide
        ops.append(b"%.2f 0 Td" % adv)
        x += adv
    # line 2: one word drawn glyph by glyph at its natural advances: must come out as ONE word
    ops.append(b"%.2f -30 Td" % -x)
    for c in "Bloomington":
        ops.append(b"(%s) Tj" % c.encode())
        ops.append(b"%.2f 0 Td" % (HELV_W[c] * size / 1000))
    ops.append(b"ET")
    content = b"\n".join(ops) + b"\n"
    pdf = build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        HELV,
        pdf_stream(content),
    ])
    write("glued-words.pdf", pdf)
    entry("glued-words.pdf", "text", "Boris Zbarsky Chuttur Indiana Bloomington",
          "hand-written PDF, Helvetica: line 1 has four words as separate Td/Tj with no space glyphs; "
          "line 2 draws 'Bloomington' one glyph per Tj at natural advances",
          "written object by object by make-corpus.py (uncompressed stream, computed xref)")


def make_poison_pdf():
    depth = 200_000
    deep_array = b"[" * depth + b"0" + b"]" * depth
    deep_dict = b"<</A " * depth + b"1" + b">>" * depth
    normal = b"BT /F1 12 Tf 72 720 Td (Nested) Tj ET\n"
    poisoned = (b"BT /F1 12 Tf 72 700 Td " + deep_array + b" TJ ET\n"
                + b"/Span " + deep_dict + b" BDC EMC\n")
    pdf = build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> /Properties << /Deep 5 0 R >> >> /Contents [6 0 R 7 0 R] >>",
        HELV,
        deep_array,                      # object 5: 200 000 nested arrays, plain in the file
        pdf_stream(normal),
        pdf_stream(zlib.compress(poisoned, 9), b"/Filter /FlateDecode "),
    ])
    write("poison-nested.pdf", pdf)
    entry("poison-nested.pdf", "poison", "",
          "PDF with object 5 = array nested 200 000 deep (referenced from /Resources), and a Flate content "
          "stream with a 200 000-deep TJ array and a 200 000-deep inline dictionary",
          "written by make-corpus.py")


def make_poison_outline_pdf():
    # A bookmark that is its own first child: a reader walking bookmarks recursively without remembering
    # children recurses until its stack ends (PdfPig 0.1.16: uncatchable StackOverflow, UglyToad/PdfPig#1436).
    content = b"BT /F1 24 Tf 72 720 Td (Zatruty dokument) Tj ET"
    pdf = build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        pdf_stream(content),
        HELV,
        b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
        b"<< /Title (Rozdzial) /Parent 6 0 R /First 7 0 R /Last 7 0 R /Count 1 /Dest [3 0 R /Fit] >>",
    ])
    write("poison-outline.pdf", pdf)
    entry("poison-outline.pdf", "poison", "",
          "PDF whose outline item lists itself as its own /First child (a cyclic bookmark tree); the page text "
          "is fine, reading the bookmarks overflows a recursive reader's stack",
          "written by make-corpus.py")


def make_opendocument_and_rtf():
    # OpenDocument text: stored "mimetype" first (as LibreOffice writes it), then content.xml
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:text>'
               '<text:h text:outline-level="1">Protokół z Ostrołęki</text:h>'
               '<text:p>Reklamacja dotyczy <text:span>przęsła</text:span> mostu w Grudziądzu.<text:tab/>Koszt naprawy ustalono.</text:p>'
               '</office:text></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("mimetype", date_time=(2026, 1, 1, 0, 0, 0))
        z.writestr(info, "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        for name, data in [("content.xml", content), ("META-INF/manifest.xml", manifest)]:
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
    write("protokol.odt", buf.getvalue())
    entry("protokol.odt", "text", "Ostrołęki przęsła Grudziądzu",
          "OpenDocument text (stored mimetype entry first, content.xml with heading, span and tab)", "python zipfile in make-corpus.py")
    # RTF as Polish Word writes it: code page 1250 escapes and \u escapes with an ANSI fallback
    rtf = (b"{\\rtf1\\ansi\\ansicpg1250\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}{\\colortbl;\\red0\\green0\\blue0;}"
           b"{\\*\\generator Hand;}\\pard\\f0\\fs24 Pismo z Pr\\'b9dnika w sprawie gwarancji.\\par "
           b"Zam\\u243?wienie z Bia\\u322?ostoku zosta\\'b3o przyj\\'eate.\\par}")
    write("pismo.rtf", rtf.replace(b"\\\\", b"\\"))
    entry("pismo.rtf", "text", "Prądnika gwarancji Zamówienie Białostoku przyjęte",
          "RTF with \\ansicpg1250 hex escapes and \\u escapes with fallbacks, font and colour tables, a \\* destination",
          "written by make-corpus.py")


def compound_file(stream_name, data):
    """A minimal valid OLE compound file (v3, 512-byte sectors): one stream in regular sectors."""
    sector = 512
    data = data + b"\0" * ((-len(data)) % sector)
    if len(data) < 4096:
        data += b"\0" * (4096 - len(data))      # at least the mini-stream cutoff: a regular stream
    n_data = len(data) // sector
    # sector 0: FAT, sector 1: directory, sectors 2..: the stream
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + [2 + i + 1 for i in range(n_data - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))
    header = bytearray(sector)
    header[0:8] = bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)
    struct.pack_into("<I", header, 72, 0)          # DIFAT sector count
    struct.pack_into("<I", header, 76, 0)          # first FAT sector: 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, 0xFFFFFFFF)

    def entry(name, kind, child, start, size):
        e = bytearray(128)
        n = name.encode("utf-16-le") + b"\0\0"
        e[0:len(n)] = n
        struct.pack_into("<HBB", e, 64, len(n), kind, 1)
        struct.pack_into("<III", e, 68, 0xFFFFFFFF, 0xFFFFFFFF, child)
        struct.pack_into("<II", e, 116, start, size)
        return bytes(e)

    directory = entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry(stream_name, 2, 0xFFFFFFFF, 2, len(data)) + b"\0" * 256
    return bytes(header) + struct.pack("<%dI" % (sector // 4), *fat) + directory + data


def make_legacy_and_archives():
    text = ("Umowa serwisowa z firmą z Kołobrzegu. Reklamacja pompy ciepła; "
            "termin naprawy: czternaście dni. Kierownik: Szczęsny Żółtowski.")
    write("stara-umowa.doc", compound_file("WordDocument", b"\xec\xa5\xc1\x00" + b"\0" * 28 + text.encode("utf-16-le")))
    entry("stara-umowa.doc", "text", "Kołobrzegu Szczęsny Żółtowski",
          "a minimal valid OLE compound file (v3) whose 'WordDocument' stream holds UTF-16 text, as legacy .doc files do",
          "written by make-corpus.py (compound_file)")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in ["Faktury/Faktura_Wrocław_2026.pdf", "Umowy/umowa-Opole.txt"]:
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), b"x", compress_type=zipfile.ZIP_DEFLATED)
    write("archiwum.zip", buf.getvalue())
    entry("archiwum.zip", "text", "Wrocław Opole Faktury", "a zip archive: its text is the names of the files in it", "python zipfile in make-corpus.py")
    write("utf16-nobom.txt", "Notatka ze spotkania w Koszalinie: ustalono harmonogram.\r\n".encode("utf-16-le") * 3)
    entry("utf16-nobom.txt", "text", "Koszalinie harmonogram", "UTF-16 little-endian text without a byte-order mark", "written by make-corpus.py")


def make_polish_pdf(tmp):
    page = ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>Gdańsk</title>'
            '<style>body{font-family:"DejaVu Sans";font-size:14pt;margin:2cm}</style></head><body>'
            '<h1>Gdańsk i okolice</h1>'
            '<p>Na pastwisku pod Wągrowcem pasło się źrebię. Wągrowiec leży w Wielkopolsce, '
            'a Gdańsk nad Motławą.</p>'
            '<p>Zażółć gęślą jaźń: ą ć ę ł ń ó ś ź ż Ą Ć Ę Ł Ń Ó Ś Ź Ż. Przemyśl, Ełk, Łańcut.</p>'
            '</body></html>')
    src = os.path.join(tmp, "polish-text.html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(page)
    chromium(["--no-pdf-header-footer", "--print-to-pdf-no-header", "--print-to-pdf=" + path("polish-text.pdf")], src)
    entry("polish-text.pdf", "text", "Gdańsk źrebię Wągrowiec Przemyśl Łańcut",
          "text PDF with embedded DejaVu Sans subset and Polish diacritics",
          "Chromium --headless --print-to-pdf of an HTML page embedded in make-corpus.py")

    data = open(path("polish-text.pdf"), "rb").read()
    write("truncated.pdf", data[: len(data) // 2])
    entry("truncated.pdf", "metadata", "",
          "first half of polish-text.pdf (no xref, no trailer)", "make-corpus.py cuts polish-text.pdf")

    write("not-a-pdf.pdf", RNG.randbytes(8192))
    entry("not-a-pdf.pdf", "metadata", "", "8 KB of seeded random bytes named .pdf", "make-corpus.py (random.Random)")


def chromium(args, src, timeout=120):
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        sys.exit("chromium is needed for the rendered files")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--force-device-scale-factor=1", "--default-background-color=ffffffff"] + args + ["file://" + src]
    subprocess.run(cmd, check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---------------------------------------------------------------- images for OCR

SCAN_POLISH = ["Województwo Świętokrzyskie", "hetman Żółkiewski", "dokument urzędowy"]
SCAN_ENGLISH = ["Quarterly invoice reminder", "Glasgow"]


def scan_page(lines, px):
    body = "".join(f"<p>{html.escape(l)}</p>" for l in lines)
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
            f'html,body{{background:#fff;color:#000;margin:0}}body{{padding:30px 50px;font-family:"DejaVu Sans";'
            f'font-size:{px}px;line-height:1.3}}p{{margin:0 0 10px 0}}</style></head><body>{body}</body></html>')


def png_chunks(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, out = 8, []
    while pos < len(data):
        n, = struct.unpack(">I", data[pos:pos + 4])
        out.append((data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]))
        pos += 12 + n
    return out


def image_pdf_from_png(png, dpi=150):
    """Image-only PDF: the PNG's own IDAT zlib stream used as a FlateDecode image with the PNG predictor."""
    chunks = png_chunks(png)
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8 and ctype == 2 and interlace == 0, "expects an 8-bit RGB, non-interlaced PNG"
    idat = b"".join(d for t, d in chunks if t == b"IDAT")
    pw, ph = w * 72 / dpi, h * 72 / dpi
    content = b"q %.2f 0 0 %.2f 0 0 cm /Im1 Do Q\n" % (pw, ph)
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im1 4 0 R >> >> "
        b"/Contents 5 0 R >>" % (pw, ph),
        pdf_stream(idat, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                         b"/BitsPerComponent 8 /Filter /FlateDecode "
                         b"/DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns %d >> " % (w, h, w)),
        pdf_stream(content),
    ])


def make_scans(tmp):
    src = os.path.join(tmp, "scan-polish.html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(scan_page(SCAN_POLISH, 44))
    chromium(["--window-size=1000,260", "--screenshot=" + path("scan-polish.png")], src)
    write("scan-polish.pdf", image_pdf_from_png(open(path("scan-polish.png"), "rb").read()))
    words = "Świętokrzyskie Żółkiewski urzędowy Województwo hetman dokument"
    entry("scan-polish.png", "ocr", words, "PNG screenshot of Polish text (DejaVu Sans 44px, black on white)",
          "Chromium --headless --screenshot of an HTML page embedded in make-corpus.py")
    entry("scan-polish.pdf", "ocr", words,
          "image-only PDF (no text layer) holding exactly the pixels of scan-polish.png at 150 dpi",
          "make-corpus.py wraps the PNG's IDAT stream as a FlateDecode image (PNG predictor)")

    src = os.path.join(tmp, "scan-english.html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(scan_page(SCAN_ENGLISH, 40))
    chromium(["--window-size=900,180", "--screenshot=" + path("scan-english.jpg")], src)
    entry("scan-english.jpg", "ocr", "Quarterly invoice reminder Glasgow",
          "JPEG screenshot of English text (DejaVu Sans 40px)",
          "Chromium --headless --screenshot (JPEG) of an HTML page embedded in make-corpus.py")


# ---------------------------------------------------------------- hostile files

def raw_zip(name, entries):
    """entries: (name, method, crc, csize, claimed_usize, payload). Writes local headers and central
    directory with the sizes given, whatever the payload really inflates to."""
    dostime, dosdate = (10 << 11), ((2025 - 1980) << 9) | (1 << 5) | 6
    out, central = bytearray(), bytearray()
    for ename, method, crc, csize, usize, payload in entries:
        n = ename.encode()
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, dostime, dosdate, crc, csize, usize, len(n), 0) + n
        out += payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, dostime, dosdate, crc, csize, usize,
                               len(n), 0, 0, 0, 0, 0, off) + n
    cd_off = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_off, 0)
    write(name, bytes(out))


def honest(ename, data):
    d = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = d.compress(data) + d.flush()
    return (ename, 8, zlib.crc32(data), len(payload), len(data), payload)


def deflate_filled(prefix, fill_byte, fill_len, suffix):
    """Raw deflate of prefix + fill_byte*fill_len + suffix without holding it in memory."""
    d = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc = zlib.crc32(prefix)
    parts = [d.compress(prefix)]
    chunk = fill_byte * (1 << 20)
    left = fill_len
    while left:
        c = chunk if left >= len(chunk) else chunk[:left]
        crc = zlib.crc32(c, crc)
        parts.append(d.compress(c))
        left -= len(c)
    crc = zlib.crc32(suffix, crc)
    parts.append(d.compress(suffix))
    parts.append(d.flush())
    return b"".join(parts), crc, len(prefix) + fill_len + len(suffix)


def make_zip_bombs():
    pre = (XML_DECL + f"<w:document {W_NS}><w:body><w:p><w:r><w:t xml:space=\"preserve\">Bomba ").encode()
    suf = b"</w:t></w:r></w:p></w:body></w:document>"
    payload, crc, real = deflate_filled(pre, b" ", 300 * 1024 * 1024, suf)
    entries = [honest(n, d.encode() if isinstance(d, str) else d) for n, d in docx_parts("")[:4]]
    entries += [honest("word/_rels/document.xml.rels", rels([]).encode())]
    entries.append(("word/document.xml", 8, crc, len(payload), 1000, payload))  # claims 1000 bytes
    raw_zip("zip-bomb-lying.docx", entries)
    entry("zip-bomb-lying.docx", "poison", "",
          f"docx-shaped zip; word/document.xml inflates to {real} bytes (300 MiB of spaces in <w:t>) but its local "
          "and central headers claim 1000 bytes (CRC is the real one)",
          "make-corpus.py: zlib raw deflate, zip headers written by hand")

    sheet_pre = (XML_DECL + f'<worksheet xmlns="{S_NS}"><sheetData><row r="1">'
                 '<c r="A1" t="inlineStr"><is><t>Bomba</t></is></c></row>').encode()
    sheet_suf = b"</sheetData></worksheet>"
    payload, crc, real = deflate_filled(sheet_pre, b" ", 1_000_000_000, sheet_suf)
    parts = xlsx_parts("", XML_DECL + f'<sst xmlns="{S_NS}" count="0" uniqueCount="0"/>')
    entries = [honest(n, d.encode()) for n, d in parts if n != "xl/worksheets/sheet1.xml"]
    entries.append(("xl/worksheets/sheet1.xml", 8, crc, len(payload), real, payload))
    raw_zip("zip-bomb-honest.xlsx", entries)
    entry("zip-bomb-honest.xlsx", "poison", "",
          f"xlsx whose sheet1.xml honestly declares {real} bytes ({len(payload)} compressed, ratio "
          f"{real // len(payload)}:1); the filler is XML whitespace, so a streaming reader would parse it all",
          "make-corpus.py: zlib raw deflate, zip headers written by hand")


def make_cells_blowup():
    rows, per_row, n_shared = 300_000, 10, 1_000_000
    cell = b'<c t="s"><v>1</v></c>'
    row = b"<row>" + cell * per_row + b"</row>"

    def stream_deflate(pieces):
        d = zlib.compressobj(9, zlib.DEFLATED, -15)
        crc, size, out = 0, 0, []
        for p in pieces:
            crc = zlib.crc32(p, crc)
            size += len(p)
            out.append(d.compress(p))
        out.append(d.flush())
        return b"".join(out), crc, size

    def sheet_pieces():
        yield (XML_DECL + f'<worksheet xmlns="{S_NS}"><dimension ref="A1:J{rows}"/><sheetData>').encode()
        yield b'<row r="1"><c r="A1" t="s"><v>0</v></c>' + cell * (per_row - 1) + b"</row>"
        block = row * 1000
        for _ in range((rows - 1) // 1000):
            yield block
        yield row * ((rows - 1) % 1000)
        yield b"</sheetData></worksheet>"

    def sst_pieces():
        total = rows * per_row
        yield (XML_DECL + f'<sst xmlns="{S_NS}" count="{total}" uniqueCount="{n_shared + 1}">'
               '<si><t>Olsztyn</t></si>').encode()
        block = b"<si><t>x</t></si>" * 10000
        for _ in range(n_shared // 10000):
            yield block
        yield b"</sst>"

    big = {"xl/worksheets/sheet1.xml": stream_deflate(sheet_pieces()),
           "xl/sharedStrings.xml": stream_deflate(sst_pieces())}
    entries = []
    for n, d in xlsx_parts("", ""):
        if n in big:
            payload, crc, size = big[n]
            entries.append((n, 8, crc, len(payload), size, payload))
        else:
            entries.append(honest(n, d.encode()))
    raw_zip("cells-blowup.xlsx", entries)
    sizes = {n: v[2] for n, v in big.items()}
    entry("cells-blowup.xlsx", "text", "Olsztyn",
          f"valid xlsx: {rows * per_row} cells (rows and cells without r attributes, which is allowed) "
          f"= {sizes['xl/worksheets/sheet1.xml']} bytes of sheet XML, and {n_shared + 1} shared strings "
          f"({sizes['xl/sharedStrings.xml']} bytes); A1 is the shared string 'Olsztyn'",
          "make-corpus.py: zlib raw deflate, zip headers written by hand (sizes honest)")


def make_billion_laughs():
    ents = '<!ENTITY lol "lol">\n'
    for i in range(1, 10):
        prev = "lol" if i == 1 else f"lol{i - 1}"
        ents += f'<!ENTITY lol{i} "' + f"&{prev};" * 10 + '">\n'
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f"<!DOCTYPE w:document [\n{ents}]>\n"
           f"<w:document {W_NS}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>{SECT}</w:body></w:document>")
    write_zip("billion-laughs.docx", docx_parts(doc))
    entry("billion-laughs.docx", "poison", "",
          "docx whose document.xml has an internal DTD with 9 levels of 10x entity expansion (10^9 'lol')",
          "hand-built with python zipfile")


def png_chunk(typ, data):
    return struct.pack(">I", len(data)) + typ + data + struct.pack(">I", zlib.crc32(typ + data))


def make_huge_png():
    w = h = 40_000
    # palette image, 1 bit per pixel, one palette entry (white): every byte of the image data is 0
    row = b"\x00" + b"\x00" * ((w + 7) // 8)
    d = zlib.compressobj(9)
    block = row * 200
    parts = [d.compress(block) for _ in range(h // 200)] + [d.flush()]
    idat = b"".join(parts)
    png = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 3, 0, 0, 0))
           + png_chunk(b"PLTE", b"\xff\xff\xff") + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))
    write("huge-dimensions.png", png)
    entry("huge-dimensions.png", "poison", "",
          f"valid PNG declaring {w}x{h} pixels (1.6 gigapixels; 6.4 GB as RGBA), one white colour, "
          f"{len(idat)} bytes of IDAT", "make-corpus.py writes the PNG chunks by hand (zlib level 9)")


def make_misc():
    write("empty.txt", b"")
    entry("empty.txt", "metadata", "", "0-byte file", "make-corpus.py")
    write("random.bin", RNG.randbytes(65536))
    entry("random.bin", "metadata", "", "64 KiB of seeded random bytes", "make-corpus.py (random.Random)")
    write("random.txt", RNG.randbytes(16384))
    entry("random.txt", "metadata", "", "16 KiB of seeded random bytes named .txt", "make-corpus.py (random.Random)")

    depth = 100_000
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>deep</title></head><body>'
            "<p>Kartuzy</p>" + "<div>" * depth + "Wejherowo" + "</body></html>\n")
    write("deep.html", page.encode())
    entry("deep.html", "poison", "",
          f"HTML with {depth} nested <div> elements (open tags only: an HTML5 parser nests them all, "
          "and </body> closes them); 'Kartuzy' before and 'Wejherowo' inside the innermost div",
          "make-corpus.py")

    # 3 000 000 bytes, one line: "Zakopane " then no whitespace at all. The filler mixes 2-byte UTF-8
    # letters into a 37-character period so multi-byte sequences straddle any buffer boundary.
    unit = "abcdefghżijklmnopqrśtuvwxyz0123456789".encode("utf-8")
    total = 3_000_000
    head = b"Zakopane "
    body = (unit * (total // len(unit) + 1))[: total - len(head)]
    body = body.decode("utf-8", "ignore").encode("utf-8")  # drop a sequence cut at the end
    data = head + body + b"z" * (total - len(head) - len(body))
    data.decode("utf-8")
    write("long-line.txt", data)
    entry("long-line.txt", "text", "Zakopane",
          f"{len(data)} bytes on one line, no newline; 'Zakopane ' then a 2 999 991-byte run of letters/digits "
          "with 2-byte UTF-8 letters (ż, ś) mixed in", "make-corpus.py")


# ---------------------------------------------------------------- listing

def write_listing():
    MANIFEST.sort(key=lambda e: e[0])
    with open(path("MANIFEST.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("file\texpect\twords\n")
        for name, expect, words, _, _ in MANIFEST:
            f.write(f"{name}\t{expect}\t{words}\n")
    with open(path("SOURCES.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# Extraction test corpus: sources\n\n"
                "Every file in this folder was made for this project by `make-corpus.py` (in this folder); "
                "nothing was downloaded. All files are released under CC0-1.0.\n\n"
                "`MANIFEST.tsv` says what each file must do: `text` = the listed words must be found by full-text "
                "search (and their ASCII-folded forms); `metadata` = may yield no text, but must be stored, "
                "downloadable byte-identical, and cause no server error; `ocr` = words found only where "
                "tesseract (pol+eng) is installed; `poison` = expected to crash or hit a limit in the extraction "
                "worker, while the server stays up and still stores the file.\n\n"
                "Rebuild: `python3 tests/corpus/make-corpus.py` (needs chromium for the rendered PDF and "
                "images); check: `python3 tests/corpus/make-corpus.py --verify` (needs poppler-utils and "
                "tesseract-ocr with pol). `polish-text.pdf` and `truncated.pdf` carry Chromium's creation date, so "
                "they differ byte-wise on every rebuild; the `scan-*` images depend on the installed Chromium and "
                "DejaVu fonts (re-run `--verify` after a rebuild); everything else is byte-identical.\n\n"
                "Notes on words that are in the files but deliberately not in `MANIFEST.tsv`:\n\n"
                "- CJK (`漢字` in `word.docx`, `東京 大学` in `unicode-mix.txt`): Lucene's StandardTokenizer "
                "emits one token per ideograph, so whether a query for the two-character word matches depends on "
                "the query parser, not on extraction.\n"
                "- NFD text in `unicode-mix.txt` (`Zoe` + U+0308, `zażółć` decomposed): matches the NFC query only "
                "if the pipeline normalises Unicode; ASCII folding alone leaves the combining marks.\n"
                "- `deep.html` has `Kartuzy` (before the nesting) and `Wejherowo` (innermost); the `zip-bomb-*` "
                "files start with `Bomba`: all `poison`, so no word is required.\n"
                "- `word.docx` splits `Inowrocławia` over two runs (`Inowro` + `cławia`): it is listed, because "
                "an extractor that puts a space between runs is wrong.\n"
                "- `html-only.eml` writes `Kraków` as `Krak&oacute;w`: listed, because entities must be decoded.\n\n"
                "| file | bytes | expect | what it is | how it was made | licence |\n"
                "| --- | ---: | --- | --- | --- | --- |\n")
        for name, expect, words, what, how in MANIFEST:
            size = os.path.getsize(path(name))
            what = what.replace("|", "\\|")
            f.write(f"| `{name}` | {size} | {expect} | {what} | {how} | CC0-1.0, made for this project |\n")


# ---------------------------------------------------------------- verification

FOLD_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "đ": "d", "ß": "ss"})


def fold(s):
    """Roughly what Lucene's ASCIIFoldingFilter does to Latin letters (for the report only)."""
    s = s.translate(FOLD_EXTRA)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def extracted_text(name):
    p = path(name)
    data = open(p, "rb").read()
    ext = name.rsplit(".", 1)[-1]
    if name == "cp1250-polish.txt":
        return data.decode("cp1250")
    if ext == "txt":
        return data.decode("utf-8")
    if ext == "html":
        cs = re.search(rb'charset=["\']?([\w-]+)', data).group(1).decode()
        return html.unescape(re.sub(r"<[^>]+>", " ", data.decode(cs)))
    if ext == "eml":
        msg = email.message_from_bytes(data)
        out = [str(email.header.make_header(email.header.decode_header(msg["Subject"])))]
        for part in msg.walk():
            if part.is_multipart():
                continue
            raw = part.get_payload(decode=True)
            t = raw.decode(part.get_content_charset() or "cp1252")
            if part.get_content_type() == "text/html":
                t = html.unescape(re.sub(r"<[^>]+>", " ", t))
            out.append(t)
        return "\n".join(out)
    if ext in ("docx", "docm", "xlsx", "xlsm", "pptx", "pptm"):
        out = []
        with zipfile.ZipFile(p) as z:
            for n in z.namelist():
                if not n.endswith(".xml") or not n.startswith(("word/", "xl/", "ppt/")):
                    continue
                with z.open(n) as f:
                    xml = f.read(4_000_000).decode("utf-8", "replace")
                for para in re.findall(r"<(?:w:p|a:p|si)\b.*?</(?:w:p|a:p|si)>", xml, re.S):
                    out.append(html.unescape("".join(re.findall(r"<(?:w:t|a:t|t)\b[^>]*>([^<]*)<", para))))
        return "\n".join(out)
    if ext == "pdf":
        return subprocess.run(["pdftotext", "-enc", "UTF-8", p, "-"], capture_output=True, timeout=60).stdout.decode()
    raise ValueError(name)


def ocr_text(name):
    p = path(name)
    with tempfile.TemporaryDirectory() as tmp:
        if name.endswith(".pdf"):
            subprocess.run(["pdftoppm", "-r", "150", "-png", p, os.path.join(tmp, "page")], check=True)
            p = os.path.join(tmp, sorted(os.listdir(tmp))[0])
        return subprocess.run(["tesseract", p, "stdout", "-l", "pol+eng"], capture_output=True,
                              timeout=120).stdout.decode()


def verify():
    bad = 0
    with open(path("MANIFEST.tsv"), encoding="utf-8") as f:
        lines = f.read().splitlines()[1:]
    for line in lines:
        name, expect, words = line.split("\t")
        if expect == "ocr":
            text = ocr_text(name)
            print(f"--- tesseract {name}:\n{text.strip()}")
        elif expect == "text":
            text = extracted_text(name)
        else:
            if name.endswith(".pdf") and name != "poison-nested.pdf":
                t = subprocess.run(["pdftotext", path(name), "-"], capture_output=True, timeout=60)
                print(f"{name}: pdftotext exit {t.returncode}, {len(t.stdout.strip())} chars")
            continue
        tokens = {t.casefold() for t in re.findall(r"\w+", text)}
        for w in words.split():
            ok = w.casefold() in tokens
            print(f"{'ok ' if ok else 'MISSING'} {name}: {w} (folded {fold(w)})")
            bad += not ok
    t = subprocess.run(["pdftotext", path("scan-polish.pdf"), "-"], capture_output=True).stdout.strip()
    print(f"scan-polish.pdf text layer: {len(t)} chars (must be 0)")
    bad += bool(t)
    total = sum(os.path.getsize(path(n)) for n in os.listdir(OUT))
    print(f"folder total: {total} bytes; {'FAILED ' + str(bad) if bad else 'all words found'}")
    return bad


def main():
    global OUT
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if args:
        OUT = os.path.abspath(args[0])
    if "--verify" in sys.argv:
        sys.exit(1 if verify() else 0)
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        make_text()
        make_mail()
        make_office()
        make_polish_pdf(tmp)
        make_glued_pdf()
        make_poison_outline_pdf()
        make_opendocument_and_rtf()
        make_legacy_and_archives()
        make_scans(tmp)
        make_zip_bombs()
        make_cells_blowup()
        make_billion_laughs()
        make_poison_pdf()
        make_huge_png()
        make_misc()
    write_listing()
    with open(path(".gitattributes"), "w", newline="\n") as f:
        f.write("# corpus files must reach the test byte for byte: no line-ending conversion, ever\n"
                "* binary\n*.py text diff eol=lf\n*.md text diff eol=lf\nMANIFEST.tsv text diff eol=lf\n")
    print(f"wrote {len(MANIFEST)} files to {OUT}")


if __name__ == "__main__":
    main()

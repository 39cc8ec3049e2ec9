"""Rendering letters from .docx templates: exact values, the sandbox, limits, QR, properties.

Fixtures are built here with python-docx (:func:`make_template`); the QR code is decoded with
``zxing-cpp`` from a small pure-Python PNG reader (no Pillow or numpy needed).
"""

from __future__ import annotations

import io
import random
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from archive.errors import ExitCode, InputError, TemplateError
from archive.letters.render import (
    QR_MEDIA,
    CompiledTemplate,
    IsolatedRenderer,
    check_template,
    check_values,
    compile_template,
    parse_qr_payload,
    qr_png,
    render_isolated,
)

docx = pytest.importorskip("docx")

ROOT = Path(__file__).resolve().parents[1]
CODE = "91431127MA4L0X0X0X"
SERIAL = "蓝应急诺〔2026〕0001号"


# --------------------------------------------------------------------------------------------
# Fixtures


def make_template(path: Path, extra_paragraphs: tuple[str, ...] | list[str] = ()) -> Path:
    """A small letter template: title, serial, name, code, address, a ``{%p for %}`` loop, a
    table with a ``{%tr for %}`` row, a header and a footer, the QR placeholder picture, and
    templated core properties.  ``extra_paragraphs`` are added before the QR paragraph.
    """
    from docx.opc.packuri import PackURI
    from docx.shared import Cm

    document = docx.Document()
    document.core_properties.title = "安全生产承诺书"
    document.core_properties.subject = "{{ enterprise.name }}（{{ year }}年）"
    document.add_heading("安全生产承诺书", level=1)
    document.add_paragraph("编号：{{ serial }}")
    document.add_paragraph("单位名称：{{ enterprise.name }}")
    document.add_paragraph("统一社会信用代码：{{ enterprise.credit_code }}")
    document.add_paragraph("地址：{{ enterprise.address }}")
    document.add_paragraph("{%p for item in items %}")
    document.add_paragraph("{{ loop.index }}. {{ item }}")
    document.add_paragraph("{%p endfor %}")
    table = document.add_table(rows=5, cols=2)
    table.cell(0, 0).text = "姓名"
    table.cell(0, 1).text = "职务"
    table.cell(1, 0).text = "{%tr for person in people %}"
    table.cell(2, 0).text = "{{ person.name }}"
    table.cell(2, 1).text = "{{ person.role }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    table.cell(4, 0).text = "单位"
    table.cell(4, 1).text = "{{ enterprise.name }}"
    for text in extra_paragraphs:
        document.add_paragraph(text)
    run = document.add_paragraph("二维码：").add_run()
    run.add_picture(io.BytesIO(qr_png("PLACEHOLDER", None)), width=Cm(2))
    section = document.sections[0]
    section.header.paragraphs[0].text = "{{ bureau }}"
    section.footer.paragraphs[0].text = "编号 {{ serial }}"
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/image"):
            rel.target_part.partname = PackURI("/" + QR_MEDIA)
    document.save(path)
    return path


def make_context(
    name: str = "蓝山县甲矿业有限公司", code: str = CODE, address: str = "塔峰镇"
) -> dict:
    return {
        "enterprise": {"name": name, "credit_code": code, "address": address},
        "items": ["遵守安全生产法律法规", "落实主体责任", "接受监督"],
        "people": [{"name": "张三", "role": "法定代表人"}, {"name": "李四", "role": "安全员"}],
        "bureau": "蓝山县应急管理局",
        "year": 2026,
    }


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("tpl") / "letter.docx")


@pytest.fixture(scope="module")
def compiled(template_path: Path) -> CompiledTemplate:
    return compile_template(template_path)


def open_docx(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
    return docx.Document(io.BytesIO(data))


def texts(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def all_text(document) -> str:
    parts = texts(document)
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    section = document.sections[0]
    parts += [p.text for p in section.header.paragraphs] + [
        p.text for p in section.footer.paragraphs
    ]
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# PNG → pixels → zxing-cpp


def png_gray(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and 8-bit gray pixels of a non-interlaced grayscale PNG (1 or 8 bit)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, compressed = 8, b""
    width = height = depth = 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert colour == 0 and interlace == 0 and depth in (1, 8)
        elif kind == b"IDAT":
            compressed += body
    raw = zlib.decompress(compressed)
    stride = (width * depth + 7) // 8
    step = max(depth // 8, 1)
    pixels = bytearray()
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - step] if i >= step else 0
            b = previous[i]
            c = previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        previous = line
        if depth == 8:
            pixels += line
        else:
            pixels += bytes(255 if line[x // 8] >> (7 - x % 8) & 1 else 0 for x in range(width))
    return width, height, bytes(pixels)


def decode_qr(png: bytes) -> str:
    zxingcpp = pytest.importorskip("zxingcpp")
    width, height, pixels = png_gray(png)
    result = zxingcpp.read_barcode(memoryview(pixels).cast("B", (height, width)))
    assert result is not None, "no QR code found"
    return result.text


# --------------------------------------------------------------------------------------------
# Rendering


def test_render_matches_docxtpl(template_path: Path, compiled: CompiledTemplate) -> None:
    from docxtpl import DocxTemplate

    context = make_context(name="A&B<有限>公司", address="塔峰镇\n龙泉路 1 号")
    ours = open_docx(compiled.render(context, serial=SERIAL, credit_code=CODE))
    plain = DocxTemplate(template_path)
    plain.render({**context, "serial": SERIAL}, autoescape=True)
    buffer = io.BytesIO()
    plain.save(buffer)
    theirs = open_docx(buffer.getvalue())
    assert texts(ours) == texts(theirs)
    assert all_text(ours) == all_text(theirs)
    assert "单位名称：A&B<有限>公司" in texts(ours)
    assert "地址：塔峰镇\n龙泉路 1 号" in texts(ours)  # \n → <w:br/>, as docxtpl does
    assert [t for t in texts(ours) if t[:2] in ("1.", "2.", "3.")] == [
        "1. 遵守安全生产法律法规",
        "2. 落实主体责任",
        "3. 接受监督",
    ]
    rows = [[cell.text for cell in row.cells] for row in ours.tables[0].rows]
    assert rows == [
        ["姓名", "职务"],
        ["张三", "法定代表人"],
        ["李四", "安全员"],
        ["单位", "A&B<有限>公司"],
    ]
    assert ours.sections[0].header.paragraphs[0].text == "蓝山县应急管理局"
    assert ours.sections[0].footer.paragraphs[0].text == f"编号 {SERIAL}"


def test_compiled_template_attributes(template_path: Path, compiled: CompiledTemplate) -> None:
    import hashlib

    assert compiled.name == "letter"
    assert compiled.path == template_path
    assert compiled.sha256 == hashlib.sha256(template_path.read_bytes()).hexdigest()
    assert compiled.variables == {"serial", "enterprise", "items", "people", "bureau", "year"}
    assert compiled.has_qr


def test_core_properties_hold_the_serial(compiled: CompiledTemplate) -> None:
    data = compiled.render(make_context(), serial=SERIAL, credit_code=CODE, title="承诺书 甲公司")
    properties = open_docx(data).core_properties
    assert properties.identifier == SERIAL
    assert f"credit-serial:{SERIAL};uscc:{CODE}" in properties.keywords
    assert properties.title == "承诺书 甲公司"
    assert (
        properties.subject == "蓝山县甲矿业有限公司（2026年）"
    )  # templated property, escaped once
    untitled = open_docx(compiled.render(make_context(), serial="X-2", credit_code=None))
    assert untitled.core_properties.title == "安全生产承诺书"
    assert untitled.core_properties.keywords.endswith("credit-serial:X-2;uscc:")


def test_qr_code_decodes_to_serial_and_code(compiled: CompiledTemplate) -> None:
    data = compiled.render(make_context(), serial=SERIAL, credit_code=CODE)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        png = archive.read(QR_MEDIA)
    text = decode_qr(png)
    assert text == f"CREDIT|{SERIAL}|{CODE}"
    assert parse_qr_payload(text) == (SERIAL, CODE)
    width, height, _pixels = png_gray(png)
    assert 200 <= width == height <= 300  # about 2 cm at 300 dpi


def test_qr_png_for_a_section_letter() -> None:
    assert parse_qr_payload(decode_qr(qr_png("蓝应急催〔2026〕12号", None))) == (
        "蓝应急催〔2026〕12号",
        None,
    )


def test_qr_mask_choice_gives_segnos_own_symbol() -> None:
    """The fast mask choice only picks the mask: the symbol is segno's, bit for bit."""
    import segno

    from archive.letters.render.qr import _qr_matrix

    for index in (0, 7, 4242):
        payload = f"CREDIT|蓝应急诺〔2026〕{index:04d}号|{CODE}" + "甲" * (index % 9)
        symbols = [[bytes(row) for row in segno.make_qr(payload, error="m", mask=k).matrix] for k in range(8)]  # fmt: skip
        assert _qr_matrix(payload) in symbols
        assert decode_qr(qr_png(f"蓝应急诺〔2026〕{index:04d}号", CODE)).startswith("CREDIT|")


def test_rendering_is_deterministic_and_copies_unchanged_parts(
    template_path: Path, compiled: CompiledTemplate
) -> None:
    first = compiled.render(make_context(), serial=SERIAL, credit_code=CODE)
    assert first == compiled.render(make_context(), serial=SERIAL, credit_code=CODE)
    with zipfile.ZipFile(template_path) as original, zipfile.ZipFile(io.BytesIO(first)) as out:
        assert original.namelist() == out.namelist()
        for name in original.namelist():
            if name not in (*compiled.parts, "docProps/core.xml", QR_MEDIA):
                assert original.read(name) == out.read(name), name


# --------------------------------------------------------------------------------------------
# Hostile values


def hostile_values(count: int, seed: int = 20260101) -> list[tuple[str, str]]:
    """Names and addresses full of markup, Jinja, XML, emoji, RTL marks, long text."""
    fixed = [
        "A&B<有限>公司",
        "&amp; &lt; &gt; &quot; &#39; &#x41;",
        "\"双引号\" '单引号' `反引号`",
        "{{ 7*7 }}",
        "{{ enterprise.credit_code }}",
        "{% if true %}真{% endif %}",
        "{%p for x in y %}",
        "{%tr endfor %}",
        "{# 注释 #}",
        "{_{ 转义 }_} {_% x %_}",
        "</w:t><w:p><w:r><w:t>注入</w:t></w:r></w:p><w:t>",
        "<![CDATA[x]]>",
        "<?xml version='1.0'?>",
        "甲" * 200,
        "🏭⚠️🔥👷‍♂️ 矿业",
        "ＡＢＣ１２３（全角）有限公司",
        "\u200f右至左\u202e标记\u202c",
        "e\u0301\u0302\u0303 组合字符",
        "  前后空格  ",
        "制表\t符",
        "换行\n第二行",
        "\\n \\t \\x00 反斜杠",
        "%s %(name)s {0} {name}",
        "]]> --> <!--",
    ]
    pieces = [item for item in fixed if len(item) < 60] + [
        "&", "<", ">", '"', "'", "{{", "}}", "{%", "%}", "{#", "#}", "</w:t>", "<w:p>",
        "有限公司", "矿业", "😀", "\u200f", "\u202e", "\u0301", "Ａ", "\n", "\t", " ",
    ]  # fmt: skip
    rng = random.Random(seed)
    values = []
    for index in range(count):
        if index < len(fixed):
            name = fixed[index]
        else:
            name = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        address = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        values.append((name[:200], address))
    return values


@pytest.mark.slow
def test_500_hostile_names_and_addresses(compiled: CompiledTemplate) -> None:
    benign = open_docx(compiled.render(make_context(), serial=SERIAL, credit_code=CODE))
    paragraphs = len(benign.paragraphs)
    for index, (name, address) in enumerate(hostile_values(500)):
        serial = f"蓝应急诺〔2026〕{index:04d}号"
        data = compiled.render(
            make_context(name=name, address=address), serial=serial, credit_code=CODE
        )
        document = open_docx(data)
        lines = texts(document)
        assert len(lines) == paragraphs, name
        assert f"单位名称：{name}" in lines, name
        assert f"统一社会信用代码：{CODE}" in lines
        assert f"地址：{address}" in lines, address
        assert f"编号：{serial}" in lines
        assert document.tables[0].rows[-1].cells[1].text == name
        assert len(document.tables[0].rows) == 4


def test_jinja_in_values_is_never_evaluated(compiled: CompiledTemplate) -> None:
    name = "{{ 7*7 }}{% for i in range(3) %}x{% endfor %}{{ ''.__class__ }}"
    document = open_docx(compiled.render(make_context(name=name), serial=SERIAL, credit_code=CODE))
    assert f"单位名称：{name}" in texts(document)
    assert "49" not in all_text(document)


def test_carriage_returns_become_line_breaks(compiled: CompiledTemplate) -> None:
    context = make_context(address="一行\r\n二行\r三行")
    document = open_docx(compiled.render(context, serial=SERIAL, credit_code=CODE))
    assert "地址：一行\n二行\n三行" in texts(document)


def test_literal_ampersand_in_a_template_tag_is_escaped_once(tmp_path: Path) -> None:
    path = make_template(tmp_path / "amp.docx", ["{{ 'A&B<C>' }}|{{ enterprise.name ~ '&' }}"])
    document = open_docx(
        compile_template(path).render(make_context(name="甲&乙"), serial=SERIAL, credit_code=CODE)
    )
    assert "A&B<C>|甲&乙&" in texts(document)


# --------------------------------------------------------------------------------------------
# Values XML cannot hold


@pytest.mark.parametrize(
    ("character", "code"),
    [("\x00", "U+0000"), ("\x01", "U+0001"), ("\x0b", "U+000B"), ("\x0c", "U+000C"),
     ("\x1f", "U+001F"), ("\ufffe", "U+FFFE"), ("\uffff", "U+FFFF"), ("\ud800", "U+D800")],
)  # fmt: skip
def test_characters_xml_cannot_hold_are_refused(
    compiled: CompiledTemplate, character: str, code: str
) -> None:
    context = make_context(name=f"甲{character}公司")
    with pytest.raises(InputError) as caught:
        check_values(context)
    assert "enterprise.name" in caught.value.message
    assert code in caught.value.message
    with pytest.raises(InputError) as caught:
        compiled.render(context, serial=SERIAL, credit_code=CODE)
    assert "enterprise.name" in caught.value.message
    nested = make_context()
    nested["people"][1]["role"] = f"安全{character}员"
    with pytest.raises(InputError, match=r"people\[1\]\.role"):
        check_values(nested)


def test_tab_newline_and_return_are_allowed() -> None:
    check_values({"a": "x\ty\nz\r", "b": ["甲", {"c": "😀\u200f"}], "n": 3, "none": None})


def test_bad_serial_is_refused(compiled: CompiledTemplate) -> None:
    with pytest.raises(InputError):
        compiled.render(make_context(), serial="S\x07", credit_code=CODE)


# --------------------------------------------------------------------------------------------
# Missing values, syntax errors, check_template


def test_missing_variable_names_template_and_variable(compiled: CompiledTemplate) -> None:
    context = make_context()
    del context["bureau"]
    with pytest.raises(TemplateError) as caught:
        compiled.render(context, serial=SERIAL, credit_code=CODE)
    assert "letter" in caught.value.message
    assert "bureau" in caught.value.message
    assert caught.value.exit_code == ExitCode.TEMPLATE
    context = make_context()
    del context["enterprise"]["address"]
    with pytest.raises(TemplateError, match=r"enterprise\.address"):
        compiled.render(context, serial=SERIAL, credit_code=CODE)


def test_syntax_error_names_file_part_and_line(tmp_path: Path) -> None:
    path = make_template(tmp_path / "broken.docx", ["结尾 {% if enterprise.name %} 没有 endif"])
    with pytest.raises(TemplateError) as caught:
        compile_template(path)
    message = caught.value.message
    assert "broken" in message and "word/document.xml" in message
    assert "行" in message and "{% if enterprise.name %}" in message
    assert caught.value.exit_code == ExitCode.TEMPLATE


def test_check_template_reports_variables_errors_and_qr(tmp_path: Path) -> None:
    path = make_template(tmp_path / "ok.docx")
    report = check_template(path, provided={"enterprise", "items", "people", "year", "extra"})
    assert report.missing == {"bureau"}
    assert report.unused == {"extra"}
    assert report.has_qr and not report.errors and not report.ok
    assert check_template(path, provided=set(report.variables)).ok

    broken = make_template(tmp_path / "broken.docx", ["{{ enterprise.name }", "{% endfor %}"])
    report = check_template(broken)
    assert report.errors
    problem = report.errors[0]
    assert problem.part == "word/document.xml"
    assert problem.line is not None and problem.line > 1
    assert "{{ enterprise.name }" in (problem.text or "")
    assert "word/document.xml" in problem.describe()


def test_check_template_finds_errors_in_headers(tmp_path: Path) -> None:
    path = make_template(tmp_path / "header.docx")
    document = docx.Document(path)
    document.sections[0].header.paragraphs[0].text = "{{ bureau | no_such_filter }}"
    document.save(path)
    report = check_template(path)
    assert [problem.part for problem in report.errors] == ["word/header1.xml"]


def test_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "letter.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match=r"letter\.docx"):
        compile_template(path)
    report = check_template(path)
    assert report.errors and not report.ok
    empty = tmp_path / "empty.docx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("hello.txt", "x")
    assert check_template(empty).errors
    assert check_template(tmp_path / "missing.docx").errors


def test_template_without_qr_placeholder(tmp_path: Path) -> None:
    path = tmp_path / "plain.docx"
    document = docx.Document()
    document.add_paragraph("{{ enterprise.name }} {{ serial }}")
    document.save(path)
    template = compile_template(path)
    assert not template.has_qr and not check_template(path).has_qr
    data = template.render(make_context(), serial=SERIAL, credit_code=CODE)
    assert texts(open_docx(data)) == [f"蓝山县甲矿业有限公司 {SERIAL}"]


def test_template_without_core_properties_part(tmp_path: Path) -> None:
    """Some generators write no docProps/core.xml: python-docx adds one at compile time."""
    import re

    source = make_template(tmp_path / "full.docx")
    stripped = tmp_path / "nocore.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(stripped, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "docProps/core.xml":
                continue
            if info.filename == "_rels/.rels":
                data = re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", data)
            if info.filename == "word/document.xml":  # a body with a namespace of its own
                data = data.replace(b"<w:body>", b'<w:body xmlns:foo="urn:foo">', 1)
            zout.writestr(info, data)
    data = compile_template(stripped).render(make_context(), serial=SERIAL, credit_code=CODE)
    document = open_docx(data)
    assert document.core_properties.identifier == SERIAL
    assert f"编号：{SERIAL}" in texts(document)


# --------------------------------------------------------------------------------------------
# Sandbox escapes and runaway templates

PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ request }}",
    "{{ config }}",
    "{{ ''|attr('__class__') }}",
    "{{ (''|attr('\\x5f\\x5fclass\\x5f\\x5f')) }}",
    "{{ '%s'|format(''.__class__) }}",
    "{{ 'x' * 100000000 }}",
    "{{ range(10**9)|list }}",
    "{{ 9**(9**9) }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% include '/etc/passwd' %}",
    "{% import 'x' as y %}",
    "{% extends '/etc/passwd' %}",
    "{{ enterprise.__class__.__base__ }}",
    "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}",
    "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
    "{{ '{0.__class__}'.format('') }}",
    "{{ 'x'.center(10**9) }}",
    "{% set s = 'x' * 99999 %}{{ s.replace('', s) }}",
    "{{ range(10000)|join('y' * 50000) }}",
    "{{ [[1] * 10000] * 10000 }}",
    "{% set s = 'x' * 60000 %}{% set t = s ~ s %}{{ t }}",
    "{{ '%0999999999d'|format(1) }}",
    "{{ '%0999999999d' % 1 }}",
    "{% set x = [] %}{{ x.append(1) }}",
    "{{ [1]|batch(10**9, 0)|list }}",
    "{% macro m(n) %}{% if n %}{{ m(n-1) }}{{ m(n-1) }}{% endif %}{% endmacro %}{{ m(40) }}",
    pytest.param(  # runs the step budget down: seconds
        "{% for x in range(100) recursive %}{% if loop.depth < 6 %}{{ loop(range(100)) }}"
        "{% endif %}{% endfor %}",
        marks=pytest.mark.slow,
    ),
    "{% set s = 'x' * 5000 %}{% for i in range(10000) %}{{ s }}{% endfor %}",
    "{% set s = 'x' * 99999 %}{% set t %}{% for i in range(10000) %}{{ s }}{% endfor %}"
    "{% endset %}{{ t|length }}",
    "{% set t %}{% for i in range(10000) %}{% for j in range(99) %}"
    + "L" * 3000
    + "{% endfor %}{% endfor %}{% endset %}{{ t|length }}",
    "{% macro m() %}"
    + "M" * 3000
    + "{% endmacro %}{% set t %}{% for i in range(10000) %}{% for j in range(99) %}{{ m() }}"
    "{% endfor %}{% endfor %}{% endset %}{{ t|length }}",
    "{{ enterprise.items.__globals__ }}",
    "{{ dict.__base__.__subclasses__() }}",
]
# Harmless by Jinja's rules: `**` is left-associative, so this is (9**9)**9, a 78-digit number.
RENDERS = {
    "{{ 9**9**9 }}": "196627050475552913618075908526912116283103450944214766927315415537966391196809"
}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sandbox_escape_payloads_end_in_a_template_error(tmp_path: Path, payload: str) -> None:
    path = make_template(tmp_path / "evil.docx", [payload])
    start = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        compile_template(path).render(make_context(), serial=SERIAL, credit_code=CODE)
    assert time.monotonic() - start < 30
    assert caught.value.exit_code == ExitCode.TEMPLATE
    assert "evil" in caught.value.message


@pytest.mark.parametrize(("payload", "expected"), sorted(RENDERS.items()))
def test_harmless_lookalikes_render(tmp_path: Path, payload: str, expected: str) -> None:
    path = make_template(tmp_path / "odd.docx", [payload])
    data = compile_template(path).render(make_context(), serial=SERIAL, credit_code=CODE)
    assert expected in texts(open_docx(data))


def test_ordinary_jinja_still_works(tmp_path: Path) -> None:
    lines = [
        "{% macro row(p) %}<{{ p.name }}:{{ p.role }}>{% endmacro %}"
        "{% for p in people %}{{ row(p) }}{% endfor %}",
        "{% for x in [1, [2, [3]]] recursive %}{% if x is iterable %}{{ loop(x) }}"
        "{% else %}{{ x }};{% endif %}{% endfor %}",
        "{{ items|length }}|{{ items|join('、') }}|{{ enterprise.name|replace('甲', '乙') }}",
        "{% set total = range(1, 101)|sum %}{{ total }}|{{ '%05.1f'|format(2.5) }}|{{ 2 ** 10 }}",
        "{% if enterprise.address is defined and year > 2025 %}有{% else %}无{% endif %}"
        "{{ (enterprise.name ~ '-' ~ year)|upper }}|{{ enterprise.name.startswith('蓝') }}",
        "{% for k, v in enterprise|dictsort %}{{ k }}={{ v }};{% endfor %}",
    ]
    path = make_template(tmp_path / "ok.docx", lines)
    document = open_docx(
        compile_template(path).render(make_context(), serial=SERIAL, credit_code=CODE)
    )
    found = texts(document)
    assert "<张三:法定代表人><李四:安全员>" in found
    assert "1;2;3;" in found
    assert "3|遵守安全生产法律法规、落实主体责任、接受监督|蓝山县乙矿业有限公司" in found
    assert "5050|002.5|1024" in found
    assert "有蓝山县甲矿业有限公司-2026|True" in found
    assert f"address=塔峰镇;credit_code={CODE};name=蓝山县甲矿业有限公司;" in found


@pytest.mark.parametrize(
    "payload",
    [
        "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{% include '/etc/passwd' %}",
    ],
)
def test_payloads_in_a_child_process(tmp_path: Path, payload: str) -> None:
    path = make_template(tmp_path / "evil.docx", [payload])
    start = time.monotonic()
    with pytest.raises(TemplateError):
        render_isolated(path, make_context(), serial=SERIAL, credit_code=CODE, timeout=20)
    assert time.monotonic() - start < 30


# Objects a caller could put in a context by mistake: the child process contains them.
class Sleeper:
    def __str__(self) -> str:
        time.sleep(60)
        return "late"


class Hog:
    def __str__(self) -> str:
        return "x" * (4 * 1024**3)


class Crasher:
    def __str__(self) -> str:
        import os

        os._exit(7)


@pytest.fixture(scope="module")
def object_template(tmp_path_factory: pytest.TempPathFactory) -> CompiledTemplate:
    path = make_template(tmp_path_factory.mktemp("obj") / "object.docx", ["{{ thing }}"])
    return compile_template(path)


def test_isolated_timeout(object_template: CompiledTemplate) -> None:
    context = {**make_context(), "thing": Sleeper()}
    start = time.monotonic()
    with pytest.raises(TemplateError, match="超时"):
        render_isolated(object_template, context, serial=SERIAL, credit_code=CODE, timeout=1)
    assert time.monotonic() - start < 10


def test_isolated_memory_limit(object_template: CompiledTemplate) -> None:
    context = {**make_context(), "thing": Hog()}
    with pytest.raises(TemplateError, match="内存"):
        render_isolated(object_template, context, serial=SERIAL, credit_code=CODE, memory_mb=256)


def test_isolated_crash(object_template: CompiledTemplate) -> None:
    context = {**make_context(), "thing": Crasher()}
    with pytest.raises(TemplateError, match="退出码 7"):
        render_isolated(object_template, context, serial=SERIAL, credit_code=CODE)


def test_isolated_renderer_renders_many_and_survives_a_failure(
    object_template: CompiledTemplate,
) -> None:
    good = {**make_context(), "thing": "好"}
    expected = object_template.render(good, serial=SERIAL, credit_code=CODE)
    with IsolatedRenderer(object_template, timeout=5) as renderer:
        assert renderer.render(good, serial=SERIAL, credit_code=CODE) == expected
        with pytest.raises(TemplateError, match="退出码 7"):
            renderer.render({**good, "thing": Crasher()}, serial=SERIAL, credit_code=CODE)
        with pytest.raises(InputError):
            renderer.render({**good, "thing": "\x00"}, serial=SERIAL, credit_code=CODE)
        assert renderer.render(good, serial=SERIAL, credit_code=CODE) == expected


def test_isolated_compile_error_is_a_template_error(tmp_path: Path) -> None:
    path = make_template(tmp_path / "broken.docx", ["{% if %}"])
    with pytest.raises(TemplateError, match="broken"):
        render_isolated(path, make_context(), serial=SERIAL, credit_code=CODE)


# --------------------------------------------------------------------------------------------
# The shipped template, when it is there


def test_shipped_commitment_template() -> None:
    path = ROOT / "templates" / "commitment_unit.docx"
    if not path.exists():
        pytest.skip("templates/commitment_unit.docx is not built yet")
    template = compile_template(path)
    context: dict = {}
    for variable in template.variables - {"serial"}:
        context[variable] = "测试"
    context["enterprise"] = {
        "name": "A&B<有限>公司",
        "credit_code": CODE,
        "legal_representative": "张三",
        "address": "塔峰镇",
        "industry": "非煤矿山",
        "section": "非煤矿山股",
        "town": "塔峰镇",
    }
    context["year"] = 2026
    try:
        data = template.render(context, serial=SERIAL, credit_code=CODE)
    except TemplateError as exc:  # a variable that needs a structure, not a string
        pytest.skip(f"generic context does not fit: {exc.message}")
    text = all_text(open_docx(data))
    assert SERIAL in text and "A&B<有限>公司" in text and CODE in text
    assert "{{" not in text and "{%" not in text
    if template.has_qr:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert parse_qr_payload(decode_qr(archive.read(QR_MEDIA))) == (SERIAL, CODE)

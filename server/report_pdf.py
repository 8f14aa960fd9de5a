"""The PDF rendering of an annual evaluation report, with fpdf2 and an embedded CJK font.

The font is a system font from Debian (``fonts-wqy-microhei``, installed by
``deploy/report-fonts.sh``, which ``make install`` runs); the setting ``report_font``
(``ANZEXIAN_REPORT_FONT``) names another TrueType/OpenType file or collection. Without one
the rendering fails with ``ReportFontMissing`` and says how to install it: a PDF whose
Chinese shows as empty boxes would be worse than none.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from server.report_wrap import wrap
from services.evaluation_report import CHINA, Fact, ReportView

# fpdf2 subsets the embedded font with fontTools, which logs some 40 INFO lines per PDF
# ("glyf pruned", …) into the gateway's JSON log; its warnings still come through.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Searched in order; the first that exists is embedded (subset to the glyphs used).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
FAMILY = "cjk"
MARGIN = 18  # mm, A4 portrait
LABEL_WIDTH = 45  # mm, the label column of the fact tables


class ReportFontMissing(RuntimeError):
    """No CJK font to embed."""


def font_path(configured: str = "") -> Path:
    """The font to embed: ``configured`` (the ``report_font`` setting), else the first of
    ``FONT_CANDIDATES`` that is installed."""
    candidates = (configured,) if configured else FONT_CANDIDATES
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file():
            return path
    raise ReportFontMissing(
        "没有可嵌入的中文字体：请运行 deploy/report-fonts.sh（安装 fonts-wqy-microhei）"
        "或设置 ANZEXIAN_REPORT_FONT / no CJK font to embed in the PDF: run "
        "deploy/report-fonts.sh (Debian's fonts-wqy-microhei) or set ANZEXIAN_REPORT_FONT; "
        f"looked for {', '.join(candidates)}"
    )


class _ReportPdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.footer_text}    第 {self.page_no()}/{{nb}} 页", align="C")
        self.set_text_color(0)


def render_pdf(report: ReportView, generated_at: datetime, font: Path) -> bytes:
    """The report as an A4 PDF embedding (a subset of) ``font`` (see ``font_path``)."""
    when = generated_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    pdf = _ReportPdf(f"{report.title}  ·  平台生成于 {when}")
    pdf.add_font(FAMILY, fname=font)
    pdf.set_title(report.title)
    pdf.set_author(report.insurer_name)
    pdf.set_creator("anzexian")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.alias_nb_pages()
    pdf.add_page()

    # The title on two lines: the insurer, then the year's report.
    pdf.set_font(FAMILY, size=17)
    _text(pdf, 9, report.insurer_name, align="C")
    _text(pdf, 9, f"{report.year}年度事故预防技术服务评估报告", align="C")
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(90)
    _text(pdf, 7, "年度评估报告（R-8.1-evaluation）", align="C")
    pdf.set_text_color(0)
    pdf.ln(3)
    _facts(pdf, report.facts)

    _heading(pdf, "主要指标（R-8.2-publication）")
    _facts(pdf, report.indicators)

    for section in report.sections:
        _heading(pdf, section.heading)
        for line in section.paragraphs:
            _paragraph(pdf, line)
            pdf.ln(0.8)
    return bytes(pdf.output())


_NUMBERED = re.compile(r"(\d+\. )")  # "3. 问题：…": an item of a numbered list
_SUBHEADING = re.compile(r"[一二三四五六七八九十]、")  # "一、存在的问题"
INDENT = "\u3000\u3000"  # a paragraph's first line: two ideographic spaces
LINE_HEIGHT = 6.2


def _paragraph(pdf: FPDF, line: str) -> None:
    """One line of a section's text: a list item ("- …", "3. …") with a hanging indent, a
    sub-heading ("一、…") flush left, or a paragraph with its first line indented."""
    pdf.set_font(FAMILY, size=10.5)
    if line.startswith("- "):
        _hanging(pdf, "• ", line[2:], left=6)
    elif numbered := _NUMBERED.match(line):
        _hanging(pdf, numbered.group(1), line[numbered.end() :], left=6)
    elif _SUBHEADING.match(line):
        pdf.set_font(FAMILY, size=11.5)
        _text(pdf, 7, line)
    else:
        _text(pdf, LINE_HEIGHT, INDENT + line)


def _hanging(pdf: FPDF, marker: str, text: str, *, left: float) -> None:
    """``marker`` then ``text``, every line of it aligned after the marker."""
    start = MARGIN + left + pdf.get_string_width(marker)
    lines = wrap(text, pdf.w - MARGIN - start, pdf.get_string_width)
    for i, part in enumerate(lines):
        if i == 0:
            pdf.set_x(MARGIN + left)
            pdf.cell(start - MARGIN - left, LINE_HEIGHT, marker)
        else:
            pdf.set_x(start)
        pdf.cell(0, LINE_HEIGHT, part, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _text(pdf: FPDF, height: float, text: str, align: str = "L") -> None:
    """``text`` over as many lines as it needs, broken as Chinese allows (report_wrap.py)."""
    for part in wrap(text, pdf.epw, pdf.get_string_width):
        pdf.cell(0, height, part, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    if pdf.will_page_break(20):  # keep a heading with the first lines below it
        pdf.add_page()
    pdf.set_font(FAMILY, size=13)
    _text(pdf, 8, text)
    y = pdf.get_y()
    pdf.set_draw_color(150)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.ln(2)


def _facts(pdf: FPDF, facts: tuple[Fact, ...]) -> None:
    pdf.set_font(FAMILY, size=10)
    pdf.set_draw_color(180)
    with pdf.table(
        col_widths=(LABEL_WIDTH, pdf.epw - LABEL_WIDTH),
        width=pdf.epw,
        first_row_as_headings=False,
        line_height=6.5,
        wrapmode=WrapMode.CHAR,
    ) as table:
        for fact in facts:
            row = table.row()
            row.cell(fact.label)
            row.cell(fact.value)

"""The report as one self-contained HTML file: styles inline, charts embedded as data URIs, laid out to
print on A4 (each section starts a page; a table or chart is never split across pages). From a synthetic
extract it says so at the top and on every printed page (lib/data_label.py)."""

from __future__ import annotations

import base64

import jinja2

from dagster_project.lib.data_label import label_html
from dagster_project.lib.report import charts
from dagster_project.lib.report.model import Chart, Report, display, is_small

TEMPLATE = jinja2.Template("""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ report.title }} {{ report.collection_year }}: {{ report.la_name }}</title>
<style>
@page { size: A4; margin: 16mm 15mm 18mm 15mm;
        @bottom-left { content: "{{ report.la_name }}: IRO annual report {{ report.collection_year }}"; font-size: 8pt; color: #505a5f;
                      font-family: Arial, Helvetica, sans-serif; }
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #505a5f;
                       font-family: Arial, Helvetica, sans-serif; } }
@page:first { @bottom-left { content: none; } }
* { box-sizing: border-box; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; font-size: 10.5pt; color: #1b1b1b;
       line-height: 1.4; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 22pt; margin: 0 0 4mm; color: #12436d; }
h2 { font-size: 15pt; color: #12436d; border-bottom: 2px solid #12436d; padding-bottom: 1.5mm; margin: 0 0 3mm; }
h3 { font-size: 11pt; margin: 5mm 0 1.5mm; color: #1b1b1b; }
p { margin: 0 0 2.5mm; }
.cover .council { font-size: 14pt; color: #505a5f; margin-bottom: 4mm; }
.cover .year { font-size: 14pt; margin-bottom: 6mm; }
.cover h2 { font-size: 12pt; border-bottom: 1px solid #12436d; margin-top: 5mm; }
.cover ul.messages li { margin: 0 0 1.5mm; }
.cover .narrative { min-height: 22mm; }
.cover dl { display: grid; grid-template-columns: 45mm 1fr; row-gap: 2mm; font-size: 10pt; }
.cover dt { color: #505a5f; }
.banner { border: 2px solid #d4351c; color: #d4351c; padding: 2mm 3mm; font-weight: bold; margin: 6mm 0; }
.banner.public { border-color: #00703c; color: #00703c; }
section { page-break-before: always; break-before: page; }
section#context { page-break-before: auto; break-before: auto; margin-top: 8mm; }
.contents ol { padding-left: 6mm; }
.contents li { margin: 1mm 0; }
.block { page-break-inside: avoid; break-inside: avoid; margin: 0 0 5mm; }
table { border-collapse: collapse; width: 100%; font-size: 8.8pt; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; font-size: 10pt; padding: 0 0 1.5mm; caption-side: top; }
caption .key { color: #505a5f; font-weight: normal; margin-right: 2mm; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 1.2mm 1.6mm; vertical-align: top; }
thead th { background: #f3f2f1; border-bottom: 2px solid #505a5f; text-align: right; font-weight: bold;
           white-space: nowrap; }
thead th:first-child, thead th.text { white-space: normal; text-align: left; }
thead th:first-child { text-align: left; }
tbody th { text-align: left; font-weight: normal; }
td { text-align: right; white-space: nowrap; }
td.text { text-align: left; white-space: normal; }
tr.total th, tr.total td { font-weight: bold; border-top: 2px solid #505a5f; }
td.na { color: #505a5f; font-style: italic; }
td.small { background: #fff7bf; }
tr { page-break-inside: avoid; break-inside: avoid; }
thead { display: table-header-group; }
.notes { font-size: 8.3pt; color: #505a5f; margin-top: 1mm; }
.notes p { margin: 0.5mm 0; }
figure { margin: 0 0 5mm; page-break-inside: avoid; break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-weight: bold; font-size: 10pt; margin-bottom: 1mm; }
.narrative { border: 1.5px dashed #505a5f; min-height: 32mm; padding: 3mm; color: #505a5f; margin: 5mm 0;
             page-break-inside: avoid; break-inside: avoid; break-before: avoid; page-break-before: avoid; }
table.comparison { font-size: 8.2pt; }
table.comparison td, table.comparison thead th { white-space: normal; }
table.comparison thead th:nth-child(2), table.comparison thead th:nth-child(3) { white-space: nowrap; }
table.comparison tbody th { width: 30%; }
/* quarters beside earlier years (nine or more columns): headers wrap so that the row labels keep room */
table.wide { font-size: 8.2pt; }
table.wide thead th { white-space: normal; }
table.wide tbody th { width: 24%; }
.block.long { page-break-inside: auto; break-inside: auto; }
.contents a { color: #1d70b8; text-decoration: none; }
.narrative .label { font-weight: bold; color: #1b1b1b; }
.narrative.written { color: #1b1b1b; min-height: 0; }
.narrative .prompt { color: #505a5f; font-style: italic; font-size: 9pt; }
.intro { color: #1b1b1b; }
.note { font-style: italic; color: #505a5f; }
.sentence { font-weight: bold; border-left: 4px solid #12436d; padding-left: 3mm; }
.definitions td.text { font-size: 8pt; }
@media screen { body { padding: 10mm; } section { border-top: 1px solid #ddd; margin-top: 12mm; padding-top: 8mm; } }
</style>
</head>
<body>
<div class="cover">
  <div class="council">{{ report.la_name }}</div>
  <h1>{{ report.title }}</h1>
  <div class="year">{{ report.collection_year }}: {{ report.year_label }}</div>
  <dl>
    <dt>Report to</dt><dd>Corporate Parenting Board</dd>
    <dt>Author</dt><dd>IRO Service Manager (name)</dd>
    <dt>Figures as at</dt><dd>{{ report.extract_date }} (the case-management extract)</dd>
    <dt>Version</dt><dd>{{ "Public: small numbers suppressed" if report.is_public else "Internal: small numbers shown" }}</dd>
  </dl>
  {% for block in report.front %}
    {% if block.kind == 'note' %}<h2>Purpose</h2><p>{{ block.text }}</p>
    {% elif block.kind == 'key_messages' %}<h2>Key messages</h2>
    <ul class="messages">{% for sentence in block.sentences %}<li>{{ sentence.text(public=report.is_public) }}</li>{% endfor %}</ul>
    {% elif block.kind == 'narrative' %}<h2>Recommendations</h2>
    <div class="narrative"><span class="label">The Board is asked to</span><br>{{ block.prompt }}</div>
    {% endif %}
  {% endfor %}
  {% if report.is_public %}
  <div class="banner public">Counts of 1 to {{ report.small_number_threshold - 1 }} children are shown as "&lt;{{ report.small_number_threshold }}", and a percentage built on so few, or another figure from which one could be worked out by subtraction, as "[c]", so that no child can be identified.</div>
  {% else %}
  <div class="banner">Internal version: counts of fewer than {{ report.small_number_threshold }} are shown, highlighted. Publish the public version, not this one.</div>
  {% endif %}
</div>

<section class="contents">
  <h2>Contents</h2>
  <ol>
  {% for section in report.sections %}<li><a href="#{{ section.key }}">{{ section.title }}</a></li>
  {% endfor %}</ol>
  <h3>About these figures</h3>
  <p>Every figure is computed by the council's data warehouse from the case-management system, the same way
  for every year, so that years can be compared. Each table shows {{ report.collection_year }} against up to
  four years before it. Definitions are at the end of the report. Figures "at 31 March" count the children on
  that day; figures for a year count what happened between 1 April and 31 March.</p>
  <p>Small numbers: {% if report.is_public %}counts of 1 to {{ report.small_number_threshold - 1 }} are
  shown as "&lt;{{ report.small_number_threshold }}", and percentages built on them as "[c]"; where a row or
  column adds up to a total shown, the next smallest figure in it is also shown as "[c]", so that a small
  number cannot be worked out by subtraction.{% else %}counts of
  1 to {{ report.small_number_threshold - 1 }} are highlighted; they must be suppressed before publication.{% endif %}
  A dash (–) means there was nothing to count (for example, no children in the group).</p>
  {% if report.unavailable %}
  <p>Not available: some figures need tables the extract did not include. They read "not available" (never 0):</p>
  <ul class="notes">{% for label, reason in report.unavailable %}<li>{{ label }}: {{ reason }}.</li>{% endfor %}</ul>
  {% else %}<p>Every figure of the catalogue is available from this extract.</p>{% endif %}
</section>

{% for section in report.sections %}
<section id="{{ section.key }}"{% if section.key in ('definitions', 'lineage') %} class="definitions"{% endif %}>
  <h2>{{ loop.index }}. {{ section.title }}</h2>
  <p class="intro">{{ section.intro }}</p>
  {% for block in section.blocks %}
    {% if block.kind == 'table' %}
    <div class="block{% if block.is_text %} long{% endif %}">
      <table{% if is_comparison(block) %} class="comparison"{% elif block.columns | length > 8 %} class="wide"{% endif %}>
        <caption><span class="key">Table {{ block.key[1:] | int }}</span>{{ block.title }}</caption>
        <thead><tr><th scope="col">{{ block.row_header }}</th>{% for column in block.columns %}<th scope="col"{% if block.is_text %} class="text"{% endif %}>{{ column }}</th>{% endfor %}</tr></thead>
        <tbody>
        {% for row in block.rows %}
          <tr{% if row.is_total %} class="total"{% endif %}><th scope="row">{{ row.label }}</th>
          {% for cell in row.cells %}<td class="{{ css(cell) }}">{{ show(cell) }}</td>{% endfor %}</tr>
        {% endfor %}
        </tbody>
      </table>
      {% if block.notes %}<div class="notes">{% for note in block.notes %}<p>{{ note }}</p>{% endfor %}</div>{% endif %}
    </div>
    {% elif block.kind == 'chart' %}
    <figure>
      <figcaption>Chart {{ block.key[1:] | int }}: {{ block.title }}</figcaption>
      <img src="data:image/png;base64,{{ image(block) }}" alt="{{ describe(block) }}">
    </figure>
    {% elif block.kind == 'note' %}
    <p class="note">{{ block.text }}</p>
    {% elif block.kind == 'sentence' %}
    <p class="sentence">{{ block.text(public=report.is_public) }}</p>
    {% elif block.kind == 'narrative' %}
    <div class="narrative{% if block.default_text %} written{% endif %}"><span class="label">{{ block.label }}</span><br>{% if block.default_text %}{% for paragraph in block.default_text.split("\n") %}<p>{{ paragraph }}</p>{% endfor %}<p class="prompt">{{ block.prompt }}</p>{% else %}{{ block.prompt }}{% endif %}</div>
    {% endif %}
  {% endfor %}
</section>
{% endfor %}
</body>
</html>
""", autoescape=True)


def render(report: Report) -> str:
    threshold = report.small_number_threshold

    def css(cell) -> str:
        classes = []
        if cell.unit == "text":
            classes.append("text")
        elif not cell.available:
            classes.append("na")
        elif not report.is_public and is_small(cell, threshold):
            classes.append("small")
        return " ".join(classes)

    def show(cell) -> str:
        return display(cell, public=report.is_public, threshold=threshold)

    def image(chart: Chart) -> str:
        return base64.b64encode(charts.draw(chart, public=report.is_public)).decode("ascii")

    def describe(chart: Chart) -> str:
        return charts.describe(chart, public=report.is_public)

    def is_comparison(table) -> bool:
        return any(cell.unit == "comparator" for row in table.rows for cell in row.cells)

    page = TEMPLATE.render(report=report, css=css, show=show, image=image, describe=describe,
                           is_comparison=is_comparison)
    # from a synthetic extract: a banner on top, and the label in every printed page's header and footer
    return label_html(page, report.synthetic_label)

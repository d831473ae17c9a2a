"""Every form a council's export really takes (encodings, delimiters, Excel's sep= line, compression) is
read into the same raw rows as the plain UTF-8 comma-separated file, and the ingest log says how it was
read. Each file is written here by the test; compression and names are tried both ways they occur."""

import csv
import gzip
import io
import zipfile

import pytest

from dagster_project.lib.ingest import find_extract, read_table
from dagster_project.lib.ingest.contract import load_contract

PERSON = load_contract()["ssd_person"]
HEADER = ["pers_person_id", "pers_sex", "pers_ethnicity", "pers_dob", "pers_forename"]
ROWS = [["1", "F", "WBRI", "2012-06-14", "Zoë"],
        ["2", "M", "wbri", "14/06/2013", "O'Neil, Jr"],
        ["3", "F", "WBRI", "01-Apr-2017", "Siân"]]


def as_text(delimiter=",", sep_line=False, line_end="\n"):
    out = io.StringIO()
    if sep_line:
        out.write(f"sep={delimiter}{line_end}")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerows([HEADER] + ROWS)
    return out.getvalue()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def zipped(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("ssd_person.csv", data)
    return out.getvalue()


# name -> (file name, bytes, the note a person reads in the ingest log, or None for the plain form)
FORMS = {
    "utf-8": ("ssd_person.csv", as_text().encode("utf-8"), None),
    "utf-8 with BOM": ("ssd_person.csv", b"\xef\xbb\xbf" + as_text().encode("utf-8"), None),
    "crlf line ends": ("ssd_person.csv", as_text(line_end="\r\n").encode("utf-8"), None),
    "utf-16 le with BOM (SSMS Unicode)": (
        "ssd_person.csv", as_text().encode("utf-16"),
        "ssd_person.csv: file is UTF-16 LE (SQL Server Management Studio's \"Unicode\" export) (read as UTF-16)"),
    "utf-16 le without BOM": (
        "ssd_person.csv", as_text().encode("utf-16-le"),
        "ssd_person.csv: file is UTF-16 LE (SQL Server Management Studio's \"Unicode\" export) (read as UTF-16)"),
    "utf-16 be with BOM": (
        "ssd_person.csv", b"\xfe\xff" + as_text().encode("utf-16-be"),
        "ssd_person.csv: file is UTF-16 BE (SQL Server Management Studio's \"Unicode\" export) (read as UTF-16)"),
    "utf-16 be without BOM": (
        "ssd_person.csv", as_text().encode("utf-16-be"),
        "ssd_person.csv: file is UTF-16 BE (SQL Server Management Studio's \"Unicode\" export) (read as UTF-16)"),
    "windows-1252": ("ssd_person.csv", as_text().encode("cp1252"),
                     "ssd_person.csv: file is not UTF-8; read as Windows-1252 (decoded; check accented names)"),
    "semicolon": ("ssd_person.csv", as_text(";").encode("utf-8"),
                  "ssd_person.csv: columns are separated by semicolons, not commas (read as semicolon-separated)"),
    "semicolon, windows-1252 (Excel in Europe)": (
        "ssd_person.csv", as_text(";").encode("cp1252"),
        "ssd_person.csv: columns are separated by semicolons, not commas (read as semicolon-separated)"),
    "tab": ("ssd_person.csv", as_text("\t").encode("utf-8"),
            "ssd_person.csv: columns are separated by tabs, not commas (read as tab-separated)"),
    "tab, named .tsv": ("ssd_person.tsv", as_text("\t").encode("utf-8"),
                        "ssd_person.tsv: columns are separated by tabs, not commas (read as tab-separated)"),
    "pipe": ("ssd_person.csv", as_text("|").encode("utf-8"),
             "ssd_person.csv: columns are separated by pipes, not commas (read as pipe-separated)"),
    "excel sep=, line": ("ssd_person.csv", as_text(",", sep_line=True).encode("utf-8"),
                         ("ssd_person.csv: first line is Excel's \"sep=\" line, not the header "
                         "(skipped; the header is the next line)")),
    "excel sep=; line, utf-16": ("ssd_person.csv", as_text(";", sep_line=True).encode("utf-16"),
                                 ("ssd_person.csv: first line is Excel's \"sep=\" line, not the header "
                                 "(skipped; the header is the next line)")),
    "gzip named .csv": ("ssd_person.csv", gzipped(as_text().encode("utf-8")),
                        "ssd_person.csv: file is gzip-compressed (decompressed and read)"),
    "gzip named .csv.gz": ("ssd_person.csv.gz", gzipped(as_text().encode("utf-8")),
                           "ssd_person.csv.gz: file is gzip-compressed (decompressed and read)"),
    "gzip of utf-16": ("ssd_person.csv.gz", gzipped(as_text().encode("utf-16")),
                       "ssd_person.csv.gz: file is gzip-compressed (decompressed and read)"),
    "zip named .zip": ("ssd_person.zip", zipped(as_text().encode("utf-8")),
                       "ssd_person.zip: file is zip-compressed (decompressed and read)"),
    "zip named .csv": ("ssd_person.csv", zipped(as_text(";").encode("cp1252")),
                       "ssd_person.csv: file is zip-compressed (decompressed and read)"),
}


def read_form(extract_builder, file_name, content):
    folder = extract_builder.write()  # every required table, header only
    (folder / "ssd_person.csv").unlink()
    (folder / file_name).write_bytes(content)
    return read_table(find_extract(folder.parent), PERSON)


@pytest.fixture
def plain_rows(tmp_path_factory):
    from tests.conftest import ExtractBuilder

    builder = ExtractBuilder(tmp_path_factory.mktemp("plain"))
    load = read_form(builder, "ssd_person.csv", FORMS["utf-8"][1])
    assert load.problems == [] or all("optional column is missing" in p.problem for p in load.problems)
    return load.frame


@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_gives_the_same_raw_rows_as_plain_utf8_commas(extract_builder, plain_rows, form):
    file_name, content, note = FORMS[form]
    load = read_form(extract_builder, file_name, content)
    assert load.status == "loaded"
    assert load.frame.equals(plain_rows), form
    assert load.frame["pers_forename"].tolist() == ["Zoë", "O'Neil, Jr", "Siân"]
    assert load.frame["_row_number"].tolist() == [2, 3, 4]  # the header is row 1, as Excel shows it
    messages = [p.message() for p in load.problems if "optional column" not in p.problem]
    if note is None:
        assert messages == []
    else:
        assert note in messages


def test_the_plain_rows_are_normalised(plain_rows):
    assert plain_rows["pers_dob"].tolist() == ["2012-06-14", "2013-06-14", "2017-04-01"]
    assert plain_rows["pers_ethnicity"].tolist() == ["WBRI", "WBRI", "WBRI"]


def test_utf16_file_says_so_in_the_log(extract_builder):
    load = read_form(extract_builder, "ssd_person.csv", as_text().encode("utf-16"))
    assert load.encoding == "utf-16-le"
    assert load.file_form == "UTF-16 LE, comma-separated"


def test_a_windows_1252_file_whose_first_megabyte_is_plain_ascii_is_still_decoded_as_windows_1252(extract_builder):
    rows = "".join(f"{i},F,WBRI,2012-06-14,Ann\n" for i in range(10, 60000))
    content = (",".join(HEADER) + "\n" + rows + "9,F,WBRI,2012-06-14,Zoë\n").encode("cp1252")
    load = read_form(extract_builder, "ssd_person.csv", content)
    assert load.encoding == "windows-1252"
    assert load.frame["pers_forename"].iloc[-1] == "Zoë"
    assert load.frame["_row_number"].iloc[-1] == 60000 - 10 + 2


def test_a_rejected_line_keeps_every_later_row_number_right(extract_builder):
    content = (",".join(HEADER) + "\n1,F,WBRI,2012-06-14,A\n2,F,WBRI\n3,F,WBRI,2012-06-14,C,extra\n"
               "4,F,WBRI,2012-06-14,\"D\nspans two lines\"\n5,F,WBRI,2012-06-14,E\n").encode("utf-8")
    load = read_form(extract_builder, "ssd_person.csv", content)
    assert load.frame["pers_person_id"].tolist() == ["1", "4", "5"]
    assert load.frame["_row_number"].tolist() == [2, 5, 6]
    assert [(q["row_number"], q["reason"]) for q in load.quarantined] == [
        (3, "row has 3 fields, the header has 5 (truncated line?)"), (4, "row has 6 fields, the header has 5")]
    assert load.quarantined[0]["record"] == ["2", "F", "WBRI"]


def test_a_file_with_no_known_delimiter_says_the_header_is_one_column(extract_builder):
    content = (":".join(HEADER) + "\n" + ":".join(ROWS[0]) + "\n").encode("utf-8")
    load = read_form(extract_builder, "ssd_person.csv", content)
    assert load.status == "refused"
    assert ("ssd_person.csv, row 1, column pers_sex: required column is missing from the header (the header is "
            "one column: is the file separated by something other than comma, semicolon, tab or pipe?) "
            "(table not loaded)") in [p.message() for p in load.problems]

"""Ingestion of real-world extract files: each trap gives one clear message naming file, row and column,
and what cannot be loaded is quarantined with the reason. Messages never quote a value."""

import os

import pytest

from dagster_project.lib.ingest import (
    ExtractError,
    check_council,
    excel_column_letter,
    find_complete_extracts,
    find_extract,
    read_extract,
    read_table,
)
from dagster_project.lib.ingest import reader as reader_module
from dagster_project.lib.ingest.contract import load_contract
from dagster_project.lib.ingest.reader import NOT_A_DATE

PERSON = load_contract()["ssd_person"]
HEADER = "pers_person_id,pers_sex,pers_ethnicity,pers_dob"


def load_person(extract_builder, content, **kwargs):
    folder = extract_builder.write(tables={"ssd_person": content}, **kwargs)
    extract = find_extract(folder.parent)
    return read_table(extract, PERSON)


def messages(load):
    return [p.message() for p in load.problems]


def test_identifiers_lose_trailing_zero_and_spaces_and_codes_are_upper_cased(extract_builder):
    load = load_person(extract_builder, f"{HEADER}\n123.0,F,wbri,2012-06-14\n 124 ,M,WBRI ,2013-01-02\n")
    assert load.frame["pers_person_id"].tolist() == ["123", "124"]
    assert load.frame["pers_ethnicity"].tolist() == ["WBRI", "WBRI"]
    assert load.normalisations[("pers_person_id", "trailing .0 removed")] == 1
    assert load.normalisations[("pers_person_id", "surrounding spaces removed")] == 1
    assert load.normalisations[("pers_ethnicity", "upper-cased")] == 1


def test_blank_identifier_is_quarantined_with_its_row(extract_builder):
    load = load_person(extract_builder, f"{HEADER}\n123,F,WBRI,2012-06-14\n  ,M,WBRI,2013-01-02\n")
    assert load.frame["pers_person_id"].tolist() == ["123"]
    assert "ssd_person.csv, row 3, column pers_person_id: key is blank (row quarantined)" in messages(load)
    assert [q["row_number"] for q in load.quarantined] == [3]


def test_utf8_bom_and_header_case_are_tolerated(extract_builder):
    content = ("\ufeffPERS_PERSON_ID,Pers_Sex,pers_ethnicity,PERS_DOB\n1,F,WBRI,2012-06-14\n").encode("utf-8")
    load = load_person(extract_builder, content)
    assert load.status == "loaded" and load.rows_loaded == 1
    assert load.encoding == "utf-8"


def test_windows_1252_file_is_read_and_reported(extract_builder):
    content = (HEADER + ",pers_forename\n1,F,WBRI,2012-06-14,Zoë\n").encode("cp1252")
    load = load_person(extract_builder, content)
    assert load.frame["pers_forename"].tolist() == ["Zoë"]
    assert load.encoding == "windows-1252"
    assert "ssd_person.csv: file is not UTF-8; read as Windows-1252 (decoded; check accented names)" in messages(load)


@pytest.mark.parametrize("recorded, expected", [
    ("2012-06-14", "2012-06-14"),
    ("2012-06-14 00:00:00.000", "2012-06-14"),
    ("2012-06-14 13:45:00", "2012-06-14"),
    ("14/06/2012", "2012-06-14"),
    ("4/6/2012", "2012-06-04"),
    ("1900-01-01", None),
    ("SSD_PH", None),
    ("", None),
])
def test_dates_in_every_accepted_form(extract_builder, recorded, expected):
    load = load_person(extract_builder, f"{HEADER}\n1,F,WBRI,{recorded}\n")
    assert load.frame["pers_dob"].iloc[0] == expected


def test_unparseable_date_quarantines_the_row_naming_file_row_and_column(extract_builder):
    load = load_person(extract_builder, f"{HEADER}\n1,F,WBRI,2012-06-14\n2,F,WBRI,31/02/2012\n3,F,WBRI,soon\n")
    assert load.frame["pers_person_id"].tolist() == ["1"]
    expected = f"{NOT_A_DATE} (row quarantined)"
    assert f"ssd_person.csv, row 3, column pers_dob: {expected}" in messages(load)
    assert f"ssd_person.csv, row 4, column pers_dob: {expected}" in messages(load)
    # the message never carries the value itself, which may be a date of birth
    assert not any("31/02/2012" in m for m in messages(load))
    assert [q["record"] for q in load.quarantined] == [["2", "F", "WBRI", "31/02/2012"], ["3", "F", "WBRI", "soon"]]


def test_truncated_last_line_is_quarantined(extract_builder):
    load = load_person(extract_builder, f"{HEADER}\n1,F,WBRI,2012-06-14\n2,F,WB")
    assert load.rows_loaded == 1
    assert ("ssd_person.csv, row 3: row has 3 fields, the header has 4 (truncated line?) (row quarantined)"
            in messages(load))


def test_exact_duplicate_rows_are_dropped_and_conflicting_keys_quarantined(extract_builder):
    load = load_person(extract_builder,
                       f"{HEADER}\n1,F,WBRI,2012-06-14\n1,F,WBRI,2012-06-14\n2,M,WBRI,2013-01-01\n2,F,WBRI,2013-01-01\n")
    assert load.frame["pers_person_id"].tolist() == ["1", "2"]
    assert "ssd_person.csv, row 3: row repeats an earlier row exactly (duplicate dropped)" in messages(load)
    assert ("ssd_person.csv, row 5, column pers_person_id: same key as an earlier row with different values "
            "(row quarantined)") in messages(load)


def test_unknown_columns_are_kept_and_reported(extract_builder):
    load = load_person(extract_builder, f"{HEADER},local_flag\n1,F,WBRI,2012-06-14,x\n")
    assert load.unknown_columns == ["local_flag"]
    assert load.frame["local_flag"].tolist() == ["x"]
    assert "ssd_person.csv, row 1, column local_flag: column is not in the input contract (kept in the raw layer)" \
        in messages(load)


def test_required_column_missing_refuses_the_table(extract_builder):
    load = load_person(extract_builder, "pers_person_id,pers_sex,pers_ethnicity\n1,F,WBRI\n")
    assert load.status == "refused"
    assert ("ssd_person.csv, row 1, column pers_dob: required column is missing from the header (table not loaded)"
            in messages(load))


def test_required_column_missing_in_a_required_table_stops_the_extract(extract_builder):
    folder = extract_builder.write(tables={"ssd_person": "pers_person_id,pers_sex,pers_ethnicity\n1,F,WBRI\n"})
    with pytest.raises(ExtractError, match=r"ssd_person.csv: refused: required column\(s\) missing: pers_dob"):
        read_extract(find_extract(folder.parent))


def test_empty_file_and_header_only_file(extract_builder):
    folder = extract_builder.write(tables={"ssd_missing": "", "ssd_sdq_scores": ",".join(
        load_contract()["ssd_sdq_scores"].column_names) + "\n"})
    extract = find_extract(folder.parent)
    empty = read_table(extract, load_contract()["ssd_missing"])
    assert empty.status == "not_available"
    assert "ssd_missing.csv: file is empty (not even a header row) (table not loaded)" in messages(empty)
    header_only = read_table(extract, load_contract()["ssd_sdq_scores"])
    assert header_only.status == "loaded" and header_only.rows_loaded == 0
    assert header_only.note == "header only: the table has no rows"


def test_optional_table_absent_is_not_available_with_its_columns(extract_builder):
    folder = extract_builder.write()
    load = read_table(find_extract(folder.parent), load_contract()["iro_disputes"])
    assert load.status == "not_available"
    assert load.note == "not available: the extract has no such file"
    assert list(load.frame.columns[:-1]) == load_contract()["iro_disputes"].column_names


def test_required_table_absent_stops_the_extract(extract_builder):
    folder = extract_builder.write(fill_required=False, tables={"ssd_person": f"{HEADER}\n1,F,WBRI,2012-06-14\n"})
    with pytest.raises(ExtractError, match="ssd_legal_status.csv: not available: the extract has no such file"):
        read_extract(find_extract(folder.parent))


def test_folder_without_manifest_is_ignored_until_complete(extract_builder):
    extract_builder.write("2026-11-22T0200")
    extract_builder.write("2026-11-23T0200", with_manifest=False)
    assert [e.extract_id for e in find_complete_extracts(extract_builder.landing)] == ["2026-11-22T0200"]
    assert find_extract(extract_builder.landing).extract_id == "2026-11-22T0200"
    with pytest.raises(ExtractError, match="extract 2026-11-23T0200 has no manifest.json yet"):
        find_extract(extract_builder.landing, "2026-11-23T0200")


def test_newest_complete_extract_is_chosen(extract_builder):
    extract_builder.write("2026-11-21T0200")
    extract_builder.write("2026-11-22T0200")
    assert find_extract(extract_builder.landing).extract_id == "2026-11-22T0200"


def test_extract_for_another_council_is_refused(extract_builder):
    extract_builder.write(manifest={"la_code": "E06000018"})
    extract = find_extract(extract_builder.landing)
    with pytest.raises(ExtractError, match="is for LA E06000018, but this warehouse is configured for LA E06000015"):
        check_council(extract, "E06000015")


@pytest.mark.parametrize("position, letter", [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")])
def test_spreadsheet_column_letters(position, letter):
    assert excel_column_letter(position) == letter


# --- reading tables side by side in processes ----------------------------------------------------------

def _messy_extract(extract_builder):
    """Tables with something for every path of the reader: quarantined values, an unreadable line, exact
    repeats, a key clash, trimming, a missing optional column and an unknown one."""
    person = (f"{HEADER},pers_extra\n1,F,WBRI,2012-06-14,a\n2.0, m ,wbri,14/06/2012,b\n3,F,WBRI,soon,c\n"
              "1,F,WBRI,2012-06-14,a\n4,F,WBRI,2013-01-01,d\n4,M,WBRI,2013-01-01,d\n5,F,WBRI\n")
    legal = load_contract()["ssd_legal_status"]
    legal_rows = ",".join(legal.column_names) + "\n" + "".join(
        ",".join(str(i) if c.endswith("_id") else "" for c in legal.column_names) + "\n" for i in range(1, 4))
    folder = extract_builder.write(tables={"ssd_person": person, "ssd_legal_status": legal_rows})
    return find_extract(folder.parent)


def _comparable(load):
    return (load.status, load.note, load.frame.to_dict("list"), load.quarantined,
            [p.message() for p in load.problems], load.normalisations, load.file_form, load.file_hash)


def test_reading_in_two_processes_gives_what_one_reader_gives(extract_builder):
    extract = _messy_extract(extract_builder)
    handed_over = {1: [], 2: []}

    def on_table(workers):
        # each table is handed over once, as it is read, with its rows already readable (the raw layer is
        # written from them while the readers go on)
        return lambda load: handed_over[workers].append((load.table, load.frame.shape[0]))

    one = read_extract(extract, workers=1, on_table=on_table(1))
    two = read_extract(extract, workers=2, parallel_from_bytes=0, on_table=on_table(2))
    assert list(two) == list(one) == list(load_contract())
    for workers, loads in ((1, one), (2, two)):
        assert sorted(handed_over[workers]) == sorted((name, load.frame.shape[0]) for name, load in loads.items())
    for name in one:
        assert _comparable(two[name]) == _comparable(one[name]), name
    person = two["ssd_person"]
    # worked out by hand: rows 2, 3, 6 load (row 5 repeats row 2, row 7 clashes with row 6's key, row 4's
    # date and row 8's missing field are quarantined)
    assert person.frame["pers_person_id"].tolist() == ["1", "2", "4"]
    assert [q["row_number"] for q in person.quarantined] == [4, 7, 8]
    assert person.rows_path is not None and person.rows_path.is_file()  # the pipeline's process owns the file


def test_the_raw_layer_is_written_and_leaves_duckdbs_compression_choice_to_the_rest_of_the_warehouse(
        extract_builder, tmp_path):
    from datetime import datetime

    import duckdb

    from dagster_project.lib.ingest.warehouse import write_raw_layer

    extract = _messy_extract(extract_builder)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    write_raw_layer(con, extract, read_extract(extract, workers=2, parallel_from_bytes=0), datetime(2026, 11, 23, 2))
    # the raw tables are written without dictionary compression (cheaper to write); nothing after them is
    assert con.execute("select current_setting('disabled_compression_methods')").fetchone()[0] == ""
    assert con.execute("select pers_person_id, _row_number from raw.ssd_person order by 2").fetchall() == [
        ("1", 2), ("2", 3), ("4", 6)]


def test_a_required_table_refused_in_a_reader_process_stops_the_extract_with_the_same_message(extract_builder):
    folder = extract_builder.write(tables={"ssd_person": "pers_person_id,pers_sex,pers_ethnicity\n1,F,WBRI\n"})
    with pytest.raises(ExtractError, match=r"ssd_person.csv: refused: required column\(s\) missing: pers_dob"):
        read_extract(find_extract(folder.parent), workers=2, parallel_from_bytes=0)


def test_the_number_of_readers_is_a_setting_refused_when_it_is_not_a_whole_number():
    from dagster_project.lib.ingest.reader import ingest_workers

    assert ingest_workers({}) is None
    assert ingest_workers({"CLA_INGEST_WORKERS": " 3 "}) == 3
    for wrong in ("0", "two", "1.5"):
        with pytest.raises(ValueError, match=f"CLA_INGEST_WORKERS='{wrong}' is not a number of readers"):
            ingest_workers({"CLA_INGEST_WORKERS": wrong})


def _crash_once_on_person(extract, table_name):
    """A reader that dies (as DuckDB's crash or the out-of-memory killer kills it) the first time it meets
    ssd_person, and reads normally after: the marker file says it has crashed once."""
    import os
    import signal

    from dagster_project.lib.ingest import reader

    marker = extract.folder.parent / f"crashed-{table_name}"
    if table_name == "ssd_person" and not marker.exists():
        marker.write_text("crashed")
        os.kill(os.getpid(), signal.SIGKILL)
    return reader._read_in_reader_process(extract, table_name)


def _crash_always_on_person(extract, table_name):
    import os
    import signal

    from dagster_project.lib.ingest import reader

    if table_name == "ssd_person":
        os.kill(os.getpid(), signal.SIGKILL)
    return reader._read_in_reader_process(extract, table_name)


def _read_with(extract, read_one):
    from dagster_project.lib.engine.duckdb_limits import DuckDBLimits
    from dagster_project.lib.ingest import reader

    folder = reader.TablesFolder()
    config = DuckDBLimits.from_environment().config(folder.path / "spill", databases=2)
    said = []
    loads = reader._read_in_processes(extract, list(load_contract()), 2, config, folder, said.append, read_one)
    return loads, said, folder


def _read_noting_niceness(extract, table_name):
    import os

    from dagster_project.lib.ingest import reader

    load = reader._read_in_reader_process(extract, table_name)
    load.note = f"niceness {os.nice(0)}"
    return load


@pytest.mark.skipif(not hasattr(os, "nice"), reason="process priorities are a Unix call")
def test_reader_processes_run_below_the_pipeline_so_the_raw_layer_writer_keeps_up(extract_builder):
    loads, _said, _folder = _read_with(_messy_extract(extract_builder), _read_noting_niceness)
    expected = os.nice(0) + reader_module.READER_NICENESS
    assert reader_module.READER_NICENESS > 0
    assert {load.note for load in loads.values()} == {f"niceness {min(expected, 19)}"}


def test_a_reader_process_that_dies_has_its_unread_tables_read_again_and_the_night_says_so(extract_builder):
    extract = _messy_extract(extract_builder)
    loads, said, _folder = _read_with(extract, _crash_once_on_person)  # the folder must outlive the loads
    assert len(said) == 1
    assert said[0].startswith("an ingestion reader process stopped without finishing (a DuckDB crash, or out of "
                              "memory); reading the ")
    assert said[0].endswith(" table(s) not yet read again, one at a time")
    assert set(loads) == set(load_contract())
    expected = read_extract(extract, workers=1)
    for name, load in loads.items():
        assert _comparable(load) == _comparable(expected[name]), name


def test_a_reader_that_dies_twice_stops_the_night_naming_what_is_unread(extract_builder):
    extract = _messy_extract(extract_builder)
    with pytest.raises(RuntimeError, match=r"^an ingestion reader process of extract 2026-11-23T0200 stopped "
                                           r"without finishing twice \(a DuckDB crash, or out of memory\) with "
                                           r"\d+ table\(s\) unread"):
        _read_with(extract, _crash_always_on_person)


@pytest.mark.parametrize("unreadable_line", [True, False], ids=["with an unreadable line", "every line readable"])
def test_a_big_table_keeps_file_order_without_a_sort(extract_builder, unreadable_line):
    """More rows than DuckDB's row groups (122,880), read on several threads, with a bad date part way (and an
    unreadable line, which renumbers the rows after it): the rows come out in file order with their
    spreadsheet row numbers."""
    rows = [f"{i},F,WBRI,2012-06-14" for i in range(1, 300_001)]
    rows[150_000] = "150001,F,WBRI,not a date"
    if unreadable_line:
        rows[200_000] = "200001,F"  # too few fields
    folder = extract_builder.write(tables={"ssd_person": HEADER + "\n" + "\n".join(rows) + "\n"})
    load = read_extract(find_extract(folder.parent), workers=1)["ssd_person"]
    numbers = load.rows.column("_row_number").to_pylist()
    ids = load.rows.column("pers_person_id").to_pylist()
    quarantined = [150_002, 200_002] if unreadable_line else [150_002]  # the file's rows, header as row 1
    assert len(numbers) == 300_000 - len(quarantined)
    assert numbers == sorted(numbers) and numbers[0] == 2 and numbers[-1] == 300_001
    assert not set(quarantined) & set(numbers)
    assert all(int(i) + 1 == n for i, n in zip(ids, numbers))
    assert [q["row_number"] for q in load.quarantined] == quarantined

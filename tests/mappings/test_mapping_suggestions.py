"""The mapping worksheet's suggestions: the text similarity, one rule per test, and the acceptance
measure: of 44 local texts of the kind councils' systems write, over seven mappings, the worksheet
suggests the code a person would choose for at least 90%."""

import csv

from dagster_project.lib.paths import SEEDS_DIR
from dagster_project.lib.quality.mapping_suggestions import Candidate, known_texts, similarity, suggest, words
from tests.mappings.local_texts import LOCAL_TEXTS


def seed(name):
    with open(SEEDS_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def known():
    return known_texts(seed("mappings/code_mappings.csv"), seed("ssda903/ssda903_codes.csv"),
                       seed("mappings/case_management_system_texts.csv"), seed("mappings/mapping_domains.csv"))


def test_section_numbers_are_read_however_they_are_written():
    for text in ("S20", "s.20", "Sec. 20", "Section 20", "(s20)", "sect 20"):
        assert words(text) == ["section", "20"], text


def test_abbreviations_are_spelt_out_and_filler_dropped():
    assert words("ICO") == ["interim", "care", "order"]
    assert words("Personal Advisor") == words("Personal Adviser")
    assert words("The child attended") == words("Child attends")


def test_identical_texts_score_one_and_unrelated_texts_little():
    assert similarity("Dental Check", "dental  check") == 1.0
    assert similarity("Dental Check", "Police Protection") < 0.3


def test_a_value_naming_its_code_is_that_code():
    candidates = [Candidate("C1", "Interim care order"), Candidate("C2", "Full care order")]
    assert suggest("C2 - Care order (final)", candidates).code == "C2"
    assert suggest("C2 - Care order (final)", candidates).confidence == 1.0


def test_no_known_texts_no_suggestion():
    assert suggest("Anything", []) is None


def test_the_issue_s_health_texts():
    texts = known()["health_check_type"]
    assert suggest("Health Assessment", texts).code == "HEALTH_ASSESSMENT"
    assert suggest("Health Check", texts).code == "HEALTH_ASSESSMENT"


def test_at_least_90_percent_of_44_local_texts_get_the_code_a_person_would_choose():
    assert len(LOCAL_TEXTS) >= 40
    assert len({domain for domain, _, _ in LOCAL_TEXTS}) >= 6
    shipped = {(r["domain"], " ".join(r["source_value"].upper().split())) for r in seed("mappings/code_mappings.csv")}
    system = {(r["domain"], " ".join(r["source_value"].upper().split()))
              for r in seed("mappings/case_management_system_texts.csv")}
    # none of them is a text the warehouse already knows: each has to be recognised, not looked up
    assert not {(d, " ".join(t.upper().split())) for d, t, _ in LOCAL_TEXTS} & (shipped | system)
    texts = known()
    right = [text for domain, text, code in LOCAL_TEXTS if suggest(text, texts[domain]).code == code]
    assert len(right) / len(LOCAL_TEXTS) >= 0.9, sorted({t for _, t, _ in LOCAL_TEXTS} - set(right))

"""Each data-quality rule's Dagster check says what it checks, derived from the rules seed."""

from dagster_project.defs.quality.checks import RULES, check_name


def test_a_check_name_is_the_rule_code_and_the_first_words_of_its_message_that_carry_meaning():
    rule = {"rule_code": "IRO09", "message": "The review record was sent out more than 20 working days after the "
                                             "review, or has not been sent. Record the date it was sent."}
    assert check_name(rule) == "rule_IRO09_review_record_sent_out_more"
    assert check_name({"rule_code": "GX-PER.01", "message": "The child's date of birth is missing."}) == \
        "rule_GX_PER_01_childs_date_birth_missing"


def test_every_rule_of_the_seed_has_its_own_check_name():
    names = [check_name(rule) for rule in RULES]
    assert len(set(names)) == len(RULES)
    assert all(name.replace("_", "").isalnum() for name in names)

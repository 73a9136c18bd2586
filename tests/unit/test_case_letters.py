"""Which letters differ only by case between a sent key and the key that arrived."""

from hypothesis import given
from hypothesis import strategies as st

from inspector.core import RowStatus, diff_attributes
from inspector.core.case_letters import (
    CaseDifference,
    case_differences,
    describe_case_differences,
)


def test_one_letter_is_named_where_a_person_counts_it():
    found = case_differences("crmCustomerId", "crmCustomerid")
    assert found == (CaseDifference(11, "I", 11, "i"),)
    assert found[0].position == 12
    assert describe_case_differences("crmCustomerId", "crmCustomerid") == (
        "letter 12: sent 'I', received 'i'"
    )


def test_several_letters_each_named():
    assert describe_case_differences("OrderId", "orderID") == (
        "letter 1: sent 'O', received 'o'; letter 7: sent 'd', received 'D'"
    )


def test_identical_or_different_keys_have_no_case_differences():
    assert case_differences("crmCustomerId", "crmCustomerId") == ()
    assert case_differences("crmCustomerId", "crmCustomerNo") == ()
    assert describe_case_differences("a", "b") == ""


def test_a_letter_whose_case_forms_differ_in_length():
    # ß upper-cases to SS: the keys differ only by case, but not letter for letter
    assert describe_case_differences("Maße", "MASSE") == (
        "letter 2: sent 'a', received 'A'; letters 3–4: sent 'ß', received 'SS'; "
        "letter 5: sent 'e', received 'E'"
    )
    assert describe_case_differences("MASSE", "Maße") == (
        "letter 2: sent 'A', received 'a'; letter 3: sent 'SS', received 'ß'; "
        "letter 4: sent 'E', received 'e'"
    )


def test_the_row_of_a_case_mismatch_carries_its_differences():
    rows = diff_attributes({"crmCustomerId": "C-1", "source": "web"}, {"crmCustomerid": "C-1"})
    assert rows[0].status is RowStatus.CASE_MISMATCH
    assert [d.describe() for d in rows[0].case_differences] == ["letter 12: sent 'I', received 'i'"]
    assert rows[1].case_differences == ()


@given(st.text(alphabet="abcXYZ", min_size=1, max_size=20), st.data())
def test_recasing_letters_is_found_exactly_where_it_happened(key, data):
    flips = data.draw(st.sets(st.integers(0, len(key) - 1)))
    received = "".join(c.swapcase() if i in flips else c for i, c in enumerate(key))
    found = case_differences(key, received)
    assert [d.received_start for d in found] == sorted(flips)
    assert all(d.sent == key[d.sent_start] and d.received == received[d.sent_start] for d in found)

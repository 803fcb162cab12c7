"""The sequence rule of answer uploads, without the database."""

import pytest

from carboncert.exams.saves import NoSuchItem, Save, in_sequence


def test_retries_are_skipped_and_a_gap_stops_the_batch():
    saves = [Save(5, 1, "A"), Save(3, 2, "B"), Save(4, 1, "C"), Save(7, 3, "D")]
    applied, last = in_sequence(saves, last_seq=3, item_count=3)
    assert [s.seq for s in applied] == [4, 5] and last == 5


def test_nothing_new_leaves_the_sequence_where_it_was():
    assert in_sequence([Save(1, 1, "A")], last_seq=2, item_count=3) == ([], 2)


def test_an_item_the_paper_lacks_is_refused():
    with pytest.raises(NoSuchItem, match="第 4 题不存在"):
        in_sequence([Save(1, 4, "A")], last_seq=0, item_count=3)

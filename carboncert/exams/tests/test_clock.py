from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from carboncert.exams import clock

BJ = ZoneInfo("Asia/Shanghai")


def at(hh, mm, ss=0):
    return datetime(2026, 12, 19, hh, mm, ss, tzinfo=BJ)


WINDOW = clock.Window(at(8, 30), at(9, 0), at(9, 30), at(9, 30), at(11, 0))


@pytest.mark.parametrize(
    ("now", "started", "code"),
    [
        (at(8, 29, 59), False, "not_open"),
        (at(8, 30), False, None),
        (at(9, 29, 59), False, None),
        (at(9, 30), False, "late"),
        (at(9, 30), True, None),  # already inside: reconnecting is always allowed
        (at(10, 59, 59), True, None),
        (at(11, 0), True, "ended"),
    ],
)
def test_login_follows_the_sittings_times(now, started, code):
    if code is None:
        clock.check_login(WINDOW, now, started=started)
    else:
        with pytest.raises(clock.Refused) as refused:
            clock.check_login(WINDOW, now, started=started)
        assert refused.value.code == code


def test_messages_say_the_times():
    with pytest.raises(clock.Refused, match="08:30 开始签到"):
        clock.check_login(WINDOW, at(8, 0), started=False)
    with pytest.raises(clock.Refused, match="09:30 后不能再进入"):
        clock.check_login(WINDOW, at(9, 31), started=False)
    with pytest.raises(clock.Refused, match="09:30 后可以交卷"):
        clock.check_hand_in(WINDOW, at(9, 29))


def test_hand_in_from_the_earliest_time():
    clock.check_hand_in(WINDOW, at(9, 30))


def test_saves_in_flight_at_the_end_are_accepted_for_a_grace_period():
    clock.check_save(WINDOW, at(11, 0, 29))
    with pytest.raises(clock.Refused):
        clock.check_save(WINDOW, at(11, 0, 30))


def test_extra_time_moves_only_this_attempts_end():
    extended = clock.Window(
        at(8, 30), at(9, 0), at(9, 30), at(9, 30), at(11, 0), timedelta(minutes=10)
    )
    assert extended.attempt_ends_at == at(11, 10)
    assert not clock.is_over(extended, at(11, 5)) and clock.is_over(WINDOW, at(11, 5))
    assert clock.seconds_left(extended, at(11, 0)) == 600
    assert clock.seconds_left(WINDOW, at(11, 30)) == 0
    clock.check_login(extended, at(11, 5), started=True)


def test_questions_show_from_the_start():
    assert not clock.may_start(WINDOW, at(8, 59, 59))
    assert clock.may_start(WINDOW, at(9, 0))

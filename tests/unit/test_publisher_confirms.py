"""The relay marks as published exactly what the broker confirmed of a batch in flight."""

from aufbruch.outbox import Confirms


def sent(*items) -> Confirms:
    confirms = Confirms()
    for item in items:
        confirms.published(item)
    return confirms


def test_a_multiple_ack_confirms_every_message_up_to_its_number():
    confirms = sent("a", "b", "c")
    confirms.ack(2, multiple=True)
    assert confirms.take_confirmed() == ["a", "b"]
    assert confirms.awaited


def test_a_nacked_message_is_not_confirmed_and_no_longer_awaited():
    confirms = sent("a", "b", "c")
    confirms.nack(2, multiple=False)
    confirms.ack(3, multiple=True)
    assert confirms.take_confirmed() == ["a", "c"]
    assert not confirms.awaited


def test_numbers_go_on_across_batches_of_one_channel():
    confirms = sent("a", "b")
    confirms.ack(2, multiple=True)
    assert confirms.take_confirmed() == ["a", "b"]
    confirms.published("c")
    confirms.ack(3, multiple=False)
    assert confirms.take_confirmed() == ["c"]
    assert confirms.take_confirmed() == []

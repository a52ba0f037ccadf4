from domain.language import pejorative_labels


def test_flags_pejorative_labels() -> None:
    flags = pejorative_labels("He is a Habitual  Complainer and acts vexatiously.")
    assert [f.label for f in flags] == ["Habitual  Complainer", "vexatiously"]


def test_neutral_language_passes() -> None:
    assert pejorative_labels("Unreasonable levels of contact: 40 calls in a week.") == []

import pytest

from pipeline.knowledge.names import UnionFind, acronym_key, core_tokens, fullest_form, initials, is_acronym, is_short_form, name_key, name_tokens, surname


@pytest.mark.parametrize(
    "text,expected",
    [
        ("the Islamic State's", ("islamic", "state")),
        ("al-Shaibani", ("al", "shaibani")),
        ("Bashar al-Assad’s", ("bashar", "al", "assad")),
        ("Zoë", ("zoe",)),
        ("the", ("the",)),
    ],
)
def test_name_tokens(text, expected):
    assert name_tokens(text) == expected


def test_core_tokens_drop_particles_but_never_everything():
    assert core_tokens(("asaad", "al", "shaibani")) == ("asaad", "shaibani")
    assert core_tokens(("abu",)) == ("abu",)


@pytest.mark.parametrize("text", ["IS", "ISIL", "U.S.", "NATO", "U.K."])
def test_is_acronym(text):
    assert is_acronym(text)


@pytest.mark.parametrize("text", ["Iraq", "I", "is", "Us"])
def test_is_not_acronym(text):
    assert not is_acronym(text)


def test_acronym_and_initials_meet():
    assert acronym_key("U.S.") == initials("United States") == "US"
    assert initials("Islamic State") == "IS"
    assert initials("Bank of England") == "BE"
    assert initials("Iraq") == ""
    assert name_key("U.S.") == name_key("US") == ("us",)


@pytest.mark.parametrize(
    "short,full,expected",
    [
        (("shaibani",), ("asaad", "shaibani"), True),
        (("abdullah", "rufayi"), ("abdullah", "makki", "muslih", "rufayi"), True),
        (("asaad",), ("asaad", "shaibani"), False),  # a first name alone is not a surname
        (("rufayi", "abdullah"), ("abdullah", "rufayi"), False),
        (("asaad", "shaibani"), ("asaad", "shaibani"), False),
        (("comeaux",), ("arcade", "joseph", "comeaux", "jr"), True),  # a generational suffix is no surname
        (("arcade", "comeaux"), ("arcade", "comeaux", "jr"), True),
        (("comeaux", "jr"), ("arcade", "comeaux", "jr"), True),
        (("comeaux", "jr"), ("arcade", "comeaux", "sr"), False),  # the son is not the father
        (("jr",), ("arcade", "comeaux", "jr"), False),
    ],
)
def test_is_short_form(short, full, expected):
    assert is_short_form(short, full) is expected


def test_surname_passes_over_a_generational_suffix():
    assert surname(("arcade", "joseph", "comeaux", "jr")) == "comeaux"
    assert surname(("martin", "luther", "king", "iii")) == "king"
    assert surname(("asaad", "shaibani")) == surname(("shaibani",)) == "shaibani"
    assert surname(("jr",)) == "jr" and surname(()) == ""


def test_fullest_form_prefers_more_name_words_then_length_then_first():
    assert fullest_form(["Shaibani", "Asaad al-Shaibani", "al-Shaibani"]) == "Asaad al-Shaibani"
    assert fullest_form(["IS", "Islamic State"]) == "Islamic State"
    assert fullest_form(["Iraq", "IRAQ"]) == "Iraq"


def test_union_find_keeps_the_smallest_member_as_root():
    uf = UnionFind(5)
    uf.union(3, 1)
    uf.union(4, 3)
    uf.union(2, 0)
    assert [uf.find(i) for i in range(5)] == [0, 1, 0, 1, 1]


def test_fullest_form_prefers_running_text_case_to_capitals():
    from pipeline.knowledge.names import is_shouted

    assert fullest_form(["LONDON", "London"]) == "London"
    assert fullest_form(["NEW YORK", "New York"]) == "New York"
    assert fullest_form(["NATO"]) == "NATO"  # no other form: capitals are the name
    assert is_shouted("LONDON", ["London"]) and not is_shouted("US", ["US", "U.S."])

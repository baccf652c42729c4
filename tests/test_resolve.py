from pipeline.resolve import CorpusResolver


def resolve(*entities):
    resolver = CorpusResolver()
    for label, name, aliases, kb_id in entities:
        resolver.add(label, name, aliases, kb_id, 1)
    resolution = resolver.resolve()
    return [resolution.canonical_id(label, name, aliases, kb) for label, name, aliases, kb in entities], resolution


def test_same_name_across_documents():
    ids, _ = resolve(("LOC", "Baghdad", ["Baghdad"], None), ("LOC", "Baghdad", ["Baghdad"], None))
    assert ids[0] == ids[1]


def test_surname_alone_joins_the_one_full_name():
    ids, resolution = resolve(
        ("PERSON", "Asaad al-Shaibani", ["Asaad al-Shaibani", "Shaibani"], None),
        ("PERSON", "Shaibani", ["Shaibani"], None),
        ("PERSON", "Asaad Shaibani", ["Asaad Shaibani"], None),
    )
    assert len(set(ids)) == 1
    assert resolution.clusters[ids[0]].name in {"Asaad al-Shaibani", "Asaad Shaibani"}


def test_ambiguous_surname_stays_apart_and_full_names_do_not_chain():
    ids, _ = resolve(
        ("PERSON", "Fuad Hussein", ["Fuad Hussein", "Hussein"], None),
        ("PERSON", "Saddam Hussein", ["Hussein", "Saddam Hussein"], None),
        ("PERSON", "Hussein", ["Hussein"], None),
    )
    assert len(set(ids)) == 3


def test_acronym_alias_links_documents():
    ids, resolution = resolve(
        ("ORG", "Islamic State", ["IS", "Islamic State"], None),
        ("ORG", "IS", ["IS"], None),
    )
    assert ids[0] == ids[1]
    assert resolution.clusters[ids[0]].name == "Islamic State"


def test_kb_id_links_different_names():
    ids, _ = resolve(("ORG", "Daesh", ["Daesh"], "islamic-state"), ("ORG", "ISIL", ["ISIL"], "islamic-state"))
    assert ids[0] == ids[1]


def test_label_separates():
    ids, _ = resolve(("PERSON", "Jordan", ["Jordan"], None), ("LOC", "Jordan", ["Jordan"], None))
    assert ids[0] != ids[1]


def test_ids_are_stable_and_independent_of_order():
    a = [("PERSON", "Fuad Hussein", ["Fuad Hussein"], None), ("LOC", "Iraq", ["Iraq"], None)]
    ids1, _ = resolve(*a)
    ids2, _ = resolve(*reversed(a))
    assert ids1 == list(reversed(ids2))


def test_merge_is_a_reduction():
    left, right, both = CorpusResolver(), CorpusResolver(), CorpusResolver()
    left.add("ORG", "Islamic State", ["IS", "Islamic State"], None, 2)
    right.add("ORG", "IS", ["IS"], None, 3)
    both.add("ORG", "Islamic State", ["IS", "Islamic State"], None, 2)
    both.add("ORG", "IS", ["IS"], None, 3)
    merged = left.merge(right).resolve()
    assert merged.by_summary == both.resolve().by_summary
    assert next(iter(merged.clusters.values())).mention_count == 5


def test_same_name_with_and_without_kb_id_resolves():
    from pipeline.resolve import CorpusResolver

    resolver = CorpusResolver()
    resolver.add("LOC", "Paris", ["Paris"], None, 1)
    resolver.add("LOC", "Paris", ["Paris"], "geonames:2988507", 1)
    resolution = resolver.resolve()
    assert resolution.canonical_id("LOC", "Paris", ["Paris"], None) == resolution.canonical_id("LOC", "Paris", ["Paris"], "geonames:2988507")

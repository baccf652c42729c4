from pipeline.corpus.resolve import CorpusResolver


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


def test_surname_joins_a_full_name_with_a_generational_suffix():
    # The block is the surname, not the suffix: Comeaux meets Arcade Joseph Comeaux Jr.
    ids, resolution = resolve(
        ("PERSON", "Arcade Joseph Comeaux Jr.", ["Arcade Joseph Comeaux Jr."], None),
        ("PERSON", "Comeaux", ["Comeaux"], None),
    )
    assert ids[0] == ids[1]
    assert resolution.clusters[ids[0]].name == "Arcade Joseph Comeaux Jr."


def test_father_and_son_stay_apart_and_their_surname_is_ambiguous():
    ids, _ = resolve(
        ("PERSON", "Arcade Comeaux Jr.", ["Arcade Comeaux Jr."], None),
        ("PERSON", "Arcade Comeaux Sr.", ["Arcade Comeaux Sr."], None),
        ("PERSON", "Comeaux", ["Comeaux"], None),
    )
    assert len(set(ids)) == 3


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
    from pipeline.corpus.resolve import CorpusResolver

    resolver = CorpusResolver()
    resolver.add("LOC", "Paris", ["Paris"], None, 1)
    resolver.add("LOC", "Paris", ["Paris"], "geonames:2988507", 1)
    resolution = resolver.resolve()
    assert resolution.canonical_id("LOC", "Paris", ["Paris"], None) == resolution.canonical_id("LOC", "Paris", ["Paris"], "geonames:2988507")


def test_canonical_ids_are_pinned():
    """Ids are a published key (joins across runs): the hash and the representative name never drift."""
    ids, resolution = resolve(
        ("PERSON", "Asaad al-Shaibani", ["Asaad al-Shaibani", "Shaibani"], None),
        ("PERSON", "Shaibani", ["Shaibani"], None),
        ("ORG", "IS", ["IS"], None),
        ("ORG", "Islamic State", ["IS", "Islamic State"], "islamic-state"),
        ("LOC", "Baghdad", ["Baghdad"], None),
    )
    assert ids == ["PERSON:336364990ce2", "PERSON:336364990ce2", "ORG:d39619c62786", "ORG:d39619c62786", "LOC:a3d1ca3418b3"]
    assert list(resolution.clusters) == ["LOC:a3d1ca3418b3", "ORG:d39619c62786", "PERSON:336364990ce2"]


def test_corpus_ids_stamp_batches_and_count_documents():
    import pyarrow as pa

    from pipeline.corpus.resolve import CorpusIds
    from pipeline.readers import Article
    from pipeline.writing.rows import Rows
    from pipeline.writing.schema import CORPUS_ENTITIES, ENTITIES, MENTIONS

    def batch(*entities):  # (doc_id, entity_id, label, name, aliases), one mention each
        rows = Rows()
        rows.add_error(Article(doc_id="x", path="x", location="x", error="x"))
        tables = rows.to_tables()
        e = [{"doc_id": d, "entity_id": i, "label": lb, "name": n, "aliases": a, "mention_count": 1} for d, i, lb, n, a in entities]
        m = [{"doc_id": d, "mention_id": 0, "text": n, "label": lb, "entity_id": i} for d, i, lb, n, _ in entities]
        return {**tables, "entities": pa.Table.from_pylist(e, schema=ENTITIES), "mentions": pa.Table.from_pylist(m, schema=MENTIONS)}

    batches = [
        batch(("1", "1:E1", "PERSON", "Asaad al-Shaibani", ["Asaad al-Shaibani"]), ("1", "1:E2", "PERSON", "Shaibani", ["Shaibani"])),
        batch(("2", "2:E1", "PERSON", "Shaibani", ["Shaibani"]), ("2", "2:E2", "LOC", "Baghdad", ["Baghdad"])),
    ]
    resolver = CorpusResolver()
    for tables in batches:
        resolver.add_columns(tables["entities"].to_pydict())
    ids = CorpusIds(resolver.resolve())
    stamped = [ids.stamp(tables) for tables in batches]
    shaibani, baghdad = "PERSON:336364990ce2", "LOC:a3d1ca3418b3"
    assert stamped[0]["entities"].column("canonical_id").to_pylist() == [shaibani, shaibani]
    assert stamped[1]["mentions"].column("canonical_id").to_pylist() == [shaibani, baghdad]
    assert stamped[1]["documents"] is batches[1]["documents"]  # other tables pass through
    corpus = ids.corpus_table()
    assert corpus.schema == CORPUS_ENTITIES
    # one document counted once, whatever the number of its entities with that id
    assert corpus.select(["canonical_id", "doc_count", "mention_count"]).to_pylist() == [
        {"canonical_id": shaibani, "doc_count": 2, "mention_count": 3},
        {"canonical_id": baghdad, "doc_count": 1, "mention_count": 1},
    ]


def resolve_in_context(*entities):
    """Like ``resolve``, with each entity's context (the other entity keys of its document)."""
    resolver = CorpusResolver()
    for label, name, aliases, context in entities:
        resolver.add(label, name, aliases, None, 1, context)
    resolution = resolver.resolve()
    return [resolution.canonical_id(label, name, aliases, None, context) for label, name, aliases, context in entities]


def test_two_johnsons_in_unrelated_contexts_stay_apart():
    ids = resolve_in_context(
        ("PERSON", "Johnson", ["Johnson"], ["downing street", "conservative party"]),
        ("PERSON", "Johnson", ["Johnson"], ["lakers", "nba", "sport:basketball"]),
    )
    assert ids[0] != ids[1]


def test_a_lone_surname_joins_the_full_name_its_context_shares():
    ids = resolve_in_context(
        ("PERSON", "Boris Johnson", ["Boris Johnson", "Johnson"], ["downing street", "london"]),
        ("PERSON", "Magic Johnson", ["Magic Johnson"], ["lakers", "los angeles"]),
        ("PERSON", "Johnson", ["Johnson"], ["downing street"]),
        ("PERSON", "Johnson", ["Johnson"], ["lakers", "nba"]),
        ("PERSON", "Johnson", ["Johnson"], ["tokyo"]),  # shares nothing: apart
    )
    assert ids[2] == ids[0] and ids[3] == ids[1]
    assert ids[4] not in ids[:4]


def test_a_lone_surname_between_two_equally_close_full_names_stays_apart():
    ids = resolve_in_context(
        ("PERSON", "Fuad Hussein", ["Fuad Hussein"], ["baghdad"]),
        ("PERSON", "Saddam Hussein", ["Saddam Hussein"], ["baghdad"]),
        ("PERSON", "Hussein", ["Hussein"], ["baghdad"]),
    )
    assert len(set(ids)) == 3


def test_shaibani_joins_asaad_al_shaibani_in_a_shared_context():
    ids = resolve_in_context(
        ("PERSON", "Asaad al-Shaibani", ["Asaad al-Shaibani"], ["syria", "damascus"]),
        ("PERSON", "Shaibani", ["Shaibani"], ["damascus", "un"]),
    )
    assert ids[0] == ids[1]


def test_a_shortened_full_name_joins_the_fuller_one_by_context():
    ids = resolve_in_context(
        ("PERSON", "Richard M. Nixon", ["Richard M. Nixon"], ["watergate"]),
        ("PERSON", "Richard Nixon", ["Richard Nixon"], ["watergate", "white house"]),
        ("PERSON", "Richard K. Nixon", ["Richard K. Nixon"], ["yankees"]),  # another Richard Nixon
    )
    assert ids[0] == ids[1] != ids[2]


def test_a_shortened_name_without_shared_context_joins_the_one_fuller_name():
    # As a lone surname does: nothing in common but the name, and only one name it can be.
    ids = resolve_in_context(
        ("PERSON", "Saints Pierre Thomas", ["Saints Pierre Thomas"], []),
        ("PERSON", "Pierre Thomas", ["Pierre Thomas"], ["new orleans saints"]),
    )
    assert ids[0] == ids[1]


def test_a_shortened_name_between_two_fuller_names_stays_apart():
    ids = resolve_in_context(
        ("PERSON", "George W. Bush", ["George W. Bush"], ["white house"]),
        ("PERSON", "George H. W. Bush", ["George H. W. Bush"], ["kennebunkport"]),
        ("PERSON", "George Bush", ["George Bush"], ["iraq"]),
    )
    assert len(set(ids)) == 3


def test_an_organisation_shortened_without_shared_context_stays_apart():
    ids = resolve_in_context(
        ("ORG", "Staunton Police Department", ["Staunton Police Department"], ["staunton"]),
        ("ORG", "Police Department", ["Police Department"], ["houston"]),
    )
    assert ids[0] != ids[1]


def test_australia_the_country_and_its_teams_stay_apart():
    resolver = CorpusResolver()
    entities = [
        ("LOC", "Australia", ["Australia"], ["canberra"]),
        ("LOC", "Australia", ["Australia"], ["japan", "sport:cricket"]),  # a place on a sports page: the country
        ("ORG", "Australia", ["Australia"], ["sri lanka", "sport:cricket"]),
        ("ORG", "Australia", ["Australia"], ["pakistan", "sport:cricket"]),
        ("ORG", "Australia", ["Australia"], ["new zealand", "sport:rugby"]),
    ]
    for label, name, aliases, context in entities:
        resolver.add(label, name, aliases, None, 1, context)
    resolution = resolver.resolve()
    ids = [resolution.canonical_id(label, name, aliases, None, context) for label, name, aliases, context in entities]
    assert ids[0] == ids[1]  # the country: one entity, whatever the page
    assert ids[2] == ids[3]  # the cricket team
    assert len({ids[0], ids[2], ids[4]}) == 3  # country, cricket team, rugby team
    assert sum(key[0] == "LOC" for key in resolver.mentions) == 2  # a place keeps only its sport: one summary per sport, not per document


def test_display_name_prefers_running_text_case():
    _, resolution = resolve(
        ("LOC", "LONDON", ["LONDON"], None),
        ("LOC", "LONDON", ["LONDON"], None),
        ("LOC", "London", ["London"], None),
        ("LOC", "NEW YORK", ["NEW YORK", "New York"], None),
    )
    assert sorted(c.name for c in resolution.clusters.values()) == ["London", "New York"]


def test_resume_reads_entities_written_without_context():
    import pyarrow as pa

    table = pa.table({"label": ["LOC"], "name": ["Baghdad"], "aliases": [["Baghdad"]], "kb_id": [None], "mention_count": [2]})
    resolution = CorpusResolver.from_tables([table]).resolve()
    assert resolution.canonical_id("LOC", "Baghdad", ["Baghdad"], None) == "LOC:a3d1ca3418b3"


def test_one_word_organisation_joins_the_longer_name_its_context_shares():
    ids = resolve_in_context(
        ("ORG", "Church of Scientology", ["Church of Scientology"], ["tom cruise", "clearwater"]),
        ("ORG", "Scientology", ["Scientology"], ["clearwater"]),
        ("ORG", "Chicago Bulls", ["Chicago Bulls"], ["michael jordan", "sport:basketball"]),
        ("ORG", "Chicago", ["Chicago"], ["michael jordan", "new york", "sport:basketball"]),  # the team on a results page
        ("ORG", "Chicago", ["Chicago"], ["michael jordan"]),  # no sport: not the team's block
        ("LOC", "Chicago", ["Chicago"], ["illinois"]),
        ("ORG", "Apple", ["Apple"], ["iphone"]),
        ("ORG", "Apple Records", ["Apple Records"], ["beatles"]),  # shares nothing with Apple
    )
    assert ids[0] == ids[1] and ids[2] == ids[3]
    assert len({ids[2], ids[4], ids[5]}) == 3
    assert ids[6] != ids[7]


def test_a_place_the_corpus_vote_made_a_team_is_found_by_its_sport():
    from pipeline.corpus.vote import Relabelling

    resolver = CorpusResolver()
    resolver.add("LOC", "Australia", ["Australia"], None, 1, ["sri lanka", "sport:cricket"])
    relabelled = Relabelling({"australia\tsport:cricket": "ORG"}).resolver(resolver)
    row = {"label": ["ORG"], "name": ["Australia"], "aliases": [["Australia"]], "kb_id": [None], "context": [["sri lanka", "sport:cricket"]]}
    resolution = relabelled.resolve()
    assert resolution.canonical_ids(row) == [next(iter(resolution.clusters))]


def test_shortened_names_are_those_a_longer_name_of_their_block_stands_for():
    """Found by last word, longest first: the same summaries as comparing every pair of a block
    (a block of many names of one length, every ``... Group``, is a pass, not every pair)."""
    import random

    from pipeline.corpus.resolve import _fuller, _shortened

    def every_pair(blocks):
        return sorted(i for block in blocks.values() for key, found in block.items() if len(key) > 1 and _fuller(key, block) for i in found)

    rng = random.Random(13)
    for _ in range(500):
        blocks = {}
        for b in range(rng.randint(1, 4)):
            block: dict = {}
            for _ in range(rng.randint(1, 8)):
                block.setdefault(tuple(rng.choice("abcde") for _ in range(rng.randint(1, 4))), []).append(rng.randint(0, 30))
            blocks[b] = block
        assert _shortened(blocks) == every_pair(blocks)
    group = {("richard", "nixon"): [0], ("richard", "m", "nixon"): [1], ("kakaka", "group"): [2], ("lokaka", "group"): [3]}
    assert _shortened({"block": group}) == [0]


def test_a_title_alone_is_no_persons_name():
    """GUM's lone ``President`` of an interview with Peres and of an Afghan report were one entity,
    with an ``International President``: a bare title links to nothing by its name."""
    ids = resolve_in_context(
        ("PERSON", "President", ["President"], ["afghanistan", "kabul"]),
        ("PERSON", "International President", ["International President"], ["israel", "brotherhood"]),
        ("PERSON", "President", ["President"], ["israel", "brotherhood"]),
        ("PERSON", "Prime Minister", ["Prime Minister"], ["london"]),
        ("PERSON", "Prime Minister", ["Prime Minister"], ["delhi"]),
        ("PERSON", "Johnson", ["Johnson"], ["israel", "brotherhood"]),
        ("PERSON", "Boris Johnson", ["Boris Johnson"], ["israel", "brotherhood"]),
    )
    assert len(set(ids[:5])) == 5  # no title alone joins anyone, nor another title alone
    assert ids[5] == ids[6]  # a surname still does
    ids, _ = resolve(("PERSON", "President", ["President"], "Q22686"), ("PERSON", "Donald Trump", ["Donald Trump"], "Q22686"))
    assert ids[0] == ids[1]  # a curated id still links it

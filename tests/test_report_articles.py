"""Highlighted articles: displaCy in manual mode, one colour and tooltip per entity."""

from pipeline.report.articles import EntityInfo, entity_colour, mention_opacity, render_article

TEXT = "Asaad al-Shaibani met IS.\nShaibani left."


def mention(start, end, label, key):
    return {"start_char": start, "end_char": end, "label": label, "key": key}


def test_aliases_share_colour_and_tooltip():
    infos = {"P:1": EntityInfo("Asaad al-Shaibani", "PERSON", ("Asaad al-Shaibani", "Shaibani"), 2)}
    html = render_article(TEXT, [mention(26, 34, "PERSON", "P:1"), mention(0, 17, "PERSON", "P:1"), mention(22, 24, "ORG", "O:1")], infos)
    assert html.count(f"background: {entity_colour('P:1')}") == 2
    assert html.count('title="Asaad al-Shaibani (PERSON) · also: Shaibani · in 2 articles"') == 2
    assert 'title="IS (ORG)"' in html  # no info: the mention's own text and label
    assert html.index(">Asaad al-Shaibani<") < html.index(">IS<") < html.index(">Shaibani<")
    assert "<br>" in html  # line breaks kept


def test_overlapping_and_out_of_range_mentions_are_skipped():
    html = render_article(TEXT, [mention(0, 17, "PERSON", "a"), mention(6, 17, "PERSON", "b"), mention(30, 99, "ORG", "c")], {})
    assert html.count("<mark") == 1


def test_colour_is_stable_and_differs_between_entities():
    assert entity_colour("PERSON:336364990ce2") == entity_colour("PERSON:336364990ce2")
    assert len({entity_colour(f"ORG:{i}") for i in range(20)}) > 10


def test_low_confidence_mentions_are_fainter():
    scored = [{**mention(0, 17, "PERSON", "a"), "score": 1.0}, {**mention(22, 24, "ORG", "b"), "score": 0.2}, mention(26, 34, "PERSON", "c")]
    html = render_article(TEXT, scored, {})
    assert html.count("opacity: 1.00") == 2  # scored 1, and unscored
    assert f"opacity: {mention_opacity(0.2):.2f}" in html and mention_opacity(0.2) < 1.0
    assert 'title="IS (ORG) · score 0.20"' in html

"""``news.case_variants.v1``: training documents rewritten in another case, gold entities kept.

News headlines are in Title Case or ALL CAPS (``COLTS TOP CHIEFS``), web text often in lower
case (``burger king``, ``enron``); the training corpora are mostly in sentence case, so the
recogniser learns that a name is capitalised. With probability ``lower_level`` a training
document is lower-cased, with ``upper_level`` upper-cased and with ``title_level`` every word is
capitalised (the rest pass unchanged); the entities stay where they were. A variant replaces its
original (as ``spacy.lower_case.v1`` does), so an epoch has as many documents as before.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from spacy.language import Language
from spacy.training import Example
from spacy.training.augment import _doc_to_biluo_tags_with_partial
from spacy.util import registry

Augmenter = Callable[[Language, Example], Iterator[Example]]


def _title(word: str) -> str:
    return word[:1].upper() + word[1:] if word[:1].isalpha() else word


#: variant name -> how one word is rewritten
CASES: dict[str, Callable[[str], str]] = {"lower": str.lower, "upper": str.upper, "title": _title}


def case_variant(nlp: Language, example: Example, case: str) -> Example:
    """``example`` with every reference word rewritten by ``CASES[case]`` (a word whose length
    would change, as ``ß`` -> ``SS``, stays as it was), entities and other annotation kept."""
    change = CASES[case]
    words = []
    for token in example.reference:
        new = change(token.text)
        words.append(new if len(new) == len(token.text) else token.text)
    text = "".join(word + token.whitespace_ for word, token in zip(words, example.reference))
    annotation = example.to_dict()
    annotation["doc_annotation"]["entities"] = _doc_to_biluo_tags_with_partial(example.reference)
    annotation["token_annotation"]["ORTH"] = words
    return example.from_dict(nlp.make_doc(text), annotation)


@registry.augmenters("news.case_variants.v1")
def create_case_variants(lower_level: float, upper_level: float, title_level: float) -> Augmenter:
    """An augmenter that rewrites a document in lower, upper or title case with these
    probabilities (their sum at most 1), and leaves it unchanged otherwise."""
    levels = {"lower": lower_level, "upper": upper_level, "title": title_level}
    if any(level < 0 for level in levels.values()) or sum(levels.values()) > 1:
        raise ValueError(f"news.case_variants.v1: levels must be >= 0 and sum to at most 1, not {levels}.")

    def augment(nlp: Language, example: Example) -> Iterator[Example]:
        draw = random.random()
        for case, level in levels.items():
            if draw < level:
                yield case_variant(nlp, example, case)
                return
            draw -= level
        yield example

    return augment

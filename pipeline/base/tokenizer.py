"""Tokenizer rules for news text, applied at ``initialize`` and saved with the pipeline.

Registered as the ``[initialize.before_init]`` callback ``news.tokenizer_rules.v1``, so the rules
live in the config and travel inside a saved model (``Tokenizer.to_disk`` keeps them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, registry


@registry.callbacks("news.tokenizer_rules.v1")
def make_tokenizer_rules(infixes: list[str], special_cases: list[str]) -> Callable[[Language], Language]:
    """Add infix patterns and single-token special cases to the tokenizer.

    infixes: regular expressions appended to the language's infixes, e.g. a hyphen after an
        abbreviation (``U.S.-led`` -> ``U.S.`` ``-`` ``led``).
    special_cases: strings that must stay one token (``U.S.``, ``U.N.``).
    """

    def apply(nlp: Language) -> Language:
        tokenizer = cast(Tokenizer, nlp.tokenizer)
        if infixes:
            all_infixes = list(nlp.Defaults.infixes or []) + list(infixes)
            tokenizer.infix_finditer = compile_infix_regex(all_infixes).finditer
        for case in special_cases:
            tokenizer.add_special_case(case, [{ORTH: case}])
        return nlp

    return apply

"""Articles with their mentions highlighted: spaCy's displaCy in manual mode, one colour per entity.

displaCy colours by label; here every alias of one entity (one ``canonical_id``) shares a colour
of its own, and a tooltip gives the canonical name, so *Shaibani* is seen to be *Asaad
al-Shaibani*. The colour comes from a hash of the id, so it is the same in every article and
on every re-run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup
from spacy import displacy

from .charts import label_colour

HUE_STEPS = 360
ENTITY_SATURATION = 70  # percent
ENTITY_LIGHTNESS = 82  # percent: light enough for black text

# displaCy's entity template with the entity's colour, its id and a tooltip as parameters
# (displaCy fills `params` of each manual span into the template); the rest of displaCy's
# inline style is in the report's stylesheet (`mark.entity`).
TPL_ENTITY = (
    '<mark class="entity" data-entity="{key}" title="{tooltip}" style="background: {bg}; opacity: {opacity}; '
    'box-shadow: inset 0 -3px 0 {label_bg}">{text}<span class="entity-label">{label}</span></mark>'
)
#: A mention scored 0 is drawn at this opacity, one scored 1 fully; unscored ones fully.
FAINTEST = 0.35


@dataclass(frozen=True)
class EntityInfo:
    """What a tooltip says about one corpus entity."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()
    doc_count: int | None = None

    def tooltip(self) -> str:
        others = [alias for alias in self.aliases if alias != self.name]
        parts = [f"{self.name} ({self.label})"]
        if others:
            parts.append("also: " + ", ".join(others))
        if self.doc_count is not None:
            parts.append(f"in {self.doc_count:,} article{'s' if self.doc_count != 1 else ''}")
        return " · ".join(parts)


def entity_colour(key: str) -> str:
    """A light background colour for the entity ``key``, stable across runs and articles."""
    hue = int(hashlib.sha1(key.encode("utf8")).hexdigest()[:8], 16) % HUE_STEPS
    return f"hsl({hue}, {ENTITY_SATURATION}%, {ENTITY_LIGHTNESS}%)"


def mention_opacity(score: float) -> float:
    """How opaque a mention's highlight is: low-confidence mentions are drawn fainter."""
    return FAINTEST + (1.0 - FAINTEST) * min(1.0, max(0.0, score))


def render_article(
    text: str,
    mentions: Iterable[dict[str, Any]],
    entities: dict[str, EntityInfo],
) -> Markup:
    """``text`` as HTML with each mention highlighted (displaCy escapes the text).

    ``mentions`` are dicts with ``start_char``, ``end_char``, ``label`` and ``key`` (the entity's
    ``canonical_id``, or its ``entity_id`` when it has none) and optionally ``score`` (drawn
    fainter the lower it is, :func:`mention_opacity`); ``entities`` maps keys to what the
    tooltip says. Overlapping mentions (which a run does not write) keep the first.
    """
    spans = []
    end_of_last = 0
    for mention in sorted(mentions, key=lambda m: (m["start_char"], -m["end_char"])):
        start, end = int(mention["start_char"]), int(mention["end_char"])
        if start < end_of_last or not 0 <= start < end <= len(text):
            continue
        key = str(mention["key"])
        label = str(mention["label"])
        info = entities.get(key) or EntityInfo(name=text[start:end], label=label)
        raw = mention.get("score")
        score = None if raw is None or raw != raw else float(raw)  # NaN: a missing score in a pandas row
        tooltip = info.tooltip() + (f" · score {score:.2f}" if score is not None else "")
        spans.append(
            {
                "start": start,
                "end": end,
                "label": label,
                "params": {
                    "key": escape(key, quote=True),
                    "tooltip": escape(tooltip, quote=True),
                    "bg": entity_colour(key),
                    "opacity": f"{mention_opacity(score) if score is not None else 1.0:.2f}",
                    "label_bg": label_colour(label),
                },
            }
        )
        end_of_last = end
    html = displacy.render(
        {"text": text, "ents": spans, "title": None},
        style="ent",
        manual=True,
        page=False,
        jupyter=False,
        options={"template": TPL_ENTITY},
    )
    return Markup(html)

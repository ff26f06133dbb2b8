"""Suggest a category from an appeal's text: multinomial naive Bayes trained on the community's
answered appeals. Only a suggestion shown to operators; nothing is decided by it."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from django.core.cache import cache

from hromada.apps.appeals.models import Appeal, AppealStatus, Category

WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
TRAINING_LIMIT = 5000  # the most recent answered appeals are plenty for a suggestion
CACHE_SECONDS = 600


def tokens(text: str) -> list[str]:
    # A crude stem (first 6 letters) merges Ukrainian case endings: "дорога", "дороги", "дорогу".
    return [w.lower()[:6] for w in WORD.findall(text)]


def train(community_id: int) -> dict:
    rows = (Appeal.objects.filter(status__in=(AppealStatus.ANSWERED, AppealStatus.CLOSED), category__isnull=False)
            .order_by("-answered_at").values_list("category_id", "text")[:TRAINING_LIMIT])
    words: dict[int, Counter] = defaultdict(Counter)
    docs: Counter = Counter()
    for category_id, text in rows:
        docs[category_id] += 1
        words[category_id].update(tokens(text))
    vocabulary = {w for counter in words.values() for w in counter}
    return {"docs": dict(docs), "words": {k: dict(v) for k, v in words.items()},
            "totals": {k: sum(v.values()) for k, v in words.items()}, "vocabulary": len(vocabulary)}


def model_for(community_id: int) -> dict:
    key = f"appeals:suggest:{community_id}"
    model = cache.get(key)
    if model is None:
        model = train(community_id)
        cache.set(key, model, CACHE_SECONDS)
    return model


def suggest(community_id: int, text: str, *, limit: int = 3) -> list[tuple[Category, float]]:
    """Up to `limit` categories with their probability, best first; empty without training data."""
    model = model_for(community_id)
    total_docs = sum(model["docs"].values())
    words = tokens(text)
    if not total_docs or not words:
        return []
    vocabulary = model["vocabulary"] + 1
    scores = {}
    for category_id, count in model["docs"].items():
        counts = model["words"].get(category_id, {})
        denominator = model["totals"].get(category_id, 0) + vocabulary
        score = math.log(count / total_docs)
        for word in words:
            score += math.log((counts.get(word, 0) + 1) / denominator)
        scores[category_id] = score
    top = max(scores.values())
    norm = sum(math.exp(s - top) for s in scores.values())
    ranked = sorted(scores.items(), key=lambda item: -item[1])[:limit]
    categories = Category.objects.in_bulk([c for c, _ in ranked])
    return [(categories[c], round(math.exp(s - top) / norm, 3)) for c, s in ranked if c in categories]

"""Benchmark: how `kb discover` should guess a paper's likely topics — measured on the catalog.

Each catalog entry with topics plays a new paper: its topics are predicted from the rest of
the catalog and the best guess is checked against the topics the curators gave it. Two ways:

- **nearest-entry vote** (what kb discover uses, :mod:`kb.discover.topics`): the 10 entries
  most similar by content (the entry itself left out) vote with their similarity;
- **one-vs-rest logistic regression** on the same tf-idf features, one classifier per topic,
  5-fold cross-validated (each entry predicted by a model that did not see it).

Reported: the share of entries whose top guess is one of their topics, the share for which
any shown guess is, and how many entries each topic has. What it can't tell apart: entries
have one to three topics and curators choose among overlapping ones (``history`` and a method
topic), so a "wrong" guess may still be a fair one.

Run:  python benchmarks/discover_topics.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results" / "discover_topics.json"


def nearest_vote(catalog, entries) -> tuple[float, float]:
    from kb.discover.rank import Neighbour
    from kb.discover.similar import ContentIndex
    from kb.discover.topics import likely_topics

    index = ContentIndex.for_catalog(catalog)
    topics_of = {e.id: list(e.topics) for e in catalog}
    top, shown = 0, 0
    for entry in entries:
        near = [Neighbour(s.id, s.similarity) for s in index.similar(entry.id, limit=10)]
        guesses = [topic for topic, _ in likely_topics(near, topics_of)]
        top += bool(guesses) and guesses[0] in entry.topics
        shown += any(topic in entry.topics for topic in guesses)
    return top / len(entries), shown / len(entries)


def one_vs_rest(entries) -> float:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer

    from kb.discover.features import content_vectorizer, entry_text

    binarizer = MultiLabelBinarizer()
    labels = binarizer.fit_transform([e.topics for e in entries])
    texts = [entry_text(e) for e in entries]
    top = 0
    for train, test in KFold(5, shuffle=True, random_state=0).split(texts):
        vectorizer = content_vectorizer(min_df=1)
        rows = vectorizer.fit_transform([texts[i] for i in train])
        seen = labels[train].sum(axis=0) > 0  # a topic with no entry in this fold's training
        model = OneVsRestClassifier(LogisticRegression(C=10, max_iter=1000,
                                                       class_weight="balanced"))
        model.fit(rows, labels[train][:, seen])
        scores = model.decision_function(vectorizer.transform([texts[i] for i in test]))
        names = np.array(binarizer.classes_)[seen]
        top += sum(names[row.argmax()] in entries[i].topics for row, i in zip(scores, test,
                                                                                strict=True))
    return top / len(entries)


def main() -> None:
    from report_file import machine, now, write_report  # beside this file

    sys.path.insert(0, str(REPO))
    from kb.catalog import Catalog

    catalog = Catalog.load(REPO / "catalog")
    entries = [e for e in catalog if e.topics]
    sizes = Counter(topic for e in entries for topic in e.topics)
    top, shown = nearest_vote(catalog, entries)
    report = {
        "command": "python benchmarks/discover_topics.py",
        "entries_with_topics": len(entries),
        "topics_used": len(sizes),
        "topics_with_fewer_than_15_entries": sum(count < 15 for count in sizes.values()),
        "nearest_vote": {"top_guess_is_a_topic": round(top, 3),
                         "some_shown_guess_is_a_topic": round(shown, 3)},
        "one_vs_rest_logistic_5_fold": {"top_guess_is_a_topic": round(one_vs_rest(entries), 3)},
        "entries_per_topic": dict(sizes.most_common()),
        "machine": machine(),
        "when": now(),
    }
    write_report(RESULTS, report)
    print(json.dumps({k: v for k, v in report.items() if k != "entries_per_topic"}, indent=2),
          file=sys.stderr)


if __name__ == "__main__":
    main()

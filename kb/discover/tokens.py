"""Words of a text for tf-idf: Latin words folded, Chinese runs segmented by jieba.

scikit-learn's default token pattern sees a run of Chinese characters as one "word", so
``擴散模型的蒸餾方法`` would never match a query for ``蒸餾``. :func:`tokenize` folds the
text (case, accents: :func:`kb.text.fold`), takes Latin words of two or more letters and
digits (as arxiv-sanity-lite's ``\\b[a-zA-Z_][a-zA-Z0-9_]+\\b``), and cuts each run of CJK
characters with jieba's search mode, which gives the words and, for long words, the shorter
words inside them as well (``擴散模型的蒸餾`` → ``擴散``, ``模型``, ``蒸餾``). Single Chinese
characters are mostly particles
(的, 是) and are dropped. jieba is imported, and its dictionary loaded, only when a
text has Chinese in it.
"""

from __future__ import annotations

import functools
import logging
import re

from kb.text import fold

WORD = re.compile(r"[a-z_][a-z0-9_]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@functools.cache
def _jieba():  # noqa: ANN202 - the jieba module
    import jieba

    jieba.setLogLevel(logging.WARNING)  # "Building prefix dict …" on every first use
    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba


@functools.lru_cache(maxsize=65_536)
def chinese_words(run: str) -> tuple[str, ...]:
    """jieba's search-mode words of a run of Chinese characters, two characters or more.

    Cached: notes repeat their phrases, and segmenting is the slow part of tokenizing.
    """
    return tuple(word for word in _jieba().cut_for_search(run) if len(word) > 1)


def tokenize(text: str) -> list[str]:
    """The words of ``text`` in order, for ``TfidfVectorizer(tokenizer=tokenize)``.

    >>> tokenize("Score-based Models, 擴散模型的蒸餾")
    ['score', 'based', 'models', '擴散', '模型', '蒸餾']
    """
    if text.isascii():  # most abstracts: no folding or segmenting to do
        return WORD.findall(text.lower())
    words: list[str] = []
    for word in WORD.findall(fold(text)):
        if CJK.match(word):
            words += chinese_words(word)
        else:
            words.append(word)
    return words

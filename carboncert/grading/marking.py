"""Short-answer marking rules: pure, no Django.

- `suggest`: a score worked out from the rubric's keywords, shown to the grader as
  a hint they are free to ignore. Answers and rubric lines are segmented with
  jieba, so a keyword matches as a word ("碳排放" does not match "碳排放权交易"'s
  neighbour words by accident) and also as a substring (jieba may split a rare term).
- `needs_arbitration` and `final_points`: double marking (双评) as the sitting's
  settings say.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)
HALF = Decimal("0.5")
_PUNCTUATION = re.compile(r"^[\W_]+$")
# Words that carry no meaning of their own in a rubric line.
_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "等",
        "是",
        "在",
        "对",
        "为",
        "把",
        "被",
        "将",
        "并",
        "其",
        "中",
        "上",
        "下",
        "能",
        "可",
        "要",
        "应",
        "由",
        "从",
        "以",
        "答出",
        "写出",
        "说明",
        "指出",
        "给出",
        "包括",
        "主要",
        "一个",
        "什么",
        "如何",
        "每点",
        "得分",
        "要点",
        "分",
    ]
)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=4096)
def terms(text: str) -> tuple[str, ...]:
    """The meaningful words of a text, in order, folded (width and case)."""
    words = jieba.lcut(fold(text))
    return tuple(
        w for w in words if len(w) >= 2 and w not in _STOPWORDS and not _PUNCTUATION.match(w)
    )


@dataclass(frozen=True)
class Suggestion:
    points: Decimal
    met: tuple[int, ...]  # the rubric lines judged present, by index
    found: tuple[str, ...]  # the question's keywords found in the answer, for highlighting


def suggest(
    answer: str,
    rubric: list[tuple[str, Decimal]],
    keywords: list[str],
    max_points: Decimal,
) -> Suggestion:
    """A hint, not a mark: each rubric line whose key terms mostly occur in the answer
    earns its points. A line's key terms are the question's keywords it names, or
    else its own words. Without a rubric: the share of keywords found."""
    text = fold(answer)
    if not text.strip():
        return Suggestion(Decimal(0), (), ())
    words = set(terms(answer))

    def present(term: str) -> bool:
        return term in words or term in text

    found = tuple(k for k in keywords if k.strip() and present(fold(k)))
    if rubric:
        met, points = [], Decimal(0)
        for i, (description, line_points) in enumerate(rubric):
            named = [fold(k) for k in keywords if k.strip() and fold(k) in fold(description)]
            key_terms = named or list(terms(description))
            hits = sum(present(t) for t in key_terms)
            if key_terms and hits * 2 >= len(key_terms):
                met.append(i)
                points += line_points
        return Suggestion(min(points, max_points), tuple(met), found)
    if not keywords:
        return Suggestion(Decimal(0), (), ())
    share = max_points * len(found) / len([k for k in keywords if k.strip()] or [1])
    return Suggestion((share / HALF).to_integral_value(ROUND_FLOOR) * HALF, (), found)


def to_half(points: Decimal) -> Decimal:
    """Marks are whole or half points; a mean of 7 and 7.5 rounds up, to the candidate."""
    return (points / HALF).to_integral_value(ROUND_HALF_UP) * HALF


def needs_arbitration(first: Decimal, second: Decimal, threshold: Decimal) -> bool:
    return abs(first - second) > threshold


def final_points(
    first: Decimal, second: Decimal, arbiter: Decimal | None = None, rule: str = "mean"
) -> Decimal:
    """The answer's points from its marks.

    Within the threshold: the mean of the two. Arbitrated: the arbiter's mark ("arbiter"),
    or the mean of the arbiter's mark and the nearer of the two ("mean", the rule of
    China's national exam marking); when both are as near, the higher one."""
    if arbiter is None:
        return to_half((first + second) / 2)
    if rule == "arbiter":
        return arbiter
    nearer = min((first, second), key=lambda m: (abs(m - arbiter), -m))
    return to_half((arbiter + nearer) / 2)


def valid_points(points: Decimal, max_points: Decimal) -> str | None:
    """Why a grader's mark cannot be taken (Chinese), or None."""
    if points < 0 or points > max_points:
        return f"分数应在 0 到 {max_points.normalize():f} 分之间。"
    if points % HALF:
        return "分数只能是整数或半分（如 6.5）。"
    return None


def highlight(answer: str, keywords: list[str]) -> list[tuple[str, bool]]:
    """The answer cut into (text, is_keyword) pieces, for showing found keywords in bold."""
    found = sorted({k for k in keywords if k.strip() and k in answer}, key=len, reverse=True)
    if not found:
        return [(answer, False)]
    pattern = re.compile("|".join(re.escape(k) for k in found))
    pieces, at = [], 0
    for match in pattern.finditer(answer):
        if match.start() > at:
            pieces.append((answer[at : match.start()], False))
        pieces.append((match.group(), True))
        at = match.end()
    if at < len(answer):
        pieces.append((answer[at:], False))
    return pieces

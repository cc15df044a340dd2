"""Hashtags and @mentions in text: one left-to-right pass, O(n), no regular expression to backtrack.

A tag starts at `#` or `@` that begins the text or follows a character that cannot be part of a word
(so `me@example.com` and `C#` are not matches), and runs over word characters. Hashtags need at least
one non-digit (`#1` is a list number, not a tag) and are cut at 100 characters; mentions follow the
username rule (a letter, then letters, digits or underscores, 3–30 in all; longer runs are not mentions).
"""

from dataclasses import dataclass, field

MAX_HASHTAG = 100
MAX_USERNAME = 30


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@dataclass
class Parsed:
    hashtags: list[str] = field(default_factory=list)  # display form, first occurrence, unique by lower()
    mentions: list[str] = field(default_factory=list)  # lower-case usernames, unique


def parse(text: str) -> Parsed:
    result = Parsed()
    seen_tags: set[str] = set()
    seen_mentions: set[str] = set()
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "#@" and (i == 0 or not (_is_word(text[i - 1]) or text[i - 1] in "#@&")):
            j = i + 1
            while j < n and _is_word(text[j]):
                j += 1
            word = text[i + 1 : j]
            if ch == "#":
                tag = word[:MAX_HASHTAG]
                if tag and not tag.isdigit() and tag.lower() not in seen_tags:
                    seen_tags.add(tag.lower())
                    result.hashtags.append(tag)
            elif _is_username(word) and word.lower() not in seen_mentions:
                seen_mentions.add(word.lower())
                result.mentions.append(word.lower())
            i = max(j, i + 1)
            continue
        i += 1
    return result


def _is_username(word: str) -> bool:
    return (
        3 <= len(word) <= MAX_USERNAME
        and word.isascii()
        and word[0].isalpha()
        and all(c.isalnum() or c == "_" for c in word)
    )

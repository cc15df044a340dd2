"""Fuzzing the text parsers (hashtags and mentions, chat banned words): no crash on any input, results
that respect the rules, and time that grows linearly with the input (no pathological regex)."""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.parsing import MAX_HASHTAG, parse
from livestream.models import CHAT_MESSAGE_MAX_LENGTH
from livestream.services.chat import contains_banned_word
from livestream.services.streams import normalise_banned_words

FUZZ = settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
TEXT = st.text(alphabet=st.sampled_from("#@_aZ9 .-&\u00e9\u0301\u4e2d\u0661\n\t") | st.characters(), max_size=400)


@FUZZ
@given(TEXT)
def test_parse_never_crashes_and_follows_the_rules(text):
    parsed = parse(text)
    assert len({t.lower() for t in parsed.hashtags}) == len(parsed.hashtags)
    for tag in parsed.hashtags:
        assert 0 < len(tag) <= MAX_HASHTAG and not tag.isdigit() and "#" + tag[:1] in text
    for name in parsed.mentions:
        assert 3 <= len(name) <= 30 and name.isascii() and name[0].isalpha() and name == name.lower()
        assert "@" + name in text.lower()


@FUZZ
@given(st.lists(st.text(max_size=60), max_size=250), st.text(max_size=CHAT_MESSAGE_MAX_LENGTH))
def test_banned_words_never_crash(words, body):
    try:
        cleaned = normalise_banned_words(words)
    except Exception as exc:  # only the service's own refusal is acceptable
        assert type(exc).__name__ == "ValidationFailed"
        return
    assert isinstance(contains_banned_word(body, cleaned), bool)


def _worst_time(func, make, size, runs=7):
    best = float("inf")
    for _ in range(runs):
        data = make(size)
        started = time.perf_counter()
        func(data)
        best = min(best, time.perf_counter() - started)
    return best


ADVERSARIAL = {
    "hashes": lambda n: "#" * n,
    "ats": lambda n: "@" * n,
    "tag runs": lambda n: "#a" * (n // 2),
    "word then hash": lambda n: "a#" * (n // 2),
    "one long word": lambda n: "#" + "a" * n,
    "long mention": lambda n: "@" + "b" * n,
    "mixed": lambda n: ("@ab_#9 x#y@" * n)[:n],
    "combining marks": lambda n: "#" + "e\u0301" * (n // 2),
}


def test_parse_is_linear_in_the_input():
    for name, make in ADVERSARIAL.items():
        small = _worst_time(parse, make, 40_000)
        large = _worst_time(parse, make, 320_000)  # 8× the input
        # Linear is about 8×; quadratic would be about 64×. Generous for a busy CI machine, never the square.
        assert large < 32 * max(small, 1e-4), (name, small, large)


def test_banned_word_check_is_bounded_at_the_limits():
    """The largest list the service accepts (200 words of 50 characters sharing a prefix) against the
    longest chat message: still fast, and linear in the message length."""
    words = normalise_banned_words([("a" * 48 + f"{i:02d}")[:50] for i in range(200)])

    def check(body):
        return contains_banned_word(body, words)

    small = _worst_time(check, lambda n: "a" * n, CHAT_MESSAGE_MAX_LENGTH // 8)
    large = _worst_time(check, lambda n: "a" * n, CHAT_MESSAGE_MAX_LENGTH)
    assert large < 0.05, large  # 50 ms for the worst message against the worst list
    assert large < 20 * max(small, 1e-4), (small, large)

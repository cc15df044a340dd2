import time

from content.parsing import parse


def test_hashtags_and_mentions():
    parsed = parse("Hi @Ana_B and @ben! #Django #django #2024 #py3 email me@example.com C# x#y")
    assert parsed.hashtags == ["Django", "py3"]
    assert parsed.mentions == ["ana_b", "ben"]


def test_unicode_hashtags_and_edges():
    assert parse("#café #東京 ##double #").hashtags == ["café", "東京"]
    assert parse("@ab @a_very_long_username_that_is_over_30 @ok_name").mentions == ["ok_name"]
    assert parse("(#inparens) [@bracket]").hashtags == ["inparens"]
    assert parse("(#inparens) [@bracket]").mentions == ["bracket"]


def test_linear_time_on_hostile_input():
    hostile = ("#" + "a" * 50 + "@") * 20_000 + "#" * 100_000
    start = time.perf_counter()
    parse(hostile)
    assert time.perf_counter() - start < 2.0

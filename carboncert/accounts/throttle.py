"""Failed-login counters in the cache (Redis in production, shared by every app server).

One mechanism for every login path: the portal login now, the exam login
later. A counter per account and per client address; at the limit, logins
are refused until the window passes, even with the right password, so that
guessing stays slow. The address limit is far higher than the account one:
a whole exam room or institution often shares one public address.
"""

from django.conf import settings
from django.core.cache import cache


def _keys(scope: str, account: str, address: str) -> list[str]:
    return [f"login-fail:{scope}:acct:{account.lower()}", f"login-fail:{scope}:addr:{address}"]


def is_locked(scope: str, account: str, address: str) -> bool:
    account_key, address_key = _keys(scope, account, address)
    return (cache.get(account_key) or 0) >= settings.LOGIN_FAILURE_LIMIT or (
        cache.get(address_key) or 0
    ) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def record_failure(scope: str, account: str, address: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _keys(scope, account, address):
        # add() is atomic: only the first failure in a window sets the expiry.
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, window)


def clear(scope: str, account: str) -> None:
    cache.delete(f"login-fail:{scope}:acct:{account.lower()}")


def client_address(request) -> str:
    # Behind a proxy, REMOTE_ADDR is the proxy; the deploy sets the real address there.
    return request.META.get("REMOTE_ADDR", "")


def allow(scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one more request for `key`; False once `limit` were made within the window."""
    cache_key = f"rate:{scope}:{key}"
    if cache.add(cache_key, 1, window_seconds):
        return True
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # expired between add and incr
        return cache.add(cache_key, 1, window_seconds) or True

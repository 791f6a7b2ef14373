"""A thin CKAN action client: ckanapi's RemoteCKAN plus retries and a write hook.

ckanapi turns a 5xx answer whose body is not CKAN's JSON into a generic `CKANAPIError` and lets
connection errors through as `requests` exceptions; here both, and timeouts, become retryable
with exponential backoff. Validation errors, not-found and authorisation errors are never
retried: asking again would get the same answer.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ckanapi
import requests
import urllib3
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from publisher.errors import PublisherError

log = logging.getLogger(__name__)

#: seconds to open a connection when first checking that CKAN answers at all
PROBE_CONNECT_TIMEOUT = 5.0

READ_SUFFIXES = ("_show", "_list", "_search", "_autocomplete")


class CkanUnreachable(PublisherError):
    """No connection to CKAN at all (refused, unknown host, timed out): said at once, instead
    of retrying every call of every dataset for minutes (issue #18: 96 silent seconds)."""

    code = "ckan_unreachable"


class TransientCkanError(Exception):
    """CKAN (or something in front of it) answered 5xx; worth another try."""

    def __init__(self, action: str, status: int, body: str) -> None:
        super().__init__(f"{action}: HTTP {status}: {body[:200]}")
        self.status = status


def is_write(action: str) -> bool:
    return not action.endswith(READ_SUFFIXES) and action != "status_show"


def is_transient(exc: BaseException) -> bool:
    return isinstance(
        exc,
        TransientCkanError
        | requests.ConnectionError
        | requests.Timeout
        | requests.exceptions.ChunkedEncodingError
        | ckanapi.SearchIndexError,
    )


def no_connection(exc: requests.RequestException) -> bool:
    """The connection itself could not be made: refused, no such host, or connect timeout."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    cause = exc.args[0] if exc.args else None
    return isinstance(getattr(cause, "reason", cause), urllib3.exceptions.NewConnectionError)


class _RemoteCKAN(ckanapi.RemoteCKAN):  # type: ignore[misc]  # ckanapi ships no types
    """RemoteCKAN that raises TransientCkanError on any 5xx before ckanapi parses the body."""

    def _request_fn(
        self,
        url: str,
        data: Any,  # noqa: ANN401  (overrides ckanapi's untyped hook)
        headers: dict[str, str],
        files: Any,  # noqa: ANN401  (overrides ckanapi's untyped hook)
        requests_kwargs: Any,  # noqa: ANN401  (overrides ckanapi's untyped hook)
    ) -> tuple[int, str]:
        status, text = super()._request_fn(url, data, headers, files, requests_kwargs)
        if status >= 500:
            raise TransientCkanError(url.rsplit("/", 1)[-1], status, text)
        return status, text


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    initial_wait: float = 0.5
    max_wait: float = 20.0
    timeout: float = 30.0


@dataclass(frozen=True)
class Upload:
    """A file for the `upload` field, rebuilt for each attempt (a sent stream is consumed)."""

    filename: str
    data: bytes


class CkanClient:
    """One client per thread (requests sessions are not shared across threads)."""

    def __init__(
        self,
        url: str,
        api_token: str,
        policy: RetryPolicy | None = None,
        on_write: Callable[[str], None] | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._remote = _RemoteCKAN(url, apikey=api_token, user_agent="smx-publisher (ckan push)")
        self._on_write = on_write
        #: transient failures retried so far; a caller compares it to know a write was retried
        self.retries = 0

    def close(self) -> None:
        self._remote.close()

    def call(
        self,
        action: str,
        data: dict[str, Any],
        upload: Upload | None = None,
        before_retry: Callable[[], Any] | None = None,
    ) -> Any:  # noqa: ANN401  (CKAN answers arbitrary JSON)
        """Call an action, retrying transient faults. If `before_retry` returns something
        other than None, that is taken as the result instead of repeating the call: it is how
        a create that may already have happened checks before creating twice."""
        retrying = Retrying(
            stop=stop_after_attempt(self.policy.attempts),
            wait=self._wait_for(action),
            retry=retry_if_exception(is_transient),
            reraise=True,
            before_sleep=lambda state: self._note_retry(
                action, state.outcome, state.attempt_number
            ),
        )
        for attempt in retrying:
            with attempt:
                if attempt.retry_state.attempt_number > 1 and before_retry is not None:
                    found = before_retry()
                    if found is not None:
                        return found
                result = self._call_once(action, data, upload)
        if is_write(action) and self._on_write is not None:
            self._on_write(action)
        return result

    def _wait_for(self, action: str) -> Callable[[RetryCallState], float]:
        """Exponential backoff; after a timed-out write, also wait two timeouts.

        A write that timed out is usually still running in CKAN. Retrying at once makes two
        updates of one package run together, and CKAN 2.12 can then leave the package's
        resource positions with a gap, after which every resource_create on it fails with 500.
        """
        backoff = wait_exponential(multiplier=self.policy.initial_wait, max=self.policy.max_wait)

        def wait(state: RetryCallState) -> float:
            extra = 0.0
            exc = state.outcome.exception() if state.outcome else None
            if is_write(action) and isinstance(exc, requests.Timeout):
                extra = 2 * self.policy.timeout
            return float(backoff(state)) + extra

        return wait

    def _note_retry(self, action: str, outcome: Any, attempt: int) -> None:  # noqa: ANN401  (CKAN answers arbitrary JSON)
        self.retries += 1
        log.info("CKAN %s failed (%s), retry %d", action, outcome and outcome.exception(), attempt)

    def _call_once(self, action: str, data: dict[str, Any], upload: Upload | None) -> Any:  # noqa: ANN401  (CKAN answers arbitrary JSON)
        kwargs = {"timeout": self.policy.timeout}
        if upload is None:
            return self._remote.call_action(action, data, requests_kwargs=kwargs)
        files = {"upload": (upload.filename, io.BytesIO(upload.data))}
        return self._remote.call_action(action, data, files=files, requests_kwargs=kwargs)

    def probe(self, url: str) -> None:
        """One `status_show` without retries: raise `CkanUnreachable` when no connection can
        be made (refused, unknown host, connect timeout). Anything else — an answer, even a
        5xx, a reset or a slow read — shows CKAN is there, and is left to the push's retries."""
        try:
            self._remote.call_action(
                "status_show",
                {},
                requests_kwargs={"timeout": (PROBE_CONNECT_TIMEOUT, self.policy.timeout)},
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            if not no_connection(exc):
                return
            reason = type(exc).__name__
            raise CkanUnreachable(
                f"CKAN at {url} cannot be reached ({reason}); check PUBLISHER_CKAN_URL and the "
                "network. Nothing was pushed.",
                f"无法连接 CKAN（{url}，{reason}），请检查 PUBLISHER_CKAN_URL 和网络。"
                "未推送任何数据。",
                url=url,
                reason=reason,
            ) from exc
        except (TransientCkanError, ckanapi.CKANAPIError):
            return

    # -- reads that answer "absent" with None rather than an exception
    def show_package(self, name_or_id: str) -> dict[str, Any] | None:
        try:
            result: dict[str, Any] = self.call("package_show", {"id": name_or_id})
        except ckanapi.NotFound:
            return None
        return result


class WriteCounter:
    """Counts successful write calls; thread-safe, for summaries and tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def __call__(self, action: str) -> None:
        with self._lock:
            self.count += 1

"""How a staff page runs an action: redirect on success, the page again with the reason on a
refusal (Post/Redirect/Get). The action is a use case, which owns its transaction: a refusal
has already been rolled back when it reaches here, so nothing of it was written."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.responses import RedirectResponse, Response

from publisher.errors import NotFound, PublisherError
from publisher.web.errors import status_for

T = TypeVar("T")

#: Renders the page again with a refusal's Chinese message and status.
Refused = Callable[[int, str], Response]


def run_staff_action(
    action: Callable[[], T], done_url: str | Callable[[T], str], refused: Refused
) -> Response:
    """Run `action`; 303 to `done_url` (or to the URL it makes of the action's result) when it
    succeeds, `refused(status, message_zh)` when the rules refuse it. A missing object stays a
    404 page."""
    try:
        result = action()
    except NotFound:
        raise
    except PublisherError as exc:
        return refused(status_for(exc), exc.message_zh)
    url = done_url if isinstance(done_url, str) else done_url(result)
    return RedirectResponse(url, status_code=303)

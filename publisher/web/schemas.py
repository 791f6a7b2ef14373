"""Types every JSON response shares.

Every instant the API returns is in Beijing time with its offset (`2026-12-07T09:30:00+08:00`),
whatever the feature, the method or the database it came from: `LocalInstant` converts on
construction, so a response model cannot forget to.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator

from publisher.timeutil import to_local

LocalInstant = Annotated[dt.datetime, AfterValidator(to_local)]

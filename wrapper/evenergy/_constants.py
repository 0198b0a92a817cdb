"""Every default and tunable of the SDK, in one place."""

from typing import Final

import httpx

DEFAULT_BASE_URL: Final = "https://api.ev.energy/v2"
DEFAULT_TOKEN_URL: Final = "https://api.ev.energy/o/token/"  # noqa: S105 - a URL

# Small JSON pages: a slow connect or a stalled read is a failure worth retrying, not a wait.
DEFAULT_TIMEOUT: Final = httpx.Timeout(20.0, connect=5.0)
DEFAULT_MAX_RETRIES: Final = 2
INITIAL_RETRY_DELAY_S: Final = 0.5
MAX_RETRY_DELAY_S: Final = 8.0
DEFAULT_MAX_RETRY_AFTER_S: Final = 60.0
RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
# Longer waits are refused when the client is built: nobody means them, and the OS's clocks
# overflow (OverflowError) somewhere past 9.2e9 s.
MAX_TIMEOUT_S: Final = 86400.0
MAX_RETRY_AFTER_LIMIT_S: Final = 86400.0

# A page of 100 items is about 50 KiB: the default cap is far above any real answer, and
# bodies are read (and decoded) a chunk at a time, so a compression bomb stops at the cap.
DEFAULT_MAX_RESPONSE_BYTES: Final = 32 * 1024 * 1024
MAX_RESPONSE_BYTES_LIMIT: Final = 4 * 1024 * 1024 * 1024  # more is not a page but a mistake

# The SDK's own connection pool; its async client keeps at most this many requests in flight,
# so that httpcore's pool never queues them (a queued request cancelled at the wrong moment
# leaks a pool slot for good: encode/httpcore#1093, unfixed in httpcore 1.0.9).
MAX_CONNECTIONS: Final = 100

MIN_PAGE_SIZE: Final = 1
MAX_PAGE_SIZE: Final = 100  # the API's limit; also the default, to spend the hourly budget well

# A cached token is fetched again this long before it expires, or half-way through its life when
# that is sooner, so that even a token that lives only seconds is used for more than one request.
TOKEN_REFRESH_MARGIN_S: Final = 60.0
DEFAULT_TOKEN_LIFETIME_S: Final = 36000.0  # what the API grants when a token response omits it
MAX_TOKEN_LIFETIME_S: Final = 86400.0  # a longer expires_in is cached for a day, then renewed

MAX_ID_LENGTH: Final = 1000  # ids and cursors are about 30 characters; longer is not an id
MAX_HEADER_NUMBER: Final = 10**12  # a rate-limit count beyond this is not believed

LOW_BUDGET_FRACTION: Final = 0.05  # warn once per client when remaining falls below this share

LOGGER_NAME: Final = "evenergy"

ENV_ACCESS_TOKEN: Final = "EVENERGY_ACCESS_TOKEN"  # noqa: S105 - a variable name
ENV_CLIENT_ID: Final = "EVENERGY_CLIENT_ID"
ENV_CLIENT_SECRET: Final = "EVENERGY_CLIENT_SECRET"  # noqa: S105 - a variable name
ENV_BASE_URL: Final = "EVENERGY_BASE_URL"
ENV_TOKEN_URL: Final = "EVENERGY_TOKEN_URL"  # noqa: S105 - a variable name
ENV_USER: Final = "EVENERGY_USER"

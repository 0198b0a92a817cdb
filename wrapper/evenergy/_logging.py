"""The SDK's logging: no secret in any record of a logger a request passes through; EVENERGY_LOG.

Importing the SDK changes no logger. `prepare()` runs when a client is made: it puts a filter
that masks every live secret (see `_secret.redact`) on the loggers of the SDK and of the
libraries under httpx (httpx, httpcore, h11, h2, hpack: hpack logs every header it decodes,
at DEBUG), and reads EVENERGY_LOG.

`EVENERGY_LOG=info` shows each retry and each wait on stderr (with its reason and delay),
`EVENERGY_LOG=debug` also each request (method, path, status, time). Only the `evenergy`
logger is turned on; the libraries' loggers keep their levels.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Final

from ._constants import ENV_LOG, LOGGER_NAME
from ._exceptions import ConfigurationError
from ._secret import redact

# A filter applies only to the records of the logger it is on, not to those of its children:
# each logger is named. The packages' loggers that exist when a client is made are found by
# prefix; these are named too, for modules not imported yet (hpack, say, on the first HTTP/2
# connection).
_PACKAGES: Final = ("evenergy", "httpx", "httpcore", "h11", "h2", "hpack", "hyperframe")
_KNOWN_LOGGERS: Final = (
    "evenergy",
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "h11",
    "h2",
    "h2.connection",
    "hpack",
    "hpack.hpack",
    "hpack.table",
)
_LEVELS: Final = {"info": logging.INFO, "debug": logging.DEBUG}
_LOCK = threading.Lock()


class _RedactingFilter(logging.Filter):
    """Masks live secrets in a record's message (after formatting its arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is when a record comes (as logging.lastResort does).

    `write` replaces that (the CLI writes through click, whose test runner captures it).
    """

    write: Callable[[str], object] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            write = sys.stderr.write if self.write is None else self.write
            write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


_REDACTING = _RedactingFilter()
_FORMAT: Final = "%(asctime)s %(name)s %(levelname)s %(message)s"


def _redacted_loggers() -> set[str]:
    existing = {
        name for name in list(logging.root.manager.loggerDict) if name.split(".")[0] in _PACKAGES
    }
    return existing | set(_KNOWN_LOGGERS)


def enable(
    level: str,
    formatter: logging.Formatter | None = None,
    write: Callable[[str], object] | None = None,
) -> Callable[[], None]:
    """Turn on the `evenergy` logger on stderr at `level` ("info" or "debug"), or a lower one set.

    The one switch for EVENERGY_LOG (read by every client made) and the CLI's --verbose: one
    handler serves both, so each record is written once, and a second switch can make the
    logger more verbose, never quieter. `formatter` replaces the handler's (the CLI's escapes
    terminal control characters), and `write` how a line is written (sys.stderr's write by
    default). Returns what puts the logger back as it was before this call.
    """
    logger = logging.getLogger(LOGGER_NAME)
    with _LOCK:
        old_level = logger.level
        found = next((h for h in logger.handlers if isinstance(h, _StderrHandler)), None)
        old_formatter = found.formatter if found else None
        old_write = found.write if found else None
        handler = found or _StderrHandler()
        handler.setFormatter(formatter or old_formatter or logging.Formatter(_FORMAT))
        handler.write = write or old_write
        logger.addHandler(handler)  # a Logger keeps a handler once
        if old_level == logging.NOTSET or _LEVELS[level] < old_level:
            logger.setLevel(_LEVELS[level])

    def restore() -> None:
        with _LOCK:
            logger.setLevel(old_level)
            if found is None:
                logger.removeHandler(handler)
            else:
                found.setFormatter(old_formatter)
                found.write = old_write

    return restore


def prepare() -> None:
    """What logging needs when a client is made: the redaction filter, then EVENERGY_LOG."""
    with _LOCK:
        for name in _redacted_loggers():
            logging.getLogger(name).addFilter(_REDACTING)  # once: a Logger keeps a filter once
    setting = os.environ.get(ENV_LOG, "").strip().lower()
    if not setting:
        return
    if setting not in _LEVELS:
        raise ConfigurationError(
            f"{ENV_LOG} must be {' or '.join(_LEVELS)}, got {os.environ[ENV_LOG]!r}"
        )
    enable(setting)

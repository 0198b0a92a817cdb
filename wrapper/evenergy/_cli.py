"""The `evenergy` command: the API from a shell (also `python -m evenergy`).

Credentials come from the same environment variables as the client (EVENERGY_ACCESS_TOKEN, or
EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET). Output is a table on a terminal and JSON when
piped, or what --format asks for; errors print one line and exit non-zero, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import select
import shlex
import string
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

import click

from evenergy_openapi.models import CPMSProvider, EVSESite
from evenergy_openapi.types import Unset

from ._client import EvEnergy
from ._constants import ENV_ACCESS_TOKEN, ENV_CLIENT_ID, ENV_CLIENT_SECRET
from ._exceptions import (
    ConfigurationError,
    EvEnergyError,
    NotFoundError,
    RateLimitError,
    when_to_retry,
)
from ._logging import enable as enable_logging
from ._pagination import SyncPaginator
from ._resource_base import Endpoint, field_names
from ._resources import ENDPOINTS
from ._version import API_VERSION, __version__

ClientFactory = Callable[..., EvEnergy]
T = TypeVar("T")
Columns = list[tuple[str, Callable[[T], str]]]
"""A table's columns: a title and how to read it from an item (typed, so mypy checks fields)."""

_ARGV = "evenergy.argv"  # the command line's arguments, kept in the root context's meta
_FORMAT = "evenergy.format"  # the --format given at any level of the command line

EXIT_API_ERROR = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # as a shell reports a command that SIGINT ended
FORMATS = ("table", "json", "jsonl", "csv")

SITE_COLUMNS: Columns[EVSESite] = [
    ("ID", lambda s: s.id),
    ("CPMS", lambda s: s.cpms_connection or "-"),
    ("CPMS NAME", lambda s: s.cpms_connection_display_name or "-"),
    (
        "USER CONNECTED",
        lambda s: "-" if s.user_connected is None else str(s.user_connected).lower(),
    ),
    ("EVSES", lambda s: str(len(s.evses))),
]
PROVIDER_COLUMNS: Columns[CPMSProvider] = [
    ("ID", lambda p: p.id),
    ("NAME", lambda p: p.name),
    ("ICON", lambda p: p.icon or "-"),
]

ENVIRONMENT = """\b
Environment:
  EVENERGY_ACCESS_TOKEN    a ready bearer token, or:
  EVENERGY_CLIENT_ID       OAuth2 client credentials (with EVENERGY_CLIENT_SECRET)
  EVENERGY_CLIENT_SECRET
  EVENERGY_TOKEN_URL       where client credentials get a token (--token-url)
  EVENERGY_BASE_URL        the API root, /v2 included (--base-url)
  EVENERGY_USER            act as this user (--user)"""


COLUMNS: dict[type[Any], Columns[Any]] = {EVSESite: SITE_COLUMNS, CPMSProvider: PROVIDER_COLUMNS}


def columns_of(model: type[T]) -> Columns[T]:
    """A model's table columns: as chosen above, else each field by its name."""
    chosen: Columns[T] | None = COLUMNS.get(model)
    if chosen is not None:
        return chosen

    def column(name: str) -> tuple[str, Callable[[T], str]]:
        return _json_name(name).upper(), lambda item: _cell(getattr(item, name))

    return [column(name) for name in field_names(model)]


def _cell(value: Any) -> str:
    if value is None or isinstance(value, Unset):
        return "-"
    return str(len(value)) if isinstance(value, list) else str(value)


def _table(rows: list[T], columns: Columns[T]) -> str:
    cells = [[printable(str(get(row))) for _, get in columns] for row in rows]
    headers = [title for title, _ in columns]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _csv_row(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def _json_name(attribute: str) -> str:
    """A field's name in the JSON and in `to_dict()`, from its attribute's name."""
    # The generator adds "_" to `type` and other names Python keeps for itself; the API's field
    # names are snake_case already.
    return attribute.rstrip("_")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    return " ".join(map(str, value)) if isinstance(value, list) else value


# Text for a terminal, commands for a shell.

_PRINTF_SAFE = frozenset(string.ascii_letters + string.digits + "_-.:/@,+=")


def printable(text: str) -> str:
    """`text` with every character a terminal would act on (ESC, CR, a line break...) escaped.

    Server text (ids, a problem's title and detail) passes here before it reaches a terminal,
    so that it can neither restyle the terminal nor break a one-line message.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


def shell_word(word: str) -> str | None:
    """`word` quoted for a POSIX shell in printable characters; None when that cannot be done.

    A word a terminal can show goes in single quotes (shlex.quote). Any other is written as
    "$(printf '...')" with each byte outside a small safe set in octal, so that pasting it gives
    the exact word back. No command can take a word with a NUL, and a command substitution
    drops trailing line breaks, so a word with either cannot be written.
    """
    if word.isprintable():
        return shlex.quote(word)
    if word.endswith("\n") or "\0" in word:
        return None
    data = word.encode("utf-8", "surrogateescape")
    octal = "".join(chr(byte) if chr(byte) in _PRINTF_SAFE else f"\\{byte:03o}" for byte in data)
    return f"\"$(printf '{octal}')\""


def command_line(words: Sequence[str]) -> str | None:
    """`words` as one command line to paste into a POSIX shell; None when one cannot be written."""
    quoted: list[str] = []
    for word in words:
        shell = shell_word(word)
        if shell is None:
            return None
        quoted.append(shell)
    return " ".join(quoted)


class _Stdout:
    """Standard output, written so that after an interrupt it is known what reached it.

    On a POSIX system text goes out with os.write on the file descriptor, at most PIPE_BUF bytes
    at a time and only once select() says they fit: the wait is where Ctrl-C lands when the
    output is blocked (a pipe nobody reads), and then nothing of the text has gone out, or what
    has is counted in `sent` and `finish` sends the rest. Elsewhere, and for a stream without a
    descriptor (a test's), text is written to the stream.
    """

    def __init__(self) -> None:
        self.stream = sys.stdout
        self.terminal = self.stream.isatty()
        self.encoding = getattr(self.stream, "encoding", None) or "utf-8"
        self.sent = 0
        self._unsent = b""
        self._fd: int | None = None
        if hasattr(select, "PIPE_BUF"):
            with contextlib.suppress(AttributeError, OSError, ValueError):  # no descriptor
                self._fd = self.stream.fileno()

    def write(self, text: str) -> None:
        """Write `text` whole; an interrupt leaves the rest in `_unsent` (see `finish`)."""
        self.sent = 0
        if self._fd is None:
            self.stream.write(text)
            self.stream.flush()
            return
        self.stream.flush()  # what was printed to sys.stdout before goes first
        self._unsent = text.encode(self.encoding, "backslashreplace")
        try:
            self.finish()
        except KeyboardInterrupt:
            if not self.sent:
                self._unsent = b""  # none of it went out, and none of it will
            raise

    def finish(self) -> None:
        """Send what an interrupted `write` left."""
        while self._unsent and self._fd is not None:
            select.select([], [self._fd], [])
            count = os.write(self._fd, self._unsent[: select.PIPE_BUF])
            self.sent += count
            self._unsent = self._unsent[count:]


class _Writer:
    """Writes items in one format as they come, so that a long walk is never held whole.

    What was written stays valid when a walk breaks off: `close()` ends the document. `written`
    counts the items that reached the output, an interrupted one included when it had started.
    """

    def __init__(self, fmt: str, model: type, columns: Columns[Any], *, many: bool) -> None:
        self.fmt, self.columns, self.many = fmt, columns, many
        self._fields = [_json_name(name) for name in field_names(model)]
        self.out = _Stdout()
        self.written = 0
        self.last_id: str | None = None
        self._rows: list[Any] = []  # a table is laid out once every row is known

    def write(self, item: Any) -> None:
        if self.fmt == "table":
            self._rows.append(item)
        else:
            try:
                self.out.write(self._text(item))
            except KeyboardInterrupt:
                if self.out.sent:  # it started to go out: `close` sends the rest
                    self._count(item)
                raise
        self._count(item)

    def _count(self, item: Any) -> None:
        self.written += 1
        self.last_id = getattr(item, "id", None)  # a log has no id

    def _text(self, item: Any) -> str:
        data = item.to_dict()
        if self.fmt == "jsonl":
            return json.dumps(data) + "\n"
        if self.fmt == "csv":
            row = _csv_row([self._csv_cell(data.get(name)) for name in self._fields])
            return row if self.written else self._csv_header() + row
        if self.many:  # one JSON array, item by item
            return ("[\n" if not self.written else ",\n") + json.dumps(data)
        return json.dumps(data, indent=2) + "\n"

    def _csv_cell(self, value: Any) -> Any:
        cell = _csv_value(value)
        return printable(cell) if self.out.terminal and isinstance(cell, str) else cell

    def _csv_header(self) -> str:
        return _csv_row(self._fields)

    def close(self) -> None:
        self.out.finish()
        if self.fmt == "table":
            self.out.write(_table(self._rows, self.columns) + "\n")
        elif self.fmt == "csv" and not self.written:
            self.out.write(self._csv_header())
        elif self.fmt == "json" and self.many:
            self.out.write("\n]\n" if self.written else "[]\n")


def _remember_format(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_FORMAT] = value  # meta is shared by every context of the command line


def _format(ctx: click.Context) -> str:
    chosen: str | None = ctx.meta.get(_FORMAT)
    return chosen or ("table" if sys.stdout.isatty() else "json")


def _client(ctx: click.Context) -> EvEnergy:
    if ctx.obj is None:
        _check_credentials(ctx)
    factory: ClientFactory = ctx.obj or EvEnergy
    params = ctx.find_root().params
    names = ("base_url", "token_url", "user", "timeout", "max_retries")
    given = {name: params[name] for name in names if params[name] is not None}
    return factory(api_version=params["api_version"], **given)


def _check_credentials(ctx: click.Context) -> None:
    """A usage error naming the variables to set, when the environment holds no credentials."""
    token, client_id, secret = (
        os.environ.get(name) or None
        for name in (ENV_ACCESS_TOKEN, ENV_CLIENT_ID, ENV_CLIENT_SECRET)
    )
    if token is not None or (client_id is not None and secret is not None):
        return
    both = f"{ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}"
    if client_id is not None or secret is not None:
        missing = ENV_CLIENT_SECRET if secret is None else ENV_CLIENT_ID
        message = (
            f"{missing} is not set: client credentials need {both} (or set {ENV_ACCESS_TOKEN})"
        )
    else:
        message = (
            f"no credentials: set {ENV_ACCESS_TOKEN} to a token, or {both} (see evenergy --help)"
        )
    _fail(ctx, f"error: {message}", EXIT_BAD_INPUT)


def _log_requests(ctx: click.Context) -> None:
    """--verbose: each request, retry and wait of the SDK's logger on stderr, until the end.

    The handler is EVENERGY_LOG's, so with both set each line is written once, in this format.
    """
    formatter = _PrintableFormatter("evenergy: %(message)s")
    ctx.call_on_close(enable_logging("debug", formatter, partial(click.echo, err=True, nl=False)))


class _PrintableFormatter(logging.Formatter):
    """Log lines for a terminal: a URL path the server chose cannot restyle it or add lines."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


def _items(
    ctx: click.Context,
    paginator: SyncPaginator[Any],
    noun: str,
    *,
    every_page: bool,
    limit: int | None,
) -> Iterator[Any]:
    """The items to print, in walking order, with progress and hints on stderr.

    Without --all only the first page is read (and a hint says when more exist); --limit stops
    after that many items, reading as many pages as it takes.
    """
    show = every_page and sys.stderr.isatty()
    backward = ctx.params.get("before") is not None
    count = number = 0
    for number, page in enumerate(paginator.iter_pages(), start=1):
        for item in reversed(page.items) if backward else page.items:
            if count == limit:
                return
            yield item
            count += 1
        if show:
            click.echo(f"\r{count} {noun} from {number} page(s)...", nl=False, err=True)
        more = page.previous_cursor if backward else page.next_cursor
        if not every_page and limit is None:
            if more is not None and page.items:
                last = getattr(page.items[0 if backward else -1], "id", more)  # a log has no id
                click.echo(
                    f"more {noun} exist: add --all to list every page, or continue with: "
                    + _how_to_continue(ctx, last, 0),
                    err=True,
                )
            break
    if show:
        click.echo(f"\r{count} {noun} from {number} page(s).   ", err=True)


def _print_list(
    ctx: click.Context,
    paginator: SyncPaginator[T],
    noun: str,
    model: type[T],
    columns: Columns[T],
) -> None:
    """Print a list's items; when the walk breaks off, say on stderr how to continue it."""
    every_page, limit = ctx.params["every_page"], ctx.params["limit"]
    writer = _Writer(_format(ctx), model, columns, many=True)
    try:
        for item in _items(ctx, paginator, noun, every_page=every_page, limit=limit):
            writer.write(item)
    except (EvEnergyError, KeyboardInterrupt):
        if writer.written and writer.fmt != "table":  # what was written stays valid; no
            writer.close()  # output at all when nothing was (`| jq length` does not read 0)
        if every_page or limit is not None:  # a walk: say how to go on from where it stopped
            written = 0 if writer.fmt == "table" else writer.written
            last_id = writer.last_id if written else None
            click.echo(f"interrupted after {written} {noun} were written; continue with:", err=True)
            click.echo(f"  {_how_to_continue(ctx, last_id, written)}", err=True)
            if writer.fmt == "json" and written:
                note = "(appended with >>, JSON makes a second array, which `jq -s add` joins; "
                click.echo(f"  {note}--format jsonl appends cleanly)", err=True)
        raise
    writer.close()


def _how_to_continue(ctx: click.Context, last_id: str | None, written: int) -> str:
    """The command line that goes on from the last item written (the same one if none was).

    It is quoted for a POSIX shell, in printable characters, or, when no such line can be
    written, says what to do instead.
    """
    argv: list[str] = ctx.meta[_ARGV]
    kept: list[str] = []
    if last_id is None:
        kept = argv
    else:
        args = iter(argv)
        for arg in args:
            if arg in ("--after", "--before", "--limit"):
                next(args, None)  # and its value
            elif not arg.startswith(("--after=", "--before=", "--limit=")):
                kept.append(arg)
        backward = ctx.params.get("before") is not None
        kept += ["--before" if backward else "--after", last_id]
        if ctx.params.get("limit") is not None:
            kept += ["--limit", str(ctx.params["limit"] - written)]
    command = command_line(["evenergy", *kept])
    if command is None:
        return (
            "the same command with --after or --before and the id of the last item written "
            "(no command can be printed: that id ends in a line break or holds a NUL)"
        )
    return command


def _print_one(ctx: click.Context, item: T, columns: Columns[T]) -> None:
    writer = _Writer(_format(ctx), type(item), columns, many=False)
    writer.write(item)
    writer.close()


def _examples(*commands: str) -> str:
    """A help epilog listing example command lines, kept as they are by click."""
    return "\b\nExamples:\n" + "\n".join(f"  evenergy {command}" for command in commands)


class _Group(click.Group):
    """Turns the SDK's errors into one line on stderr and an exit status, never a traceback."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        given = list(args)  # parsing consumes them; an interrupted walk repeats them
        ctx = super().make_context(info_name, args, parent=parent, **extra)
        if parent is None:
            ctx.meta[_ARGV] = given
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigurationError as error:  # bad settings are bad input too
            _fail(ctx, f"error: {error}", EXIT_BAD_INPUT)
        except EvEnergyError as error:
            _fail(ctx, _error_line(error), EXIT_API_ERROR)
        except (ValueError, TypeError) as error:
            _fail(ctx, f"error: {error}", EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            ctx.exit(EXIT_INTERRUPTED)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; a usage error is one line on stderr and exit status 2."""
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            error.show()  # the help, for `evenergy` alone
            code = error.exit_code
        except click.ClickException as error:
            context = error.ctx if isinstance(error, click.UsageError) else None
            path = context.command_path if context is not None else "evenergy"
            click.echo(printable(f"error: {error.format_message()} (see {path} --help)"), err=True)
            code = error.exit_code
        except click.Abort:  # Ctrl-C outside a command (click's "Aborted!")
            code = EXIT_INTERRUPTED
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _fail(ctx: click.Context, message: str, code: int) -> None:
    """End the command with `message` on one line of stderr, with no control characters."""
    click.echo(printable(message), err=True)
    ctx.exit(code)


def _error_line(error: EvEnergyError) -> str:
    """An API error in a line: its status, the problem's title and detail, when to retry."""
    status = getattr(error, "status_code", None)
    prefix = f"error ({status})" if status else "error"
    problem = getattr(error, "problem", None)
    if not isinstance(error, RateLimitError):
        return f"{prefix}: {problem if problem is not None else error}"
    said = f"{prefix}: {problem if problem is not None else 'rate limited'}"
    return f"{str(said).rstrip('.')}; {when_to_retry(error.retry_after)}"


PAGE_SIZE = click.option(
    "--page-size",
    type=click.IntRange(1, 100),
    default=None,
    help="Items per request, 1 to 100 (default: 100, the fewest requests).",
)
LIMIT = click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Print at most N items, reading as many pages as that takes.",
)
AFTER = click.option(
    "--after",
    "after",
    metavar="ID",
    default=None,
    help="Start after the item with this id (resume a walk from the last id you have).",
)
BEFORE = click.option(
    "--before",
    "before",
    metavar="ID",
    default=None,
    help="Walk backward from the item before this id, newest first.",
)
ALL_PAGES = click.option(
    "--all", "every_page", is_flag=True, help="Walk every page, not just the first."
)
FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default=None,
    expose_value=False,
    callback=_remember_format,
    help="table (the default on a terminal), json (the default when piped: one document), "
    "jsonl (one item per line) or csv.",
)


def _list_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in (FORMAT, BEFORE, AFTER, LIMIT, ALL_PAGES, PAGE_SIZE):
        command = option(command)
    return command


@click.group(
    cls=_Group,
    epilog=_examples(
        "sites list",
        "sites list --all --format jsonl > sites.jsonl",
        "sites get site01JX2SZ0WAFTDYVYY0JRAYREY7",
        "--base-url http://127.0.0.1:8080/v2 providers list",
    )
    + "\n\n"
    + ENVIRONMENT,
)
@click.option("--base-url", envvar="EVENERGY_BASE_URL", help="API root, /v2 included.")
@click.option("--token-url", envvar="EVENERGY_TOKEN_URL", help="OAuth2 token endpoint.")
@click.option("--user", envvar="EVENERGY_USER", help="Act as this user (EvEnergy-User).")
@click.option("--api-version", default=API_VERSION, show_default=True, help="EvEnergy-Version.")
@click.option("--timeout", type=float, default=None, help="Seconds per request (default: 20).")
@click.option(
    "--max-retries", type=click.IntRange(min=0), default=None, help="Retries (default: 2)."
)
@FORMAT
@click.version_option(
    __version__, prog_name="evenergy", message=f"%(prog)s %(version)s (API v{API_VERSION})"
)
@click.option("--verbose", "-v", is_flag=True, help="Show each request, retry and wait on stderr.")
@click.pass_context
def cli(ctx: click.Context, /, verbose: bool, **options: Any) -> None:
    """Read ev.energy EVSE sites and CPMS providers.

    Credentials: EVENERGY_ACCESS_TOKEN, or EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET.
    """
    if verbose:
        _log_requests(ctx)


# A path or query value's type by its kind; click says which value is wrong when one is.
_TYPES: dict[str, Any] = {"int": int, "float": float, "bool": bool}
_TYPES["datetime"] = datetime.fromisoformat
_OWN_OPTIONS = {"page_size", "page_after", "page_before", "user"}  # the CLI's own options


def _call_parameters(endpoint: Endpoint) -> list[click.Parameter]:
    """An argument per path parameter (in path order), an option per query or header one."""
    found: list[click.Parameter] = [
        click.Argument([p.name], metavar=p.name.upper(), type=_TYPES.get(p.kind))
        for p in endpoint.path_parameters
    ]
    for p in (*endpoint.query, *endpoint.headers):
        if p.name not in _OWN_OPTIONS:
            item = p.kind.removeprefix("Sequence[").removesuffix("]")
            many = item != p.kind
            flag, note = f"--{p.name.replace('_', '-')}", " (repeatable)" if many else ""
            option = click.Option([flag, p.name], multiple=many, type=_TYPES.get(item))
            option.help = f"{p.wire}{note}."
            found.append(option)
    return found


def _call(endpoint: Endpoint, client: EvEnergy, options: dict[str, Any], **more: Any) -> Any:
    """Call the endpoint's method with the command line's path values and options."""
    path = [options.pop(p.name) for p in endpoint.path_parameters]
    given = {name: list(v) if isinstance(v, tuple) else v for name, v in options.items()}
    chosen = {p.name for p in (*endpoint.query, *endpoint.headers)} - _OWN_OPTIONS
    query = {
        name: value for name, value in given.items() if name in chosen and value not in (None, [])
    }
    return endpoint.method_of(client)(*path, **query, **more)


def _list_command(endpoint: Endpoint, noun: str, model: type[Any]) -> click.Command:
    resource = endpoint.resource
    example = resource.example_id
    name = endpoint.method.replace("_", "-")
    path = " ".join(p.name.upper() for p in endpoint.path_parameters)
    call = f"{noun} {name} {path}".rstrip()

    @click.command(
        name,
        help=f"List {resource.singular}s: the first page, every page with --all, or --limit N "
        "of them.\n\nAn interrupted walk (an API error, Ctrl-C) exits non-zero and prints on "
        "stderr the command that continues it; what was written stays valid in every format. "
        "To resume into one file, use --format jsonl and append with >>: with --format json "
        "each run writes its own array (`jq -s add` joins them).",
        epilog=_examples(
            f"{call}",
            f"{call} --all --format jsonl | jq -r .id",
            f"{call} --all --format jsonl --after {example} >> {noun}.jsonl",
            f"{call} --limit 10 --format csv",
        ),
    )
    @_list_options
    @click.pass_context
    def command(ctx: click.Context, /, **options: Any) -> None:
        with _client(ctx) as client:
            cursors = {"page_after": options["after"], "page_before": options["before"]}
            paginator = _call(endpoint, client, options, page_size=options["page_size"], **cursors)
            _print_list(ctx, paginator, noun, model, columns_of(model))

    command.params[:0] = _call_parameters(endpoint)
    return command


def _get_command(endpoint: Endpoint, noun: str, model: type[Any]) -> click.Command:
    resource = endpoint.resource
    name = endpoint.method.replace("_", "-")
    example = " ".join([resource.example_id] * len(endpoint.path_parameters))

    what = f"one {resource.singular}" if name == "get" else name.replace("-", " ")
    command_help, epilog = f"Show {what}.", _examples(f"{noun} {name} {example}".rstrip())

    @click.command(name, help=command_help, epilog=epilog)
    @FORMAT
    @click.pass_context
    def command(ctx: click.Context, /, **options: Any) -> None:
        with _client(ctx) as client:
            ids = [str(options.get(p.name, "")) for p in endpoint.path_parameters[-1:]]
            try:
                found = _call(endpoint, client, options)
            except NotFoundError as error:
                item_id = ids[0] if ids else ""
                if resource.example_id.isupper() and not item_id.isupper():  # ids are codes
                    hint = f"{resource.singular} codes are upper case"
                    line = f"{_error_line(error)}; {hint}: did you mean {item_id.upper()}?"
                    _fail(ctx, line, EXIT_API_ERROR)
                raise
            if isinstance(found, list):  # an unpaged list
                writer = _Writer(_format(ctx), model, columns_of(model), many=True)
                for item in found:
                    writer.write(item)
                writer.close()
            elif found is not None:
                _print_one(ctx, found, columns_of(model))

    command.params[:0] = _call_parameters(endpoint)
    return command


def _add_commands(root: click.Group, endpoints: Iterable[Endpoint] = ENDPOINTS) -> None:
    """A group per resource, a command per GET operation: what generator/sdk.yaml declares."""
    groups: dict[str, click.Group] = {}
    for endpoint in endpoints:
        resource, model, noun = endpoint.resource, endpoint.model, endpoint.resource.command
        if noun is None or endpoint.http_method != "GET":
            continue  # the CLI reads; it offers no writes
        model = model or dict
        if noun not in groups:
            groups[noun] = click.Group(
                noun,
                help=resource.summary,
                epilog=_examples(
                    f"{noun} list --page-size 50", f"{noun} get {resource.example_id}"
                ),
            )
            root.add_command(groups[noun])
        make = _list_command if endpoint.answer == "page" else _get_command
        groups[noun].add_command(make(endpoint, noun, model))


_add_commands(cli)


def main() -> None:
    """Entry point of the `evenergy` console script."""
    cli(prog_name="evenergy")

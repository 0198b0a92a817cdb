"""The `evenergy` command: the API from a shell (also `python -m evenergy`).

Credentials come from the same environment variables as the client (EVENERGY_ACCESS_TOKEN, or
EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET). Output is a table on a terminal and JSON when
piped, or what --format asks for; errors print one line and exit non-zero, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

import attrs
import click

from evenergy_openapi.models import CPMSProvider, EVSESite
from evenergy_openapi.types import Unset

from ._client import EvEnergy
from ._exceptions import ConfigurationError, EvEnergyError
from ._pagination import SyncPaginator
from ._resource_base import Endpoint
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

    return [column(name) for name in _field_names(model)]


def _cell(value: Any) -> str:
    if value is None or isinstance(value, Unset):
        return "-"
    return str(len(value)) if isinstance(value, list) else str(value)


def _table(rows: list[T], columns: Columns[T]) -> str:
    cells = [[str(get(row)) for _, get in columns] for row in rows]
    headers = [title for title, _ in columns]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _csv_row(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def _field_names(model: type) -> list[str]:
    """A model's attributes, one per field of its schema."""
    return [f.name for f in attrs.fields(model) if f.name != "additional_properties"]


def _json_name(attribute: str) -> str:
    """A field's name in the JSON and in `to_dict()`, from its attribute's name."""
    # The generator adds "_" to `type` and other names Python keeps for itself; the API's field
    # names are snake_case already.
    return attribute.rstrip("_")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    return " ".join(map(str, value)) if isinstance(value, list) else value


class _Writer:
    """Writes items in one format as they come, so that a long walk is never held whole.

    What was written stays valid when a walk breaks off: `close()` ends the JSON document.
    """

    def __init__(self, fmt: str, model: type, columns: Columns[Any], *, many: bool) -> None:
        self.fmt, self.columns, self.many = fmt, columns, many
        self._fields = [_json_name(name) for name in _field_names(model)]
        self.written = 0
        self.last_id: str | None = None
        self._rows: list[Any] = []  # a table is laid out once every row is known

    def write(self, item: Any) -> None:
        if self.fmt == "table":
            self._rows.append(item)
        elif self.fmt == "jsonl":
            click.echo(json.dumps(item.to_dict()))
        elif self.fmt == "csv":
            if not self.written:
                click.echo(_csv_row(self._fields), nl=False)
            data = item.to_dict()
            row = [_csv_value(data.get(name)) for name in self._fields]
            click.echo(_csv_row(row), nl=False)
        elif self.many:  # one JSON array, item by item
            click.echo(
                ("[\n" if not self.written else ",\n") + json.dumps(item.to_dict()), nl=False
            )
        else:
            click.echo(json.dumps(item.to_dict(), indent=2))
        self.written += 1
        self.last_id = getattr(item, "id", None)  # a log has no id

    def close(self) -> None:
        if self.fmt == "table":
            click.echo(_table(self._rows, self.columns))
        elif self.fmt == "csv" and not self.written:
            click.echo(_csv_row(self._fields), nl=False)
        elif self.fmt == "json" and self.many:
            click.echo("\n]" if self.written else "[]")


def _remember_format(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[_FORMAT] = value  # meta is shared by every context of the command line


def _format(ctx: click.Context) -> str:
    chosen: str | None = ctx.meta.get(_FORMAT)
    return chosen or ("table" if sys.stdout.isatty() else "json")


def _client(ctx: click.Context) -> EvEnergy:
    factory: ClientFactory = ctx.obj or EvEnergy
    params = ctx.find_root().params
    names = ("base_url", "token_url", "user", "timeout", "max_retries")
    given = {name: params[name] for name in names if params[name] is not None}
    return factory(api_version=params["api_version"], **given)


def _items(
    ctx: click.Context, paginator: SyncPaginator[Any], noun: str, *, every_page: bool,
    limit: int | None,
) -> Iterator[Any]:  # fmt: skip
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
                flag = "--before" if backward else "--after"
                last = more  # the next (or previous) cursor: the id at the end
                click.echo(
                    f"more {noun} exist: add --all to list every page, or {flag} {last} "
                    "for the next one",
                    err=True,
                )
            break
    if show:
        click.echo(f"\r{count} {noun} from {number} page(s).   ", err=True)


def _print_list(
    ctx: click.Context, paginator: SyncPaginator[T], noun: str, model: type[T],
    columns: Columns[T],
) -> None:  # fmt: skip
    """Print a list's items; when the walk breaks off, say on stderr how to continue it."""
    every_page, limit = ctx.params["every_page"], ctx.params["limit"]
    writer = _Writer(_format(ctx), model, columns, many=True)
    try:
        for item in _items(ctx, paginator, noun, every_page=every_page, limit=limit):
            writer.write(item)
    except (EvEnergyError, KeyboardInterrupt):
        if writer.fmt != "table":
            writer.close()  # what was written stays a valid document
        if every_page or limit is not None:  # a walk: say how to go on from where it stopped
            written = 0 if writer.fmt == "table" else writer.written
            last_id = writer.last_id if written else None
            click.echo(f"interrupted after {written} {noun} were written; continue with:",
                       err=True)  # fmt: skip
            click.echo(f"  {_continuation(ctx, last_id, written)}", err=True)
        raise
    writer.close()


def _continuation(ctx: click.Context, last_id: str | None, written: int) -> str:
    """The command line that goes on from the last item written (the same one if none was)."""
    argv: list[str] = ctx.meta[_ARGV]
    if last_id is None:
        return shlex.join(["evenergy", *argv])
    kept: list[str] = []
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
    return shlex.join(["evenergy", *kept])


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
        self, info_name: str | None, args: list[str], parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:  # fmt: skip
        given = list(args)  # parsing consumes them; an interrupted walk repeats them
        ctx = super().make_context(info_name, args, parent=parent, **extra)
        if parent is None:
            ctx.meta[_ARGV] = given
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigurationError as error:  # bad settings are bad input too
            click.echo(f"error: {error}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except EvEnergyError as error:
            problem = getattr(error, "problem", None)
            message = str(problem) if problem is not None else str(error)
            status = getattr(error, "status_code", None)
            prefix = f"error ({status})" if status else "error"
            click.echo(f"{prefix}: {message}", err=True)
            ctx.exit(EXIT_API_ERROR)
        except (ValueError, TypeError) as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(EXIT_BAD_INPUT)


PAGE_SIZE = click.option(
    "--page-size", type=click.IntRange(1, 100), default=None,
    help="Items per request, 1 to 100 (default: 100, the fewest requests).",
)  # fmt: skip
LIMIT = click.option(
    "--limit", type=click.IntRange(min=1), default=None, metavar="N",
    help="Print at most N items, reading as many pages as that takes.",
)  # fmt: skip
AFTER = click.option(
    "--after", "after", metavar="ID", default=None,
    help="Start after the item with this id (resume a walk from the last id you have).",
)  # fmt: skip
BEFORE = click.option(
    "--before", "before", metavar="ID", default=None,
    help="Walk backward from the item before this id, newest first.",
)  # fmt: skip
ALL_PAGES = click.option(
    "--all", "every_page", is_flag=True, help="Walk every page, not just the first."
)
FORMAT = click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default=None, expose_value=False,
    callback=_remember_format,
    help="table (the default on a terminal), json (the default when piped: one document), "
    "jsonl (one item per line) or csv.",
)  # fmt: skip


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
def cli(**options: Any) -> None:
    """Read ev.energy EVSE sites and CPMS providers.

    Credentials: EVENERGY_ACCESS_TOKEN, or EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET.
    """


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
        "stderr the command that continues it; what was written stays valid in every format.",
        epilog=_examples(
            f"{call}",
            f"{call} --all --format jsonl | jq -r .id",
            f"{call} --all --format jsonl --after {example} >> {noun}.jsonl",
            f"{call} --limit 10 --format csv",
        ),
    )  # fmt: skip
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
            found = _call(endpoint, client, options)
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
                noun, help=resource.summary,
                epilog=_examples(f"{noun} list --page-size 50",
                                 f"{noun} get {resource.example_id}"),
            )  # fmt: skip
            root.add_command(groups[noun])
        make = _list_command if endpoint.answer == "page" else _get_command
        groups[noun].add_command(make(endpoint, noun, model))


_add_commands(cli)


def main() -> None:
    """Entry point of the `evenergy` console script."""
    cli(prog_name="evenergy")

"""The `evenergy` command: the API from a shell (also `python -m evenergy`).

Credentials come from the same environment variables as the client (EVENERGY_ACCESS_TOKEN, or
EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET). Output is a table on a terminal and JSON when
piped (or with --json); errors print the problem's title and detail and exit non-zero.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

from ._client import EvEnergy
from ._exceptions import ConfigurationError, EvEnergyError
from ._pagination import SyncPaginator
from ._version import API_VERSION, __version__

T = TypeVar("T")
ClientFactory = Callable[..., EvEnergy]

_ARGV = "evenergy.argv"  # the command line's arguments, kept in the root context's meta

EXIT_API_ERROR = 1
EXIT_BAD_INPUT = 2

SITE_COLUMNS = [
    ("ID", lambda s: s.id),
    ("CPMS", lambda s: s.cpms_connection or "-"),
    ("CPMS NAME", lambda s: s.cpms_connection_display_name or "-"),
    (
        "USER CONNECTED",
        lambda s: "-" if s.user_connected is None else str(s.user_connected).lower(),
    ),
    ("EVSES", lambda s: str(len(s.evses))),
]
PROVIDER_COLUMNS = [
    ("ID", lambda p: p.id),
    ("NAME", lambda p: p.name),
    ("ICON", lambda p: p.icon or "-"),
]


def _table(rows: Iterable[Any], columns: list[tuple[str, Callable[[Any], str]]]) -> str:
    cells = [[str(get(row)) for _, get in columns] for row in rows]
    headers = [title for title, _ in columns]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _remember_json(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta["evenergy.json"] = True  # meta is shared by every context of the command line


def _wants_json(ctx: click.Context) -> bool:
    return bool(ctx.meta.get("evenergy.json")) or not sys.stdout.isatty()


def _client(ctx: click.Context) -> EvEnergy:
    factory: ClientFactory = ctx.obj or EvEnergy
    params = ctx.find_root().params
    options = {"base_url": params["base_url"], "user": params["user"]}
    given = {name: value for name, value in options.items() if value is not None}
    return factory(api_version=params["api_version"], **given)


def _walk(
    paginator: SyncPaginator[T], noun: str, *, every_page: bool, backward: bool
) -> Iterator[T]:
    """Items of the first page, or of every page with a progress line on a terminal's stderr.

    Items come in walking order: newest first on a backward walk, as the paginator yields them.
    """
    show = every_page and sys.stderr.isatty()
    count = 0
    for number, page in enumerate(paginator.iter_pages(), start=1):
        yield from reversed(page.items) if backward else page.items
        count += len(page.items)
        if show:
            click.echo(f"\r{count} {noun} from {number} page(s)...", nl=False, err=True)
        if not every_page:
            break
    if show:
        click.echo(f"\r{count} {noun} from {number} page(s).   ", err=True)


def _print_list(
    ctx: click.Context, paginator: SyncPaginator[Any], noun: str, columns: Any, *, every_page: bool
) -> None:
    backward = ctx.params.get("before") is not None
    items = _walk(paginator, noun, every_page=every_page, backward=backward)
    if not _wants_json(ctx):
        click.echo(_table(list(items), columns))
    elif every_page:  # JSON lines, one item at a time: the walk never holds the whole list
        _print_lines(ctx, items, noun)
    else:
        click.echo(json.dumps([item.to_dict() for item in items], indent=2))


def _print_lines(ctx: click.Context, items: Iterator[Any], noun: str) -> None:
    """One JSON line per item; when the walk breaks off, say how to continue it on stderr."""
    written, last_id = 0, None
    try:
        for item in items:
            click.echo(json.dumps(item.to_dict()))
            written, last_id = written + 1, item.id
    except (EvEnergyError, KeyboardInterrupt):
        click.echo(f"interrupted after {written} {noun} were written; continue with:", err=True)
        click.echo(f"  {_continuation(ctx, last_id)}", err=True)
        raise


def _continuation(ctx: click.Context, last_id: str | None) -> str:
    """The command line that goes on from the last item written (the same one if none was)."""
    argv: list[str] = ctx.meta[_ARGV]
    if last_id is None:
        return shlex.join(["evenergy", *argv])
    kept: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg in ("--after", "--before"):
            next(args, None)  # and its value
        elif not arg.startswith(("--after=", "--before=")):
            kept.append(arg)
    backward = ctx.params.get("before") is not None
    return shlex.join(["evenergy", *kept, "--before" if backward else "--after", last_id])


def _print_one(ctx: click.Context, item: Any, columns: Any) -> None:
    click.echo(
        json.dumps(item.to_dict(), indent=2) if _wants_json(ctx) else _table([item], columns)
    )


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
JSON_OUTPUT = click.option(
    "--json", is_flag=True, expose_value=False, callback=_remember_json,
    help="JSON output, even on a terminal (JSON lines with --all).",
)  # fmt: skip


@click.group(
    cls=_Group,
    epilog=_examples(
        "sites list",
        "sites list --all --json > sites.jsonl",
        "sites get site01JX2SZ0WAFTDYVYY0JRAYREY7",
        "--base-url http://127.0.0.1:4010 providers list",
    ),
)
@click.option("--base-url", envvar="EVENERGY_BASE_URL", help="API root, /v2 included.")
@click.option("--user", envvar="EVENERGY_USER", help="Act as this user (EvEnergy-User).")
@click.option("--api-version", default=API_VERSION, show_default=True, help="EvEnergy-Version.")
@JSON_OUTPUT
@click.version_option(
    __version__, prog_name="evenergy", message=f"%(prog)s %(version)s (API v{API_VERSION})"
)
def cli(base_url: str | None, user: str | None, api_version: str) -> None:
    """Read ev.energy EVSE sites and CPMS providers.

    Credentials: EVENERGY_ACCESS_TOKEN, or EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET.
    """


@cli.group(
    epilog=_examples("sites list --page-size 50", "sites get site01JX2SZ0WAFTDYVYY0JRAYREY7")
)
def sites() -> None:
    """EVSE sites: places with charge points that several users can charge at."""


@sites.command(
    "list",
    epilog=_examples(
        "sites list",
        "sites list --all --json | jq -r .id",
        "sites list --all --after site01JX2SZ0WAFTDYVYY0JRAYREY7 >> sites.jsonl",
    ),
)
@PAGE_SIZE
@ALL_PAGES
@AFTER
@BEFORE
@JSON_OUTPUT
@click.pass_context
def sites_list(
    ctx: click.Context, page_size: int | None, every_page: bool, after: str | None,
    before: str | None,
) -> None:  # fmt: skip
    """List EVSE sites: the first page, or every page with --all (JSON lines when piped).

    An interrupted --all walk (an API error, Ctrl-C) exits non-zero and prints on stderr the
    command that continues it.
    """
    with _client(ctx) as client:
        paginator = client.evse_sites.list(
            page_size=page_size, page_after=after, page_before=before
        )
        _print_list(ctx, paginator, "sites", SITE_COLUMNS, every_page=every_page)


@sites.command("get", epilog=_examples("sites get site01JX2SZ0WAFTDYVYY0JRAYREY7"))
@click.argument("site_id")
@JSON_OUTPUT
@click.pass_context
def sites_get(ctx: click.Context, site_id: str) -> None:
    """Show one EVSE site."""
    with _client(ctx) as client:
        _print_one(ctx, client.evse_sites.get(site_id), SITE_COLUMNS)


@cli.group(epilog=_examples("providers list", "providers get CHARGEPOINT"))
def providers() -> None:
    """CPMS providers: the charge-point management systems ev.energy integrates with."""


@providers.command("list", epilog=_examples("providers list", "providers list --json"))
@PAGE_SIZE
@ALL_PAGES
@AFTER
@BEFORE
@JSON_OUTPUT
@click.pass_context
def providers_list(
    ctx: click.Context, page_size: int | None, every_page: bool, after: str | None,
    before: str | None,
) -> None:  # fmt: skip
    """List CPMS providers: the first page, or every page with --all (as `sites list`)."""
    with _client(ctx) as client:
        paginator = client.cpms_providers.list(
            page_size=page_size, page_after=after, page_before=before
        )
        _print_list(ctx, paginator, "providers", PROVIDER_COLUMNS, every_page=every_page)


@providers.command("get", epilog=_examples("providers get CHARGEPOINT"))
@click.argument("provider_id")
@JSON_OUTPUT
@click.pass_context
def providers_get(ctx: click.Context, provider_id: str) -> None:
    """Show one CPMS provider by its code."""
    with _client(ctx) as client:
        _print_one(ctx, client.cpms_providers.get(provider_id), PROVIDER_COLUMNS)


def main() -> None:
    """Entry point of the `evenergy` console script."""
    cli(prog_name="evenergy")

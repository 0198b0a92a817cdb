"""The docs build's pages beside pdoc's API reference: the guide (README.md) and the CLI.

Usage: python scripts/docs_pages.py OUTPUT_DIR   (run by `nox -s docs` after pdoc)
It writes guide.html, cli.html and an index.html that links them with the API reference.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import markdown2
from click.testing import CliRunner

from evenergy import __version__
from evenergy._cli import cli

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = [
    [],
    ["sites"],
    ["sites", "list"],
    ["sites", "get"],
    ["providers"],
    ["providers", "list"],
    ["providers", "get"],
]
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5}pre{background:#f4f4f4;padding:.8rem;overflow-x:auto}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}"
)


def page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
        f"<style>{STYLE}</style></head><body><p><a href=index.html>evenergy {__version__}</a>"
        f"</p>{body}</body></html>"
    )


def guide() -> str:
    text = (ROOT / "README.md").read_text()
    body = markdown2.markdown(text, extras=["fenced-code-blocks", "tables", "header-ids"])
    return page("evenergy: the guide", body)


def cli_reference() -> str:
    sections = []
    for command in COMMANDS:
        result = CliRunner().invoke(cli, [*command, "--help"], prog_name="evenergy")
        if result.exit_code != 0:
            raise RuntimeError(f"evenergy {' '.join(command)} --help failed: {result.output}")
        name = " ".join(["evenergy", *command])
        sections.append(
            f"<h2 id='{'-'.join(command) or 'evenergy'}'>{name}</h2>"
            f"<pre>{html.escape(result.output)}</pre>"
        )
    return page("evenergy: the command", "<h1>The evenergy command</h1>" + "".join(sections))


def index() -> str:
    links = [
        (
            "guide.html",
            "The guide",
            "using the SDK: clients, pagination, errors, retries, "
            "rate limits, secrets, the test fake (the README)",
        ),
        ("cli.html", "The evenergy command", "every command's --help"),
        ("evenergy.html", "API reference: evenergy", "every public class and function"),
        ("evenergy/testing.html", "API reference: evenergy.testing", "the fake API for tests"),
    ]
    items = "".join(f"<li><a href='{href}'>{name}</a>: {what}</li>" for href, name, what in links)
    return page("evenergy", f"<h1>evenergy {__version__}</h1><ul>{items}</ul>")


def main(output: Path) -> None:
    for name, content in {
        "guide.html": guide(),
        "cli.html": cli_reference(),
        "index.html": index(),
    }.items():
        (output / name).write_text(content)
    print(f"docs pages: {output / 'index.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

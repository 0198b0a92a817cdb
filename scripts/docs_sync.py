"""Keep the parts of the documents that are made from other files current.

Usage: python scripts/docs_sync.py [--check]
- README.md's field reference is rendered from openapi.yaml and the generated models.
- Every Python example of README.md and CONTRIBUTING.md is copied, as it stands, into
  tests/doc_examples/, where `nox -s typecheck` (mypy --strict) and `nox -s lint` check it.
With --check it changes nothing and exits 1 naming what is stale (tests/unit/test_docs.py runs it).
"""

from __future__ import annotations

import enum
import re
import sys
from pathlib import Path
from typing import Any

import attrs
import yaml

import evenergy

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCUMENTS = [README, ROOT / "CONTRIBUTING.md"]
EXAMPLES = ROOT / "tests" / "doc_examples"
FIELDS_START = "<!-- field reference: made from openapi.yaml by scripts/docs_sync.py -->"
FIELDS_END = "<!-- end of field reference -->"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", flags=re.DOTALL | re.MULTILINE)


def blocks(document: Path, language: str) -> list[str]:
    """The fenced blocks of `document` in `language`, in order."""
    return [body for lang, body in FENCE.findall(document.read_text()) if lang == language]


def example_files() -> dict[Path, str]:
    """Each Python example of the documents, as the file it is copied to."""
    files = {}
    for document in DOCUMENTS:
        for number, code in enumerate(blocks(document, "python"), start=1):
            name = f"{document.stem.lower()}_{number:02}.py"
            header = f"# Copied from {document.name} by scripts/docs_sync.py: edit it there.\n"
            files[EXAMPLES / name] = header + code
    return files


def _python_type(annotation: Any) -> str:
    """A model field's annotation as the reader writes it (`None` last)."""
    parts = [part.strip() for part in str(annotation).split("|")]
    return " | ".join(sorted(parts, key=lambda part: part == "None"))


def _description(schema: dict[str, Any], schemas: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(_description(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas))
    return " ".join(str(schema.get("description", "")).split())


def field_reference() -> str:
    """The models the SDK exports, field by field, from openapi.yaml and the generated classes."""
    schemas = yaml.safe_load((ROOT / "openapi.yaml").read_text())["components"]["schemas"]
    exported = [getattr(evenergy, name) for name in schemas if name in evenergy.__all__]
    generated = [cls for cls in exported if cls.__module__.startswith("evenergy_openapi")]
    sections = []
    for cls in generated:
        schema = schemas[cls.__name__]
        lines = [f"### `{cls.__name__}`", "", _description(schema, schemas), ""]
        if issubclass(cls, enum.Enum):
            values = ", ".join(f"`{member.value}`" for member in cls)
            lines.append(f"Known values: {values}.")
        else:
            lines += ["| field | type | meaning |", "|---|---|---|"]
            properties = schema["properties"]
            for field in attrs.fields(cls):
                if field.name in properties:
                    meaning = _description(properties[field.name], schemas)
                    kind = _python_type(field.type).replace("|", "\\|")  # not a column
                    lines.append(f"| `{field.name}` | `{kind}` | {meaning} |")
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


def readme_with_fields(text: str) -> str:
    """README.md's text with its field reference rendered anew."""
    start, end = text.index(FIELDS_START) + len(FIELDS_START), text.index(FIELDS_END)
    return f"{text[:start]}\n{field_reference()}\n{text[end:]}"


def stale() -> list[str]:
    """What is not current: README.md's field reference, and example files (missing or extra)."""
    found = []
    if readme_with_fields(README.read_text()) != README.read_text():
        found.append("README.md (field reference)")
    wanted = example_files()
    present = set(EXAMPLES.glob("*.py"))
    for path in sorted(present | set(wanted)):
        if path not in wanted or path not in present or path.read_text() != wanted[path]:
            found.append(str(path.relative_to(ROOT)))
    return found


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        found = stale()
        if found:
            print("stale (run python scripts/docs_sync.py): " + ", ".join(found))
        return 1 if found else 0
    README.write_text(readme_with_fields(README.read_text()))
    EXAMPLES.mkdir(exist_ok=True)
    for path in set(EXAMPLES.glob("*.py")) - set(example_files()):
        path.unlink()
    for path, code in example_files().items():
        path.write_text(code)
    print(f"updated README.md's field reference and {EXAMPLES.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

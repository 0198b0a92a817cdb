"""Every task of the project; `nox` with no arguments runs what CI runs (see scripts/test)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
SPEC = ROOT / "openapi.yaml"
GENERATED = ROOT / "generated" / "evenergy_openapi"
GENERATOR = ROOT / "generator"
RESOURCES = ROOT / "wrapper" / "evenergy" / "_resources.py"  # rendered from generator/sdk.yaml
CONSTRAINTS = ("-c", "requirements/dev.txt")
NODE_BIN = ROOT / "node_modules" / ".bin"
TEMPLATE_BRANCHES = ROOT / "tests" / "generator"
SHAPES = ROOT / "tests" / "generator" / "shapes"  # one operation of each shape, and its sdk.yaml
GENERATOR_CONFIG = GENERATOR / "config.yaml"
UPSTREAM_TEMPLATES = GENERATOR / "upstream-templates.json"
UPSTREAM = GENERATOR / "upstream" / "ev-energy-v2-four-endpoints.yaml"  # what the spec is based on

DIST = ROOT / "dist"
PYTHONS = ["3.11", "3.12", "3.13"]  # every Python the package claims (pyproject classifiers)
UV = str(Path(sys.executable).with_name("uv"))  # the pinned uv beside nox in .venv


def _pyenv_pythons_on_path() -> None:
    """Let nox find pyenv's 3.11-3.14 as python3.X (pyenv's shims only offer the global one)."""
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(str(v / "bin") for v in versions.glob("3.1[1-4].*") if (v / "bin").is_dir())
    os.environ["PATH"] = os.pathsep.join([*found, os.environ.get("PATH", "")])


_pyenv_pythons_on_path()
nox.options.default_venv_backend = "uv"
nox.options.reuse_existing_virtualenvs = True
# CI must run every Python; on a developer's machine a missing one is skipped, and nox says so.
nox.options.error_on_missing_interpreters = bool(os.environ.get("CI"))
nox.options.sessions = [
    "lint",
    "typecheck",
    "check_generated",
    "shapes",
    "api_compat",
    "build",
    "unit",
    "unit_lowest",
    "integration",
    "contract",
    "docs",
]

PYPROJECT = nox.project.load_toml("pyproject.toml")


def install_group(session: nox.Session, group: str, *, project: bool = False) -> None:
    """Install one pinned dependency group (and the SDK itself when `project`)."""
    packages = nox.project.dependency_groups(PYPROJECT, group)
    sdk = ["--reinstall-package", "evenergy", "."] if project else []
    session.install(*CONSTRAINTS, *packages, *sdk)


def generate_into(
    session: nox.Session, destination: Path, spec: Path = SPEC, config: Path = GENERATOR_CONFIG
) -> None:
    """Generate the low-level client from `spec` into `destination` (replaced whole)."""
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / destination.name
        session.run(
            "openapi-python-client",
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--config",
            str(config),
            "--custom-template-path",
            str(GENERATOR / "templates"),
            "--output-path",
            str(output),
            "--fail-on-warning",
            silent=True,
        )
        shutil.rmtree(output / ".ruff_cache", ignore_errors=True)
        # The generator always writes its client; nothing imports it (see the templates).
        for unused in ("client.py", "errors.py"):
            (output / unused).unlink()
        (output / "py.typed").write_text("")
        shutil.rmtree(destination, ignore_errors=True)
        shutil.copytree(output, destination)


def differing_files(left: Path, right: Path) -> list[str]:
    """Relative paths that differ between two trees, ignoring byte-code caches."""

    def files(root: Path) -> dict[str, bytes]:
        return {
            str(path.relative_to(root)): path.read_bytes()
            for path in root.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }

    old, new = files(left), files(right)
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


def upstream_fingerprints(session: nox.Session) -> dict[str, object]:
    """The installed generator's version, and a SHA-256 of each of its templates we override."""
    found = session.run(
        "python",
        "-c",
        "import importlib.metadata as m, pathlib, openapi_python_client as o; "
        "print(m.version('openapi-python-client')); print(pathlib.Path(o.__file__).parent)",
        silent=True,
    )
    version, package = str(found).split()
    upstream = Path(package) / "templates"
    ours = sorted(
        str(path.relative_to(GENERATOR / "templates"))
        for path in (GENERATOR / "templates").rglob("*.jinja")
    )
    return {
        "openapi-python-client": version,
        "templates": {
            name: hashlib.sha256((upstream / name).read_bytes()).hexdigest()
            for name in ours
            if (upstream / name).exists()
        },
    }


@nox.session
def record_templates(session: nox.Session) -> None:
    """Record the generator version and the upstream templates our overrides were merged with.

    Run it after merging an upgraded openapi-python-client's changes into generator/templates/.
    """
    install_group(session, "generate")
    recorded = upstream_fingerprints(session)
    UPSTREAM_TEMPLATES.write_text(json.dumps(recorded, indent=2) + "\n")
    session.log(f"recorded {UPSTREAM_TEMPLATES.relative_to(ROOT)}")


def render_resources(session: nox.Session, package: Path, output: Path, *fixture: str) -> None:
    """Render resource classes from sdk.yaml, the spec and `package`; format them as wrapper/'s.

    `fixture` (a spec and its sdk.yaml) renders a scratch package's instead of the SDK's.
    """
    renderer = str(GENERATOR / "render_resources.py")
    scripts = {"PYTHONPATH": str(ROOT / "scripts")}  # its $ref resolver: scripts/openapi_refs.py
    session.run("python", renderer, str(package), str(output), *fixture, env=scripts)
    config = ("--config", str(ROOT / "pyproject.toml"))
    session.run("ruff", "check", "--fix-only", "--quiet", *config, str(output))
    session.run("ruff", "format", "--quiet", *config, str(output))


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate generated/ from openapi.yaml, then the wrapper's resources (_resources.py)."""
    install_group(session, "generate")
    generate_into(session, GENERATED)
    render_resources(session, GENERATED, RESOURCES)
    session.log(f"regenerated {GENERATED.relative_to(ROOT)} and {RESOURCES.name} from {SPEC.name}")


@nox.session
def check_generated(session: nox.Session) -> None:
    """Fail when generated/ is not what openapi.yaml and the generator config produce.

    Also when an overridden upstream template changed in the installed openapi-python-client
    (an upgrade): its changes must be merged into our copy first (see record_templates).
    """
    install_group(session, "generate")
    recorded = json.loads(UPSTREAM_TEMPLATES.read_text())
    current = upstream_fingerprints(session)
    changed = [
        name
        for name, digest in current["templates"].items()  # type: ignore[attr-defined]
        if recorded["templates"].get(name) != digest
    ]
    if changed:
        session.error(
            f"openapi-python-client {current['openapi-python-client']} changed the upstream "
            f"templates we override (ours were merged with {recorded['openapi-python-client']}): "
            + ", ".join(changed)
            + ". Merge its changes into generator/templates/, then run nox -s record_templates"
        )
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "evenergy_openapi"
        generate_into(session, fresh)
        stale = differing_files(GENERATED, fresh)
        rendered = Path(scratch) / RESOURCES.name
        render_resources(session, fresh, rendered)
        if rendered.read_text() != RESOURCES.read_text():
            stale.append(str(RESOURCES.relative_to(ROOT)))
    if stale:
        session.error(
            "generated code is stale (run ./scripts/generate and commit the result): "
            + ", ".join(stale)
        )
    # Template branches that openapi.yaml does not take (an integer enum) must work too.
    with tempfile.TemporaryDirectory() as scratch:
        branches = Path(scratch) / "template_branches"
        generate_into(session, branches, TEMPLATE_BRANCHES / "template_branches.yaml")
        session.run("python", str(TEMPLATE_BRANCHES / "check_templates.py"), str(branches))


@nox.session
def shapes(session: nox.Session) -> None:
    """Every operation shape the renderer supports, generated and driven over loopback.

    Generates tests/generator/shapes/openapi.yaml with its own sdk.yaml into scratch packages
    (shapes_openapi, shapes_sdk on the installed SDK) and runs tests/generator on them.
    """
    install_group(session, "generate")
    install_group(session, "test", project=True)
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "config.yaml"
        config.write_text(GENERATOR_CONFIG.read_text().replace("evenergy", "shapes"))
        generate_into(session, Path(scratch) / "shapes_openapi", SHAPES / "openapi.yaml", config)
        sdk = Path(scratch) / "shapes_sdk"
        sdk.mkdir()
        (sdk / "__init__.py").write_text("")
        fixture = (str(SHAPES / "openapi.yaml"), str(SHAPES / "sdk.yaml"))
        render_resources(session, Path(scratch) / "shapes_openapi", sdk / "_resources.py", *fixture)
        session.run("pytest", "tests/generator", *session.posargs, env={"PYTHONPATH": scratch})


@nox.session
def api_compat(session: nox.Session) -> None:
    """Fail on a breaking change of the public API that CHANGELOG.md and the version do not own.

    Compares with the latest release tag, else main; `-- --against REF` for another reference.
    """
    install_group(session, "api")
    session.run("python", "scripts/api_compat.py", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff (check and format), the OpenAPI validator and Redocly's linter."""
    install_group(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("openapi-spec-validator", str(SPEC), silent=True)
    session.run(
        "check-jsonschema",
        "--builtin-schema",
        "vendor.github-workflows",
        *map(str, sorted((ROOT / ".github" / "workflows").glob("*.yml"))),
    )
    session.run(
        str(NODE_BIN / "redocly"),
        "lint",
        str(SPEC),
        "--format",
        "stylish",
        external=True,
        env={"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
    )


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the wrapper package, the generated one, the tests and the scripts."""
    install_group(session, "typecheck", project=True)
    session.run("mypy", "--strict", "wrapper/evenergy", "tests", "scripts", "generator")
    session.run("mypy", "--strict", "generated/evenergy_openapi")


def build_wheel(session: nox.Session, directory: Path) -> Path:
    """Build the SDK's wheel from the source tree into `directory` and return its path."""
    session.run(UV, "build", "--wheel", "--quiet", "--out-dir", str(directory), external=True)
    return one(directory.glob("*.whl"))


def one(paths: object) -> Path:
    found = list(paths)  # type: ignore[call-overload]
    if len(found) != 1:
        raise RuntimeError(f"expected one file, found {found}")
    return Path(found[0])


def wheel_files(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@nox.session
def build(session: nox.Session) -> None:
    """sdist and wheel into dist/, and every check a publisher makes before uploading them.

    twine check --strict, check-wheel-contents, the wheel alone in a clean virtual environment
    (its declared dependencies only: every module imports, the CLI and evenergy.testing work),
    and the wheel built from the sdist holds the same files as the one built from the tree.
    """
    install_group(session, "build")
    shutil.rmtree(DIST, ignore_errors=True)
    session.run(UV, "build", "--sdist", "--wheel", "--quiet", "--out-dir", str(DIST), external=True)
    sdist, wheel = one(DIST.glob("*.tar.gz")), one(DIST.glob("*.whl"))
    session.run("twine", "check", "--strict", str(sdist), str(wheel))
    session.run("check-wheel-contents", str(wheel))
    with tempfile.TemporaryDirectory() as scratch:
        session.run(
            UV, "build", "--wheel", "--quiet", "--out-dir", scratch, str(sdist), external=True
        )
        rebuilt = wheel_files(one(Path(scratch).glob("*.whl")))
    if rebuilt != wheel_files(wheel):
        differ = sorted(set(rebuilt) ^ set(wheel_files(wheel))) or "the same names"
        session.error(f"the wheel built from the sdist differs from the tree's: {differ}")
    with tempfile.TemporaryDirectory() as scratch:
        venv = Path(scratch) / "venv"
        python = str(venv / "bin" / "python")
        session.run(UV, "venv", "--quiet", "--python", sys.executable, str(venv), external=True)
        session.run(
            UV,
            "pip",
            "install",
            "--quiet",
            "--python",
            python,
            *CONSTRAINTS,
            str(wheel),
            external=True,
        )
        with session.chdir(scratch):  # away from the source tree
            session.run(python, str(ROOT / "tests" / "packaging" / "wheel_alone.py"), external=True)
            session.run(str(venv / "bin" / "evenergy"), "--help", external=True, silent=True)
            session.run(python, "-m", "evenergy", "--help", external=True, silent=True)
            session.run(
                python, "-m", "evenergy.testing", "serve", "--help", external=True, silent=True
            )
    session.log(f"built and checked {sdist.name} and {wheel.name}")


def install_wheel_for_tests(
    session: nox.Session, scratch: Path, constraints: Sequence[str]
) -> None:
    """Build the SDK's wheel into `scratch`; install it and the test group under `constraints`."""
    wheel = build_wheel(session, scratch)
    packages = nox.project.dependency_groups(PYPROJECT, "test")
    session.install(*constraints, *packages, "--reinstall-package", "evenergy", str(wheel))


def pytest_args(session: nox.Session, default: str) -> list[str]:
    """pytest's arguments: `default` and the session's, or only theirs when they name tests."""
    named = any(arg.startswith("tests/") for arg in session.posargs)
    return [*([] if named else [default]), *session.posargs]


@nox.session(python=PYTHONS)
def unit(session: nox.Session) -> None:
    """The unit suite against the built wheel (not the source tree), on each supported Python."""
    with tempfile.TemporaryDirectory() as scratch:
        install_wheel_for_tests(session, Path(scratch), CONSTRAINTS)
    session.run("pytest", *pytest_args(session, "tests/unit"))


@nox.session(python=PYTHONS[0])
def unit_lowest(session: nox.Session) -> None:
    """The unit suite with the SDK's dependencies at the lowest versions pyproject allows."""
    with tempfile.TemporaryDirectory() as scratch:
        lowest = Path(scratch) / "lowest.txt"
        session.run(
            UV,
            "pip",
            "compile",
            "--quiet",
            "pyproject.toml",
            "--resolution",
            "lowest-direct",
            "--python-version",
            PYTHONS[0],
            "--no-header",
            "--no-annotate",
            "-o",
            str(lowest),
            external=True,
        )
        pins = [line for line in lowest.read_text().splitlines() if "==" in line]
        names = {line.split("==")[0].lower() for line in pins}
        locked = (ROOT / "requirements" / "dev.txt").read_text().splitlines()
        others = [line for line in locked if "==" in line and line.split("==")[0] not in names]
        constraints = Path(scratch) / "constraints.txt"
        constraints.write_text("\n".join(pins + others) + "\n")
        install_wheel_for_tests(session, Path(scratch), ("-c", str(constraints)))
    session.log("lowest direct dependencies: " + ", ".join(pins))
    session.run("pytest", *pytest_args(session, "tests/unit"))


@nox.session
def integration(session: nox.Session) -> None:
    """Integration tests: the Prism mock (started by the tests), real sockets, the CLI."""
    install_group(session, "test", project=True)
    session.run("pytest", *pytest_args(session, "tests/integration"))


@nox.session
def fuzz(session: nox.Session) -> None:
    """The hostile-server properties with 5,000 examples each, seeded; prints the statistics.

    Not part of CI's run, which runs the same properties with a few hundred examples.
    `nox -s fuzz -- --hypothesis-seed 7` picks another seed.
    """
    install_group(session, "test", project=True)
    session.run(
        "pytest",
        "tests/unit/test_hostile_server.py",
        "-p",
        "no:cacheprovider",
        "--timeout=3600",
        "--hypothesis-profile=fuzz",
        "--hypothesis-seed=20261126",
        "--hypothesis-show-statistics",
        *session.posargs,
    )


@nox.session
def contract(session: nox.Session) -> None:
    """Schemathesis contract runs (the local mock, or EVENERGY_BASE_URL) and the drift test.

    `nox -s contract -- --max-examples 100` passes options on to scripts/contract.py.
    """
    install_group(session, "contract", project=True)
    session.run("python", "scripts/contract.py", *session.posargs, env={"PYTHONPATH": "scripts"})
    if not os.environ.get("EVENERGY_BASE_URL"):
        session.run("pytest", "tests/contract")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks of the SDK against raw httpx (not part of CI's pass or fail; see CONTRIBUTING.md).

    `nox -s bench -- --smoke` runs tiny sizes; `-- --compare reports/bench/old.json` compares.
    """
    session.install(*CONSTRAINTS, "--reinstall-package", "evenergy", ".")
    session.run("python", "tests/benchmarks/run.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """The docs into reports/docs/: the guide, the CLI and the API reference (warnings fail it)."""
    install_group(session, "docs", project=True)
    output = ROOT / "reports" / "docs"
    shutil.rmtree(output, ignore_errors=True)
    session.run(
        "python", "-W", "error", "-m", "pdoc", "evenergy", "evenergy.testing", "-o", str(output)
    )
    session.run("python", "-W", "error", "scripts/docs_pages.py", str(output))
    session.log(f"docs: {output / 'index.html'}")


@nox.session
def upstream_diff(session: nox.Session) -> None:
    """What changed upstream: `nox -s upstream_diff -- NEW.yaml [OLD.yaml]`.

    Compares NEW.yaml with OLD.yaml (by default generator/upstream/, the public description
    openapi.yaml was reconciled against; openapi.yaml itself works too): the default security,
    each changed component once with the operations that use it, each changed operation's
    operationId, scopes, parameters, body and answers, and each new operation's shape with
    whether generator/sdk.yaml can declare it as is (or why not).
    """
    if len(session.posargs) not in (1, 2):
        session.error("give the new description: nox -s upstream_diff -- NEW.yaml [OLD.yaml]")
    new, *old = session.posargs
    session.install(*CONSTRAINTS, "pyyaml")
    session.run("python", "scripts/upstream_diff.py", *(old or [str(UPSTREAM)]), new)


@nox.session
def serve_fake(session: nox.Session) -> None:
    """Serve evenergy.testing's fake API on loopback (scripts/mock --fake); Ctrl-C stops it."""
    session.install(*CONSTRAINTS, "--reinstall-package", "evenergy", ".")
    session.run("python", "-m", "evenergy.testing", "serve", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """A tour of the SDK and its CLI against the fake API served on loopback."""
    session.install(*CONSTRAINTS, "--reinstall-package", "evenergy", ".")
    session.run("python", "scripts/demo.py", *session.posargs, env={"PYTHONPATH": "scripts"})

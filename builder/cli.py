"""Command line: `python -m builder build|check`. The only module that prints or chooses exit codes."""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path
from typing import Sequence

from . import __version__
from .build import Paths, build
from .diagnostics import BuildFailed, Diagnostic


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m builder", description="Build an annotated reading edition.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build content/ into site/")
    check_cmd = commands.add_parser("check", help="validate everything, write nothing")
    bundle_cmd = commands.add_parser("bundle", help="build the site and zip it for offline reading")
    for command in (build_cmd, check_cmd, bundle_cmd):
        command.add_argument("--content", type=Path, default=Path("content"), help="content directory (default: content)")
        command.add_argument("--strict", action="store_true", help="treat warnings as errors")
        command.add_argument("--debug", action="store_true", help="show Python tracebacks for internal errors")
    for command in (build_cmd, bundle_cmd):
        command.add_argument("--out", type=Path, default=Path("site"), help="output directory (default: site)")
        command.add_argument("--theme", type=Path, default=Path("themes/default"), help="theme directory (default: themes/default)")
    for command in (build_cmd, bundle_cmd):
        command.add_argument("--force", action="store_true", help="rebuild everything from scratch, without the cache of earlier builds")
    bundle_cmd.add_argument("--zip", type=Path, default=Path("dist/edition.zip"), help="zip to write (default: dist/edition.zip)")
    check_cmd.add_argument("--format", choices=("text", "json"), default="text", help="how to print problems")
    serve_cmd = commands.add_parser("serve", help="live preview on 127.0.0.1: rebuild and reload on every change")
    serve_cmd.add_argument("--content", type=Path, default=Path("content"), help="content directory (default: content)")
    serve_cmd.add_argument("--out", type=Path, default=Path("site"), help="output directory (default: site)")
    serve_cmd.add_argument("--theme", type=Path, default=Path("themes/default"), help="theme directory (default: themes/default)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve_cmd.add_argument("--debug", action="store_true", help="show Python tracebacks for internal errors")
    new_cmd = commands.add_parser("new", help="import a raw article text as content/articles/<slug>.md")
    new_cmd.add_argument("--from", dest="source", type=Path, required=True, help="the raw text file")
    new_cmd.add_argument("--slug", help="the article's slug (default: from the title)")
    new_cmd.add_argument("--content", type=Path, default=Path("content"), help="content directory (default: content)")
    new_cmd.add_argument("--debug", action="store_true", help="show Python tracebacks for internal errors")
    commands.add_parser("schemas", help="rewrite builder/schemas/*.schema.json from builder/schema.py")
    return parser


def _print(diagnostics: Sequence[Diagnostic], fmt: str = "text") -> None:
    if fmt == "json":
        json.dump([d.as_json() for d in diagnostics], sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=sys.stderr)
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    orphaned = [d for d in diagnostics if d.code == "quote-not-found"]
    moved = [d for d in diagnostics if d.code == "quote-reanchored"]
    if orphaned or moved:  # the orphan report: what an editor must re-anchor by hand
        print(f"anchors: {len(moved)} re-anchored to edited text (paste the new quotes), {len(orphaned)} orphaned:",
              file=sys.stderr)
        for diagnostic in orphaned:
            print(f"    orphaned: {diagnostic.location} {diagnostic.message.split(':')[0]}", file=sys.stderr)
    if diagnostics:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)


def _new(args: argparse.Namespace) -> int:
    from .load import SLUG_RE
    from .newarticle import import_article

    if args.slug is not None and not SLUG_RE.fullmatch(args.slug):
        print(f"{args.slug}: error: a slug is lowercase letters, digits and hyphens", file=sys.stderr)
        return 1
    try:
        imported = import_article(args.source, args.content, args.slug)
    except FileNotFoundError:
        print(f"{args.source}:1:1: error: file not found", file=sys.stderr)
        return 1
    except FileExistsError as exc:
        print(f"{exc}:1:1: error: already exists; choose another --slug", file=sys.stderr)
        return 1
    except (UnicodeDecodeError, ValueError) as exc:
        reason = "not valid UTF-8" if isinstance(exc, UnicodeDecodeError) else str(exc)
        print(f"{args.source}:1:1: error: {reason}", file=sys.stderr)
        return 1
    print(f"wrote {imported.article} and {imported.annotations}; {imported.flagged} line(s) flagged as possible "
          "site furniture; fill in the TODOs, then run `python -m builder check`", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schemas":
        from .schema import write_schema_files

        for path in write_schema_files():
            print(path)
        return 0
    fmt = getattr(args, "format", "text")
    try:
        if args.command == "new":
            return _new(args)
        if args.command == "serve":
            from .serve import serve

            serve(Paths(args.content, args.out, args.theme), args.port,
                  log=lambda line: print(line, file=sys.stderr, flush=True))
            return 0
        if args.command == "check":
            report = build(Paths(args.content, Path("site"), Path("themes/default")), write=False, strict=args.strict)
            _print(report.diagnostics, fmt)
            return 0
        report = build(Paths(args.content, args.out, args.theme), strict=args.strict,
                       skip_if_current=not args.force, reuse=not args.force)
        _print(report.diagnostics)
        if report.up_to_date:
            print(f"{args.out}/ is up to date (nothing changed since the last build; --force rebuilds)", file=sys.stderr)
        else:
            print(f"built {len(report.outputs)} files into {args.out}/", file=sys.stderr)
        if args.command == "bundle":
            from .bundle import zip_site

            count = zip_site(args.out, args.zip)
            print(f"wrote {args.zip} ({count} files); unzip it anywhere and open edition/index.html", file=sys.stderr)
        return 0
    except BuildFailed as failure:
        _print(failure.diagnostics, fmt)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:  # an uncaught exception is a bug in the builder, not a content problem
        if args.debug:
            traceback.print_exc()
        else:
            print("internal error in the builder; rerun with --debug to see the traceback", file=sys.stderr)
        return 2

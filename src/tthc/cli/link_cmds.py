"""Link commands: procedures without a national code and the code they later get.

::

    tthc link list [--catalog DIR] [--format text|json]
    tthc link confirm LOCAL CODE [--catalog DIR]
    tthc link reject LOCAL CODE [--catalog DIR]

Proposals are made by ``tthc import decision`` and ``tthc import portal``
with ``--propose-links``. ``confirm`` marks one proposal confirmed (the other
proposals for the same local identifier are dropped) and checks that the
catalogue still replays; ``reject`` drops a proposal. Exit codes: 0 done,
1 (``list``) some proposal awaits confirmation, 2 no such proposal, an
invalid identifier or code, no catalogue folder, or a catalogue that would
no longer replay (nothing is written then).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tthc.cli._common import dump_json

__all__ = ["register"]

_EXIT_OK = 0
_EXIT_FINDINGS = 1
_EXIT_USAGE = 2


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``link list``, ``link confirm`` and ``link reject``."""
    group = subparsers.add_parser(
        "link",
        help="link procedures without a national code to their code",
        description="List, confirm or reject the proposed links between procedures kept "
        "without a national code (chưa có mã số) and a national code of the same name.",
    )
    commands = group.add_subparsers(dest="link_command", metavar="WHAT",
                                    parser_class=type(group))
    group.set_defaults(func=lambda args: _missing(group))

    p = commands.add_parser("list", parents=[common], help="list proposed and confirmed links",
                            description="List the links of the catalogue's links.toml. "
                            "Exit 1 when a proposal awaits confirmation.")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=_list)
    for name, verb in (("confirm", "confirm"), ("reject", "reject")):
        p = commands.add_parser(
            name, parents=[common], help=f"{verb} a proposed link",
            description=f"{verb.capitalize()} the proposal LOCAL → CODE in the catalogue's "
            "links.toml (the folder of --catalog or $TTHC_CATALOG).",
        )
        p.add_argument("local", metavar="LOCAL",
                       help="the local identifier (L:2020-08-03_1766-qd-ubnd:032)")
        p.add_argument("code", metavar="CODE", help="the national code (1.012345)")
        p.set_defaults(func=_confirm if name == "confirm" else _reject)


def _missing(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("tthc link: say what to do: list, confirm or reject", file=sys.stderr)
    return _EXIT_USAGE


def _folder(args: argparse.Namespace) -> Path | None:
    import os

    from tthc.catalog import CATALOG_ENV

    folder = getattr(args, "catalog", None) or os.environ.get(CATALOG_ENV, "").strip()
    if not folder:
        print("tthc link: needs the catalogue folder (--catalog DIR or $TTHC_CATALOG)",
              file=sys.stderr)
        return None
    return Path(folder)


def _list(args: argparse.Namespace) -> int:
    from tthc.catalog import read_catalog, resolve_catalog_path
    from tthc.codes import code_label

    links = read_catalog(resolve_catalog_path(args.catalog)).links
    if args.format == "json":
        sys.stdout.write(dump_json({"links": [
            {"local": link.local, "code": link.code, "name": link.name, "source": link.source,
             "status": link.status} for link in links]}))
    else:
        for link in links:
            print(f"{link.status:<9}  {link.local} ({code_label(link.local)}) → {link.code}  "
                  f"{link.name}  [{link.source}]")
        waiting = sum(not link.confirmed for link in links)
        print(f"{len(links)} link(s), {waiting} awaiting confirmation")
    return _EXIT_FINDINGS if any(not link.confirmed for link in links) else _EXIT_OK


def _change(args: argparse.Namespace, *, confirm: bool) -> int:
    from tthc import codes
    from tthc._io import atomic_write
    from tthc.catalog import Catalog, read_catalog
    from tthc.links import LINKS_FILE, confirm_link, dumps_links

    folder = _folder(args)
    if folder is None:
        return _EXIT_USAGE
    what = "confirm" if confirm else "reject"
    if not codes.is_local_id(args.local):
        print(f"tthc link {what}: {args.local!r} is not a local identifier "
              "(L:<date>_<number>:<row>, as 'tthc list' shows it)", file=sys.stderr)
        return _EXIT_USAGE
    if not codes.is_national(args.code):
        print(f"tthc link {what}: {args.code!r} is not a national code (d.dddddd)",
              file=sys.stderr)
        return _EXIT_USAGE
    files = read_catalog(folder)
    try:
        if confirm:
            links = confirm_link(files.links, args.local, args.code)
        else:
            kept = tuple(link for link in files.links
                         if (link.local, link.code) != (args.local, args.code) or link.confirmed)
            if len(kept) == len(files.links):
                raise LookupError(f"no proposed link {args.local} → {args.code}")
            links = kept
    except LookupError as exc:
        print(f"tthc link {what}: {exc.args[0]}", file=sys.stderr)
        return _EXIT_USAGE
    if confirm:
        # The catalogue must still replay with the link (raises LifecycleError: exit 2).
        Catalog(files.unit, files.decisions, sources=files.sources, links=links,
                sector_overrides=files.sector_overrides)
    atomic_write(folder / LINKS_FILE, dumps_links(links), force=True)
    done = "confirmed" if confirm else "rejected"
    print(f"{done}: {args.local} → {args.code} ({folder / LINKS_FILE})")
    return _EXIT_OK


def _confirm(args: argparse.Namespace) -> int:
    return _change(args, confirm=True)


def _reject(args: argparse.Namespace) -> int:
    return _change(args, confirm=False)

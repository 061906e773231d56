"""Fuzz tthc's parsers for a long while and report how many inputs each one took.

Each target feeds one parser (or a reader and what consumes its result)
with inputs made by a fuzzer from seeds taken from the real data and the
example catalogue, and fails only if an exception other than a
:class:`~tthc.errors.TthcError` escapes (for the TOML reader: if its fast
path and :mod:`tomllib` disagree). The engine is Atheris (coverage-guided
libFuzzer, ``pip install atheris``) when it is installed, else a plain
random-mutation loop over the same seeds. Each target runs in its own
process; a crash is reported with its traceback and the input is kept.

Usage::

    python scripts/fuzz.py                      # every target, ~1,000,000 inputs
    python scripts/fuzz.py --scale 0.01         # a quick run (1 % of the budget)
    python scripts/fuzz.py --targets fee,codes --engine random
    python scripts/fuzz.py --list

The report gives the inputs tried per target and in total, the time taken,
and every crash. The exit code is 1 if any target crashed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "real"
EXAMPLE = REPO / "catalog"
PORTAL = DATA / "portal_exports" / "danh-sach-tthc-BoTuPhap.xlsx"

#: Inputs per target for a full run (about 1,000,000 in all), and the largest input.
BUDGET: dict[str, tuple[int, int]] = {
    "codes": (250_000, 256),
    "text": (200_000, 1024),
    "decode-bytes": (150_000, 4096),
    "processing-time": (130_000, 1024),
    "fee": (130_000, 1024),
    "toml": (60_000, 8192),
    "timestamps": (60_000, 128),
    "appendix-rows": (30_000, 8192),
    "portal-rows": (25_000, 8192),
    "listing-text": (12_000, 8192),
    "dossier-log": (6_000, 8192),
    "catalog": (6_000, 8192),
    "listing-zip": (3_000, 65_536),
    "xlsx-sheet": (1_500, 131_072),
    "docx-body": (1_500, 131_072),
}


# --------------------------------------------------------------------------- seeds


def _column(name: str, column: str) -> list[str]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle) if row.get(column)]


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def seeds(target: str) -> list[bytes]:
    """The real inputs the fuzzer starts from, for *target*."""
    listings = EXAMPLE / "listings"
    texts = {
        "codes": [*_column("real_procedures.csv", "code"), "1.000948.H38",
                  "2.000815.000.00.00.H55", " 1,004227 ", "１.００４２２７"],
        "text": _column("real_procedures.csv", "name")[:200],
        "processing-time": _column("real_procedures.csv", "processing_time_text")
        + _column("decision_appendix_extracts.csv", "processing_time_text"),
        "fee": _column("real_procedures.csv", "fee_text")
        + _column("decision_appendix_extracts.csv", "fee_text"),
        "timestamps": ["2019-03-04 09:15", "04/03/2019 16:45", "16h45 04/03/2019",
                       "2019-03-04T02:15:00+00:00", "43466", "31/12/9999 23:59"],
    }
    if target in texts:
        return [t.encode("utf-8") for t in dict.fromkeys(texts[target])]
    if target == "decode-bytes":
        from tthc.legacy import encode_legacy

        names = _column("real_procedures.csv", "name")[:40]
        out = [n.encode("utf-8") for n in names] + [n.encode("utf-16") for n in names[:5]]
        for encoding in ("tcvn3", "vni", "cp1258"):
            out += [encode_legacy(n, encoding, errors="replace").encode("cp1252", "replace")
                    for n in names[:15]]
        return out
    if target in ("toml", "catalog"):
        return [p.read_bytes()[:8192] for p in sorted((EXAMPLE / "decisions").rglob("*.toml"))]
    if target in ("appendix-rows", "portal-rows", "listing-text"):
        files = [DATA / "decision_appendix_extracts.csv", DATA / "public_listing_extracts.csv",
                 DATA / "real_procedures.csv"]
        files += sorted(p for p in listings.iterdir() if p.suffix in (".csv", ".md", ".txt"))
        return [p.read_bytes()[:8192] for p in files]
    if target == "dossier-log":
        data = (EXAMPLE / "dossiers-2019.csv").read_bytes()
        return [data[:2000], data[:8000]]
    if target == "listing-zip":
        return [p.read_bytes() for p in (listings / "huyen.xlsx", listings / "xa-cuc-lam.docx",
                                          PORTAL)]
    if target == "xlsx-sheet":
        return [_member(listings / "huyen.xlsx", "xl/worksheets/sheet1.xml"),
                _member(PORTAL, "xl/worksheets/sheet1.xml")]
    if target == "docx-body":
        return [_member(listings / "xa-cuc-lam.docx", "word/document.xml")]
    raise KeyError(target)


# --------------------------------------------------------------------------- targets


class Crash(Exception):
    """An input made a parser fail in a way it does not document."""


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_text(data).replace("\x00", ""), newline="")))


def _rezip(base: Path, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename,
                            content if info.filename == member else source.read(info.filename))
    return out.getvalue()


class Targets:
    """The fuzz targets: each takes the bytes of one input."""

    def __init__(self, workdir: Path) -> None:
        from tthc.catalog import load_catalog

        self.workdir = workdir
        self.example = load_catalog(EXAMPLE)
        self.catalog_dir = workdir / "catalog"
        (self.catalog_dir / "decisions").mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLE / "unit.toml", self.catalog_dir / "unit.toml")
        shutil.copy(EXAMPLE / "decisions" / "2016" / "2016-03-10_396-qd-ubnd.toml",
                    self.catalog_dir / "decisions" / "first.toml")

    def get(self, name: str) -> Callable[[bytes], None]:
        return getattr(self, "t_" + name.replace("-", "_"))  # type: ignore[no-any-return]

    def _file(self, data: bytes, suffix: str) -> Path:
        path = self.workdir / f"input{suffix}"
        path.write_bytes(data)
        return path

    # --- text parsers

    def t_codes(self, data: bytes) -> None:
        from tthc import codes

        text = _text(data)
        codes.compact(text)
        valid = codes.is_valid(text)
        try:
            parsed = codes.parse(text)
        except codes.InvalidCode:
            if valid:
                raise Crash("is_valid() says yes, parse() says no") from None
            return
        if not valid or codes.parse(str(parsed)) != parsed:
            raise Crash(f"{text!r}: parse is not stable ({parsed})")

    def t_text(self, data: bytes) -> None:
        import unicodedata

        from tthc.text import fold, match_key, nfc, strip_marks

        text = _text(data)
        if not unicodedata.is_normalized("NFC", nfc(text)):
            raise Crash("nfc() did not normalise")
        fold(text), match_key(text), strip_marks(text)

    def t_decode_bytes(self, data: bytes) -> None:
        from tthc.legacy import decode_bytes, decode_legacy, detect_legacy

        text, _encoding = decode_bytes(data)
        detect_legacy(text)
        for encoding in ("tcvn3", "vni", "cp1258"):
            decode_legacy(text, encoding)

    def t_processing_time(self, data: bytes) -> None:
        from tthc.proctime import parse_processing_time, to_working_days, to_working_hours

        pt = parse_processing_time(_text(data))
        to_working_days(pt), to_working_hours(pt)

    def t_fee(self, data: bytes) -> None:
        from tthc.feeparse import format_fee, parse_fee

        format_fee(parse_fee(_text(data)))

    def t_timestamps(self, data: bytes) -> None:
        import argparse

        from tthc.cli._common import parse_date
        from tthc.cli.dossier_cmds import parse_moment
        from tthc.dossiers import parse_timestamp

        text = _text(data)
        with contextlib.suppress(ValueError):  # documented
            parse_timestamp(text)
        for argument in (parse_date, parse_moment):
            with contextlib.suppress(argparse.ArgumentTypeError):  # documented: a usage error
                argument(text)

    def t_toml(self, data: bytes) -> None:
        import tomllib

        from tthc._io import TomlSyntaxError, read_toml

        text = _text(data)
        try:
            expected: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            expected = "error"
        try:
            found: Any = read_toml(text)
        except TomlSyntaxError:
            found = "error"
        if expected != found:
            raise Crash(f"read_toml and tomllib disagree on {text[:200]!r}")

    # --- catalogues

    def t_catalog(self, data: bytes) -> None:
        from tthc.catalog import Catalog, check_catalog, load_catalog

        (self.catalog_dir / "decisions" / "x.toml").write_bytes(data)
        try:
            loaded: Catalog | None = load_catalog(self.catalog_dir)
        except Exception as exc:
            if not _documented(exc):
                raise
            loaded = None
        problems = check_catalog(self.catalog_dir)
        errors = [p for p in problems if p.severity == "error"]
        if (loaded is None) != bool(errors):
            raise Crash("load_catalog and check_catalog disagree")
        if loaded is not None:
            loaded.as_of(date(2019, 12, 31)).entries()

    # --- tables in memory

    def t_appendix_rows(self, data: bytes) -> None:
        from tthc.importers import parse_appendix

        parse_appendix(_rows(data), number="1766/QĐ-UBND", issuer="Chủ tịch UBND tỉnh X",
                       signed=date(2020, 8, 3))

    def t_portal_rows(self, data: bytes) -> None:
        from tthc.importers import diff_portal, parse_portal_rows, seed_decision

        export = parse_portal_rows(_rows(data))
        if export.header:
            diff_portal(export, self.example, date(2019, 12, 31))
            seed_decision(export, number="1/QĐ-UBND", issuer="x", signed=date(2020, 1, 1),
                          default_levels=("commune",))

    def t_dossier_log(self, data: bytes) -> None:
        from tthc.dossiers import check_dossiers, parse_dossier_log

        log = parse_dossier_log(_text(data))
        report = check_dossiers(self.example, log, default_desk="xa-tung-lam")
        report.as_dict(["desk", "level", "field", "month"])

    # --- files

    def _listing(self, path: Path) -> None:
        from tthc.audit import audit
        from tthc.listing import read_listing

        listing = read_listing(path)
        report = audit(self.example, {"xa-tung-lam": listing}, date(2019, 12, 31))
        report.to_text(), report.to_json()

    def t_listing_text(self, data: bytes) -> None:
        suffix = (".csv", ".txt", ".md", ".tsv")[data[0] % 4] if data else ".csv"
        path = self._file(data, suffix)
        self._each(path)

    def t_listing_zip(self, data: bytes) -> None:
        self._each(self._file(data, ".xlsx"))

    def t_xlsx_sheet(self, data: bytes) -> None:
        base = EXAMPLE / "listings" / "huyen.xlsx" if len(data) % 2 else PORTAL
        self._each(self._file(_rezip(base, "xl/worksheets/sheet1.xml", data), ".xlsx"))

    def t_docx_body(self, data: bytes) -> None:
        base = EXAMPLE / "listings" / "xa-cuc-lam.docx"
        self._each(self._file(_rezip(base, "word/document.xml", data), ".docx"))

    def _each(self, path: Path) -> None:
        """Every file reader on *path*; each may refuse it with a tthc error."""
        from tthc.dossiers import read_dossier_log
        from tthc.importers import read_appendix, read_portal_export

        readers: list[Callable[[], object]] = [
            lambda: self._listing(path),
            lambda: read_dossier_log(path),
            lambda: read_portal_export(path),
            lambda: read_appendix(path, number="1/QĐ-UBND", issuer="x", signed=date(2020, 1, 1)),
        ]
        for read in readers:
            try:
                read()
            except Exception as exc:
                if not _documented(exc):
                    raise


def _documented(exc: BaseException) -> bool:
    from tthc.errors import TthcError

    return isinstance(exc, TthcError)


def run_one(targets: Targets, name: str, data: bytes) -> None:
    """Run target *name* on *data*; raise if an undocumented exception escapes."""
    try:
        targets.get(name)(data)
    except Exception as exc:
        if isinstance(exc, Crash) or not _documented(exc):
            raise


# --------------------------------------------------------------------------- engines


def _mutate(rng: random.Random, data: bytes, pool: list[bytes], max_len: int) -> bytes:
    """A libFuzzer-like mutation: flips, inserts, deletions, splices, interesting bytes."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        action = rng.randrange(8)
        at = rng.randrange(len(out) + 1)
        if action == 0 and out:
            out[min(at, len(out) - 1)] ^= 1 << rng.randrange(8)
        elif action == 1:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif action == 2:
            del out[at:at + rng.randint(1, 32)]
        elif action == 3:
            other = rng.choice(pool)
            start = rng.randrange(len(other) + 1)
            out[at:at] = other[start:start + rng.randint(1, 64)]
        elif action == 4:
            out[at:at] = rng.choice((b"\x00", b"\xff", b"\xc3", b"\xe2\x80", b"<", b">", b'"',
                                     b"=", b"[[", b"]", b"\n", b",", b";", b"\t", b"\r\n",
                                     b"9" * 20, b"-", b"/", b"\\u0000", "ạ".encode()))
        elif action == 5 and out:
            del out[at:]
        elif action == 6 and len(out) > 2:
            a, b = sorted(rng.sample(range(len(out)), 2))
            out[a:b] = out[a:b][::-1]
        else:
            piece = out[at:at + rng.randint(1, 16)]
            out[at:at] = piece * rng.randint(1, 4)
    return bytes(out[:max_len])


def random_worker(name: str, runs: int, seed: int, out: Path) -> int:
    """The plain engine: mutate the seeds at random; stop at the first crash."""
    warnings.simplefilter("ignore")
    rng = random.Random(seed)
    pool = seeds(name) or [b""]
    max_len = BUDGET[name][1]
    with tempfile.TemporaryDirectory(prefix=f"tthc-fuzz-{name}-") as work:
        targets = Targets(Path(work))
        for count in range(1, runs + 1):
            base = rng.choice(pool)
            data = base[:max_len] if count <= len(pool) else _mutate(rng, base, pool, max_len)
            try:
                run_one(targets, name, data)
            except Exception:
                crash = out / f"crash-{name}-{count}.bin"
                crash.write_bytes(data)
                import traceback

                traceback.print_exc()
                print(f"CRASH after {count} runs: input kept in {crash}", file=sys.stderr)
                return 1
            if rng.random() < 0.05 and len(pool) < 2000:
                pool.append(data)  # keep some mutants as new starting points
        print(f"Done {runs} runs", file=sys.stderr)
    return 0


def atheris_worker(name: str, runs: int, seed: int, out: Path) -> None:
    """The Atheris engine: coverage-guided, with tthc's own code instrumented."""
    import atheris

    warnings.simplefilter("ignore")
    # The parsers and what reads their results; not the calendar and the renderers, whose
    # tight loops would only slow every input down.
    parsers = ["tthc.codes", "tthc.text", "tthc.legacy", "tthc.proctime", "tthc.feeparse",
               "tthc.fees", "tthc.listing", "tthc.importers", "tthc.dossiers", "tthc._io",
               "tthc._serde", "tthc.catalog", "tthc.lifecycle", "tthc.decision", "tthc.audit",
               "tthc.matching", "tthc.posting", "tthc.cli"]
    with atheris.instrument_imports(include=parsers):
        import tthc.audit
        import tthc.catalog
        import tthc.cli.dossier_cmds
        import tthc.dossiers
        import tthc.feeparse
        import tthc.importers
        import tthc.legacy
        import tthc.listing
        import tthc.proctime  # noqa: F401
    work = Path(tempfile.mkdtemp(prefix=f"tthc-fuzz-{name}-"))
    targets = Targets(work)
    corpus = out / f"corpus-{name}"
    corpus.mkdir(parents=True, exist_ok=True)
    for index, data in enumerate(seeds(name)):
        (corpus / f"seed-{index}").write_bytes(data)

    def one_input(data: bytes) -> None:
        run_one(targets, name, data)

    argv = [sys.argv[0], str(corpus), f"-runs={runs}", f"-seed={seed}",
            f"-max_len={BUDGET[name][1]}", f"-artifact_prefix={out}/crash-{name}-",
            "-timeout=60", "-rss_limit_mb=3072", "-print_final_stats=1"]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


# --------------------------------------------------------------------------- driver

_DONE = re.compile(r"Done (\d+) runs")
_PROGRESS = re.compile(r"^#(\d+)\s", re.MULTILINE)


def _engine(choice: str) -> str:
    if choice != "auto":
        return choice
    try:
        import atheris  # noqa: F401
    except ImportError:
        return "random"
    return "atheris"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", default=",".join(BUDGET),
                        help="comma-separated targets (default: all)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every target's budget (1.0: about 1,000,000 inputs)")
    parser.add_argument("--engine", choices=("auto", "atheris", "random"), default="auto")
    parser.add_argument("--seed", type=int, default=20250901)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "tthc-fuzz",
                        help="where crashes and the corpus are kept")
    parser.add_argument("--list", action="store_true", help="list the targets and budgets")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    if args.list:
        for name, (runs, max_len) in BUDGET.items():
            print(f"{name:<16} {runs:>9,} inputs, up to {max_len:,} bytes")
        return 0
    engine = _engine(args.engine)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.worker:
        if engine == "atheris":
            atheris_worker(args.worker, args.runs, args.seed, args.out)
            return 0  # not reached: libFuzzer exits
        return random_worker(args.worker, args.runs, args.seed, args.out)

    names = [n.strip() for n in args.targets.split(",") if n.strip()]
    unknown = [n for n in names if n not in BUDGET]
    if unknown:
        parser.error(f"unknown target(s): {', '.join(unknown)}")
    print(f"engine: {engine}; output: {args.out}", flush=True)
    total = 0
    crashes: list[str] = []
    started = time.monotonic()
    for name in names:
        runs = max(1, round(BUDGET[name][0] * args.scale))
        began = time.monotonic()
        log_file = args.out / f"log-{name}.txt"
        with log_file.open("w", encoding="utf-8") as log_handle:  # progress shows as it runs
            done = subprocess.run(
                [sys.executable, __file__, "--worker", name, "--runs", str(runs),
                 "--engine", engine, "--seed", str(args.seed), "--out", str(args.out)],
                stdout=log_handle, stderr=subprocess.STDOUT, check=False,
                env={**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONWARNINGS": "ignore"},
            )
        log = log_file.read_text(encoding="utf-8", errors="replace")
        match = _DONE.search(log)
        if match and done.returncode == 0:
            tried = int(match.group(1))
            status = "ok"
        else:
            progress = [int(n) for n in _PROGRESS.findall(log)]
            tried = max(progress, default=0)
            status = f"CRASH (exit {done.returncode}; see {args.out / f'log-{name}.txt'})"
            crashes.append(f"{name}:\n{_crash_excerpt(log)}")
        total += tried
        print(f"{name:<16} {tried:>10,} inputs {time.monotonic() - began:>8.1f} s  {status}",
              flush=True)
    elapsed = time.monotonic() - started
    print(f"{'total':<16} {total:>10,} inputs {elapsed:>8.1f} s  "
          f"{len(crashes)} crash(es)", flush=True)
    for crash in crashes:
        print("\n" + crash)
    return 1 if crashes else 0


def _crash_excerpt(log: str) -> str:
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if "Uncaught Python exception" in line or "Traceback" in line or "CRASH" in line:
            return "\n".join(lines[index:index + 40])
    return "\n".join(lines[-40:])


if __name__ == "__main__":
    raise SystemExit(main())

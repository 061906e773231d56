"""Packaging: the version, a light import, and the wheel with its embedded example catalogue."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import tthc

REPO = Path(__file__).resolve().parents[1]


def test_version_is_the_installed_metadata() -> None:
    """tthc.__version__ comes from the installed distribution's metadata."""
    assert metadata.version("tthc") == tthc.__version__


def test_import_is_light() -> None:
    """Importing tthc loads none of the heavy writers or readers."""
    code = (
        "import sys, tthc; "
        "heavy = [m for m in ('openpyxl', 'docx', 'jinja2', 'rapidfuzz', 'holidays', 'numpy') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)

    assert "" == result.stdout.strip()


@pytest.fixture(name="wheel", scope="module")
def _wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("tthc-*.whl")
    return wheel


def test_wheel_ships_the_example_catalogue(wheel: Path) -> None:
    """The wheel carries catalog/ as tthc/example_catalog, decisions and listings included."""
    names = zipfile.ZipFile(wheel).namelist()

    assert "tthc/example_catalog/unit.toml" in names
    assert any(n.startswith("tthc/example_catalog/decisions/2019/") for n in names)
    assert "tthc/py.typed" in names


@pytest.mark.slow
def test_installed_wheel_runs_validate_and_audit(wheel: Path, tmp_path: Path) -> None:
    """In a fresh virtual environment, the installed wheel validates and audits its example."""
    env_dir = tmp_path / "venv"
    # A fresh environment: the wheel and its dependencies, as a user would install them.
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   capture_output=True)
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TTHC_CATALOG")}
    where = subprocess.run(
        [str(python), "-c", "import tthc, pathlib; print(pathlib.Path(tthc.__file__).parent)"],
        capture_output=True, text=True, check=True, cwd=tmp_path, env=clean_env,
    ).stdout.strip()
    assert str(env_dir) in where  # the wheel's copy, not the source tree

    tthc_cmd = env_dir / "bin" / "tthc"
    validate = subprocess.run([str(tthc_cmd), "validate"], capture_output=True, text=True,
                              cwd=tmp_path, env=clean_env, check=False)
    assert 0 == validate.returncode, validate.stderr
    assert "example_catalog" in validate.stdout

    audit = subprocess.run([str(tthc_cmd), "audit"], capture_output=True, text=True,
                           cwd=tmp_path, env=clean_env, check=False)
    assert audit.returncode in (0, 1), audit.stderr
    assert "Traceback" not in audit.stderr

"""What `pip install warroom` installs: every package, and the files they read at run time."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def folder_of(package: str) -> Path:
    """Where a package's sources are, by pyproject's package-dir."""
    mapped = SETUPTOOLS["package-dir"]
    for prefix in sorted(mapped, key=len, reverse=True):
        if prefix and (package == prefix or package.startswith(prefix + ".")):
            return ROOT / mapped[prefix] / package[len(prefix) + 1 :].replace(".", "/")
    return ROOT / mapped[""] / package.replace(".", "/")


def test_every_package_in_src_is_installed():
    on_disk = {
        ".".join(init.parent.relative_to(ROOT / "src").parts)
        for init in (ROOT / "src").rglob("__init__.py")
    }
    assert on_disk <= set(SETUPTOOLS["packages"]), on_disk - set(SETUPTOOLS["packages"])


def files_of(folder: Path):
    """A package's files: its folder's, and those of its subfolders that are no packages."""
    for path in folder.iterdir():
        if path.is_file():
            yield path
        elif path.name != "__pycache__" and not (path / "__init__.py").exists():
            yield from files_of(path)


def test_every_file_a_package_reads_is_installed():
    data = SETUPTOOLS["package-data"]
    for package in SETUPTOOLS["packages"]:
        folder = folder_of(package)
        assert folder.is_dir(), package
        shipped = {path for pattern in data.get(package, []) for path in folder.glob(pattern)}
        modules = set(folder.glob("*.py"))  # setuptools ships these by itself
        for path in set(files_of(folder)) - modules:
            assert path in shipped, f"{path.relative_to(ROOT)} is not in package-data"

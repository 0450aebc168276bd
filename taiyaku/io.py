"""Files the way taiyaku writes them: atomically, never half-written, with the usual permissions.

Every stage that writes a file (published corpora, glossaries, corrections, snapshots, findings) goes
through :func:`atomic_write` or :func:`write_files_atomically`.  Files are created with the mode the
process's umask gives a new file (0644 under the usual umask 022), not the private 0600 of a temporary file,
so that a web server or a colleague can read what taiyaku published.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

STAGING_SUFFIX = ".staging"


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux: /proc/self/status).

    Elsewhere it is read by setting and restoring it, which is only briefly wrong for other threads.
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The mode ``open()`` would give a new file: 0o666 less the umask (0644 under umask 022)."""
    return 0o666 & ~current_umask()


def new_folder_mode() -> int:
    """The mode ``mkdir`` would give a new folder: 0o777 less the umask (0755 under umask 022)."""
    return 0o777 & ~current_umask()


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (created if missing) while the block runs.

    The lock is a ``flock`` on the folder itself: it leaves no lock file behind, and the kernel releases
    it when the holder exits in any way, ``kill -9`` included, so a crashed writer never blocks the next.
    """
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _fsync_folder(folder: Path) -> None:
    """Make the renames and removals in ``folder`` durable, in the order they were made."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write ``path`` via a temporary file in the same folder and a rename: never half-written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); the renamed file must read like any file the user writes.
        os.fchmod(fd, new_file_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _staging_pattern(out_dir: Path) -> re.Pattern[str]:
    """The names ``tempfile.mkdtemp`` gives the staging folders of ``out_dir`` (8 random characters), and
    only those: the staging folders of ``doc.v2`` are not those of ``doc``."""
    return re.compile(rf"\.{re.escape(out_dir.name)}\.[a-z0-9_]{{8}}{re.escape(STAGING_SUFFIX)}")


def _remove_stale_staging(out_dir: Path) -> None:
    """Remove the staging folders a killed publication of ``out_dir`` left behind.

    Called under the parent folder's lock, which every publication holds from creating its staging folder
    to removing it: any staging folder found then belongs to a process that no longer runs.
    """
    pattern = _staging_pattern(out_dir)
    for entry in out_dir.parent.iterdir():
        if pattern.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def write_files_atomically(
    out_dir: str | Path, files: Mapping[str, str | bytes], *, seal: str | None = None
) -> list[Path]:
    """Write a set of files into ``out_dir``: each file is whole, old or new, never half-written.

    All files are first written to a staging folder beside ``out_dir``; only when every one of them is
    complete are they moved into place (each move an atomic rename). A failure before that point leaves
    ``out_dir`` exactly as it was.

    ``seal`` names the file among ``files`` that marks the set complete (a manifest): it is removed from
    ``out_dir`` before the first rename and moved into place after the last one, so a process killed in
    between leaves a set without its seal, which a reader can tell from a whole one.

    Publications into one parent folder take turns (a lock on the parent folder), so two runs never
    interleave their renames; the staging folders of killed earlier publications are removed first.
    """
    out_dir = Path(out_dir)
    if seal is not None and seal not in files:
        raise ValueError(f"the seal {seal!r} is not one of the files to write")
    with folder_lock(out_dir.parent):
        _remove_stale_staging(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=STAGING_SUFFIX, dir=out_dir.parent))
        try:
            for name, content in sorted(files.items()):
                atomic_write(staging / name, content)
            out_dir.mkdir(exist_ok=True)
            if seal is not None:
                (out_dir / seal).unlink(missing_ok=True)
                _fsync_folder(out_dir)  # the seal is gone before any file changes, even after a power cut
            written = []
            for name in sorted(files, key=lambda name: (name == seal, name)):  # the seal last
                os.replace(staging / name, out_dir / name)
                written.append(out_dir / name)
            _fsync_folder(out_dir)
            return written
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def write_folder_atomically(out_dir: str | Path, files: Mapping[str, str | bytes]) -> Path:
    """Create the folder ``out_dir`` holding ``files`` (names may contain ``/``: sub-folders), as a whole:
    every file is written into a staging folder beside it, which is then renamed to ``out_dir`` in one
    step.  A reader sees no folder or the whole folder; a failure (or ``kill -9``) leaves no ``out_dir``.

    ``out_dir`` must not exist yet (:class:`FileExistsError` otherwise): what this writes is never replaced
    (a release, say).  Writers into one parent folder take turns, and stale staging folders are removed.
    """
    out_dir = Path(out_dir)
    for name in files:
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"not a relative file name inside the folder: {name!r}")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with folder_lock(out_dir.parent):
        _remove_stale_staging(out_dir)
        if out_dir.exists() or out_dir.is_symlink():
            raise FileExistsError(errno.EEXIST, "exists already", str(out_dir))
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=STAGING_SUFFIX, dir=out_dir.parent))
        try:
            os.chmod(staging, new_folder_mode())  # mkdtemp makes it private (0700)
            for name, content in sorted(files.items()):
                atomic_write(staging / name, content)
            for folder in sorted({staging, *(p.parent for p in staging.rglob("*") if p.is_file())}):
                _fsync_folder(folder)
            os.rename(staging, out_dir)
            _fsync_folder(out_dir.parent)
            return out_dir
        finally:
            shutil.rmtree(staging, ignore_errors=True)

"""Reading input files that may be hostile: bounded, regular files only, YAML without aliases.

Every file g60rules reads — declarations, rulesets, waivers, baselines — goes through
:func:`read_bytes` / :func:`read_text`, and every YAML document through :func:`alias_line`.
Documented limits (docs/limits.md):

* a file must be a regular file (a FIFO would block the run, ``/dev/zero`` never ends, a directory
  is no file) of at most :data:`MAX_FILE_BYTES` bytes;
* a path that cannot be reached (symlink loop, a name component over 255 bytes, no permission) is
  refused with the operating system's reason;
* YAML aliases (``*name``) are refused: expanding them is unbounded (a 490-byte file can stand for
  billions of nodes), and no declaration or ruleset needs them.

Each refusal raises :class:`InputRefused` with a Chinese and an English reason; callers turn it
into a finding or a file:line error, never a crash or a hang.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from g60rules.findings import Finding

MAX_FILE_BYTES = 2 * 1024 * 1024
# what a workbook or Word document (a zip) may hold once unpacked: a 2 MB zip can unpack to gigabytes
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# a baseline lists every finding of a whole tree: JSON, cheap to parse
MAX_BASELINE_BYTES = 64 * 1024 * 1024

_ERRNO_REASONS = {
    errno.ELOOP: ("符号链接循环", "symbolic link loop"),
    errno.ENAMETOOLONG: ("路径中的名称超过 255 字节", "a name in the path is longer than 255 bytes"),
    errno.EACCES: ("没有读取权限", "permission denied"),
    errno.EPERM: ("没有读取权限", "permission denied"),
    errno.ENOENT: ("文件不存在", "no such file"),
    errno.ENOTDIR: ("路径中的某一级不是目录", "a component of the path is not a directory"),
    errno.EISDIR: ("是目录，不是文件", "is a directory, not a file"),
}


class InputRefused(Exception):
    """A file that is not read: ``zh`` and ``en`` say why, ``line`` where (1 unless a byte is to blame)."""

    def __init__(self, zh: str, en: str, line: int = 1):
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.line = line

    @property
    def reason(self) -> tuple[str, str]:
        return self.zh, self.en


def os_reason(exc: OSError) -> tuple[str, str]:
    """A (Chinese, English) reason for an operating-system error."""
    if exc.errno in _ERRNO_REASONS:
        return _ERRNO_REASONS[exc.errno]
    text = exc.strerror or type(exc).__name__
    return text, text


def read_bytes(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (default :data:`MAX_FILE_BYTES`). Raises InputRefused.

    The file is opened without blocking (a FIFO opens at once) and checked on the open descriptor,
    so a file swapped after the check cannot slip through.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputRefused(*os_reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("FIFO（命名管道）", "a FIFO (named pipe)") if stat.S_ISFIFO(info.st_mode) else (
                ("设备文件", "a device file") if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else (
                    ("目录", "a directory") if stat.S_ISDIR(info.st_mode) else ("特殊文件", "a special file")))
            raise InputRefused(f"不是普通文件，而是{kind[0]}", f"not a regular file but {kind[1]}")
        if info.st_size > limit:
            raise _too_large(info.st_size, limit)
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise _too_large(size, limit)
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise InputRefused(*os_reason(exc)) from None
    finally:
        os.close(fd)


def _too_large(size: int, limit: int) -> InputRefused:
    return InputRefused(f"文件大于 {size_text(limit)} 的上限（{size} 字节）",
                        f"the file is larger than the {size_text(limit)} limit ({size} bytes)")


def size_text(limit: int) -> str:
    """A byte count as written in docs/limits.md: whole MB, else bytes."""
    return f"{limit // (1024 * 1024)} MB" if limit % (1024 * 1024) == 0 else f"{limit} bytes"


def read_text(path: Path | str, limit: int | None = None) -> str:
    """A regular file as UTF-8 text (a byte-order mark is dropped). Raises InputRefused."""
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputRefused("不是 UTF-8 编码", f"not UTF-8 (byte {exc.start})", line) from None


def alias_line(root: yaml.Node | None, text: str) -> int | None:
    """The line of the first alias (``*name``) in a composed document, or None when it has none.

    Composition shares aliased nodes instead of copying them, so a walk that meets a node twice
    has found an alias without expanding anything (linear in the document's size).
    """
    if root is None:
        return None
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return _first_alias_token(text)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def _first_alias_token(text: str) -> int:
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken):
                return token.start_mark.line + 1
    except yaml.YAMLError:
        pass
    return 1


ALIAS_REASON = ("不允许使用 YAML 别名（*名称）；请把内容直接写出", "YAML aliases (*name) are not allowed; write the content out")


def display_path(path: Path | str) -> str:
    """A path as printable text: bytes that are not UTF-8 in a file name become ``\\xNN``."""
    text = os.fspath(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def resolved(path: Path) -> Path:
    """The absolute path with symbolic links resolved; as written when it cannot be (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def resolved_name(path: str) -> str:
    """:func:`resolved` as text, without building Path objects (a season has 100,000 files): the
    same string ``str(resolved(Path(path)))`` gives."""
    real = os.path.realpath(path)
    try:
        os.stat(real)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # Path.resolve raises on a loop: resolved() keeps the path as written
            return os.path.abspath(path)
    return real


def walk_files(paths: list[Path], suffixes: tuple[str, ...]) -> tuple[list[str], list[str], list[Finding]]:
    """Files to read under ``paths`` as text (sorted, de-duplicated by :func:`resolved_name`; each
    named as ``str(directory / name)`` names it), the paths skipped (shown), and a finding for each
    directory that could not be listed and one per folder holding files g60rules wrote
    (:mod:`g60rules.own_output`, with their number). Strings, not Path objects: 100,000 Paths hold
    about 80 MB. Hidden names and Office lock files (``~$x.xlsx``) are skipped, symlinked
    directories not followed (loops). Raises FileNotFoundError for a named path that does not exist.
    """
    from g60rules import findings as fc
    from g60rules.own_output import own_output

    files: list[str] = []
    ignored: list[str] = []
    problems: list[Finding] = []
    own: dict[str, int] = {}  # folder (as shown) → files of g60rules in it

    def mine(child: str) -> bool:
        if not own_output(Path(child)):
            return False
        folder = shown(os.path.dirname(child) or ".").rstrip("/") + "/"
        own[folder] = own.get(folder, 0) + 1
        return True

    def unlisted(exc: OSError) -> None:
        problems.append(fc.UNREADABLE.finding(shown(exc.filename or "?"), 1,
                                              reason=(f"目录无法列出：{os_reason(exc)[0]}",
                                                      f"cannot list the directory: {os_reason(exc)[1]}")))

    for path in paths:
        if path.is_dir():
            top = str(path)
            for root, dirs, names in os.walk(top, onerror=unlisted):
                base = root[2:] if top == "." else root  # Path(".") / "x" is "x": no "./" in names
                ignored.extend(shown(os.path.join(base, d)) + "/" for d in sorted(dirs) if d.startswith("."))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    child = os.path.join(base, name)
                    if name.startswith((".", "~$")):
                        ignored.append(shown(child))
                    elif mine(child):  # a report or letter written here earlier: counted, not read
                        continue
                    elif _suffix(name) in suffixes:
                        files.append(child)  # a broken link too: reading it becomes a finding
                    else:
                        ignored.append(shown(child))
        elif present(path) and mine(str(path)):
            continue
        elif present(path):
            files.append(str(path))  # reading it says why it cannot be read
        else:
            raise FileNotFoundError(display_path(path))
    problems += [fc.OWN_OUTPUT.finding(folder, 1, n=n, folder=folder) for folder, n in sorted(own.items())]
    seen: set[str] = set()
    unique = []
    for f in files:
        key = resolved_name(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, ignored, problems


def _suffix(name: str) -> str:
    """``Path(name).suffix.lower()`` of a plain file name."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def shown(path: Path | str) -> str:
    """A path as reports name it: relative to the working directory, printable (:func:`display_path`)."""
    try:
        return display_path(os.path.relpath(path))
    except ValueError:  # another drive (Windows)
        return display_path(path)


def present(path: Path) -> bool:
    """Whether something is at ``path`` (a broken link, a loop, an unreachable name count: reading says why)."""
    try:
        os.lstat(path)
    except OSError as exc:
        return exc.errno not in (errno.ENOENT, errno.ENOTDIR)
    return True

"""Opening a WARC given as a URI on an executor, without ever holding the file in memory.

``file://`` URIs are paths on the executor's own file system: the WARC reader opens them in place,
as it opens a plain path. Any other URI is streamed, a fixed-size chunk at a time, into a temporary
file on the executor's local disk (the spill), because the reader seeks: to resynchronise after a
damaged stretch and to check the tail of a .warc.gz. Memory stays at one chunk plus the record the
reader holds, whatever the size of the file.

The stream comes from pyarrow's file systems, Hadoop's own client among them: ``s3://``, ``s3a://``
and ``s3n://`` (S3, credentials from the usual AWS variables or the instance profile), ``gs://``
(Google Cloud Storage), ``hdfs://`` and ``viewfs://`` (libhdfs, which a Hadoop node has: set
``ARROW_LIBHDFS_DIR`` where it is not found). Other schemes go through fsspec when it is installed
(``abfs://``, ``az://``, ``http(s)://``...).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

CHUNK_BYTES = 1024 * 1024  # what the spill copies at a time: the only part of the file in memory
_S3_SCHEMES = ("s3a", "s3n")  # Hadoop's names for S3; pyarrow knows it as s3


def is_uri(value: str) -> bool:
    return "://" in value or value.startswith("file:")


def scheme(uri: str) -> str:
    return uri.split(":", 1)[0].lower() if ":" in uri else ""


def file_uri_path(uri: str) -> Path:
    """The local path of a ``file:`` URI (``file:///a/b``, ``file:/a/b`` as Hadoop spells it)."""
    return Path(unquote(urlsplit(uri).path))


@contextmanager
def local_warc(uri: str, spill_dir: str | None = None) -> Iterator[Path]:
    """A local, seekable path for ``uri``: the file itself for ``file:``, else a streamed spill
    (removed on exit). Raises OSError when the URI cannot be opened."""
    if scheme(uri) == "file":
        yield file_uri_path(uri)
        return
    folder = tempfile.mkdtemp(prefix="civicwatch-warc-", dir=spill_dir)
    try:
        local = Path(folder) / (uri.rstrip("/").rsplit("/", 1)[-1] or "input.warc")
        with open_stream(uri) as stream, local.open("wb") as sink:
            spill(stream, sink)
        yield local
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def spill(stream: BinaryIO, sink: BinaryIO, chunk: int | None = None) -> int:
    """Copy ``stream`` into ``sink`` a chunk at a time (``CHUNK_BYTES``); returns the bytes copied."""
    chunk = chunk or CHUNK_BYTES
    copied = 0
    while True:
        data = stream.read(chunk)
        if not data:
            return copied
        sink.write(data)
        copied += len(data)


@contextmanager
def open_stream(uri: str) -> Iterator[BinaryIO]:
    """A sequential binary stream of ``uri`` through pyarrow's file systems, else fsspec."""
    from pyarrow import fs

    target = "s3" + uri[len(scheme(uri)) :] if scheme(uri) in _S3_SCHEMES else uri
    try:
        filesystem, path = fs.FileSystem.from_uri(target)
    except Exception as pyarrow_error:  # pyarrow does not know the scheme, or its library is missing
        try:
            import fsspec
        except ImportError:
            raise OSError(f"no stream reader for {scheme(uri)}:// here ({pyarrow_error})") from pyarrow_error
        try:
            opened = fsspec.open(uri, "rb")
        except ValueError as exc:  # "Protocol not known": a scheme fsspec has no file system for either
            raise OSError(f"no stream reader for {scheme(uri)}:// here ({exc})") from exc
        with opened as handle:
            yield handle
        return
    try:
        stream = filesystem.open_input_stream(path, compression=None)  # the bytes as stored: offsets name records
    except Exception as exc:  # ArrowInvalid and friends, not only OSError: a read error for the caller
        raise OSError(str(exc)) from exc
    with stream:
        yield stream  # a pyarrow NativeFile reads like a binary file

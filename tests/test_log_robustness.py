"""Tuning logs under stress: a replay while a tuner writes, damaged meta.json and workload files, and
`sepgen logs` on every kind of path.

One short real tuning run (8 trials) provides the log; each test damages a copy of it.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sepgen
from sepgen import cli
from sepgen.cli import logs as logtool
from sepgen.codegen.build import schedule_plan
from sepgen.errors import LogError
from sepgen.ir.stages import DepthwiseConv, Geometry, Plan
from sepgen.targets.registry import get_target
from sepgen.tuning.lock import StageLock
from sepgen.tuning.logs import LogDir
from sepgen.tuning.options import TuneOptions
from sepgen.tuning.records import (META_FILE, RECORD_FILE, REJECTED_FILE, WORKLOAD_FILE, WORKLOAD_REJECTED_FILE,
                                   check_records, stage_workload)
from sepgen.tuning.replay import make_replay
from sepgen.tuning.tuner import tune_stage

ROOT = Path(__file__).resolve().parent.parent
HOST = get_target("host")


def _stage():
    return DepthwiseConv("conv", Geometry((1, 16, 20, 24), 16, (3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 16),
                         "w", None)


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    root = tmp_path_factory.mktemp("logs")
    tune_stage(0, _stage(), "float32", HOST, LogDir(root), TuneOptions(trials=8, batch=8, seed=0, progress=False))
    return root


@pytest.fixture
def log(tuned, tmp_path):
    """A fresh copy of the tuned log: (root, workload directory)."""
    root = tmp_path / "logs"
    shutil.copytree(tuned, root)
    d = LogDir(root).stage_dir(stage_workload(_stage(), "float32"), HOST)
    (d / ".lock").unlink(missing_ok=True)
    return root, d


def _replay(root):
    """Schedule the stage from the log at ``root``: (its source, the notes)."""
    st = _stage()
    spec = sepgen.ConvSpec.create(st.in_shape, (16, 16, 3, 3), stride=(1, 1), padding=((1, 1), (1, 1)),
                                  dilation=(1, 1), dtype="float32")
    params = {p: np.random.default_rng(0).standard_normal(s).astype("float32") for p, s in st.param_shapes().items()}
    replay, notes = make_replay(LogDir(root), "float32")
    return schedule_plan(Plan(spec, (st,), params), HOST, replay)[0].source, notes


def _logs(action, path, **kw) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = logtool.run(argparse.Namespace(action=action, path=str(path), **kw))
    return rc, out.getvalue()


def _cli(*argv) -> tuple[int, str]:
    """`sepgen ARGV` in this process: (exit status, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            rc = cli.main([str(a) for a in argv])
        except SystemExit as e:      # argparse
            rc = e.code
    return rc, err.getvalue()


def _files(d: Path) -> dict:
    return {p.name: p.read_bytes() for p in d.iterdir() if p.name != ".lock"}


# ---- a replay while a tuner holds the lock --------------------------------------------------------------

# "The tuner": takes the log's lock, appends the first part of a record line, says so, and on the word
# appends the rest and lets go.
_TUNER = """
import sys
sys.path.insert(0, {root!r})
from sepgen.tuning.logs import StageLock
d, line = sys.argv[1], open(sys.argv[2], "rb").read()
with StageLock(d):
    with open(d + "/{rec}", "ab") as f:
        f.write(line[:100]); f.flush()
        print("written", flush=True)
        sys.stdin.readline()
        f.write(line[100:] + b"\\n"); f.flush()
print("done", flush=True)
"""


@contextlib.contextmanager
def _tuner_writing(d: Path, tmp_path: Path):
    """A tuner process holding ``d``'s lock, half-way through appending a copy of its first record."""
    line = tmp_path / "line"
    line.write_bytes((d / RECORD_FILE).read_bytes().splitlines()[0])
    script = tmp_path / "tuner.py"
    script.write_text(_TUNER.format(root=str(ROOT), rec=RECORD_FILE))
    proc = subprocess.Popen([sys.executable, str(script), str(d), str(line)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "written"
        yield
        proc.stdin.write("go\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "done"
    finally:
        proc.communicate(timeout=60)


def test_replay_while_a_tuner_writes_leaves_the_log_alone(log, tmp_path):
    root, d = log
    before = check_records(d / RECORD_FILE).good
    with _tuner_writing(d, tmp_path):
        assert check_records(d / RECORD_FILE).bad, "the half-written line is there"
        files = _files(d)
        source, notes = _replay(root)
        assert source.startswith("tuned:") and notes == [], notes
        assert _files(d) == files, "a reader rewrote a log the tuner holds"
    chk = check_records(d / RECORD_FILE)
    assert chk.bad == [] and chk.good == before + 1, "the tuner's record was lost"
    assert not (d / REJECTED_FILE).exists()


def test_replay_while_a_tuner_writes_rebuilds_a_damaged_workload_in_memory_only(log, tmp_path):
    root, d = log
    (d / WORKLOAD_FILE).write_text('{"broken')
    with _tuner_writing(d, tmp_path):
        files = _files(d)
        source, notes = _replay(root)
        assert source.startswith("tuned:") and notes == [], notes
        assert _files(d) == files
    assert not (d / WORKLOAD_REJECTED_FILE).exists()


def test_distill_refuses_a_log_a_tuner_holds(log, tmp_path):
    _, d = log
    with _tuner_writing(d, tmp_path):
        files = _files(d)
        rc, err = _cli("logs", "distill", d)
        assert rc == 2 and err.count("\n") == 1 and err.startswith("sepgen: error: ") and "holds" in err, err
        assert _files(d) == files


def test_a_reader_of_an_unlocked_log_tidies_it(log):
    root, d = log
    good = check_records(d / RECORD_FILE).good
    with open(d / RECORD_FILE, "ab") as f:
        f.write(b'[0, [["cut sh')
    source, _ = _replay(root)
    assert source.startswith("tuned:")
    assert check_records(d / RECORD_FILE).bad == [] and check_records(d / RECORD_FILE).good == good
    assert "cut sh" in (d / REJECTED_FILE).read_text()


def test_the_lock_is_reentrant_in_its_thread_and_not_across_processes(tmp_path):
    with StageLock(tmp_path) as outer:
        with StageLock(tmp_path, blocking=False) as inner:
            assert outer.held and inner.held
        assert (tmp_path / ".lock").exists()
        probe = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from sepgen.tuning.logs import StageLock\n"
                 f"with StageLock({str(tmp_path)!r}, blocking=False) as l: print(l.held, l.why)")
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
        assert out.startswith("False another process")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.startswith("True")


# ---- meta.json: valid JSON, wrong shape ------------------------------------------------------------

def _robust_best(value):
    def edit(m):
        m["robust_best"] = value
        return m
    return edit


META_DAMAGE = {
    "a list": lambda m: [1],
    "robust_best a list": _robust_best(["0123456789abcdef"]),
    "robust_best a string": _robust_best("0123456789abcdef"),
    "robust_best key a number": _robust_best({"key": 7, "tuner_us": 1.0}),
    "robust_best tuner_us a string": lambda m: {**m, "robust_best": {**m["robust_best"], "tuner_us": "fast"}},
    "verified_best a list": lambda m: {**m, "verified_best": []},
}


@pytest.mark.parametrize("damage", list(META_DAMAGE), ids=lambda s: s.replace(" ", "-"))
def test_meta_of_the_wrong_shape_is_damage_not_a_crash(log, damage):
    root, d = log
    meta = json.loads((d / META_FILE).read_text())
    (d / META_FILE).write_text(json.dumps(META_DAMAGE[damage](meta)))
    rc, out = _logs("verify", d)
    assert rc == 1 and f"{META_FILE}: damaged" in out, out
    rc, out = _logs("list", root)
    assert rc == 0 and "records=8" in out and "damaged" in out, out
    rc, err = _cli("logs", "distill", d)
    assert rc == 2 and err.count("\n") == 1 and f"{META_FILE}: damaged" in err, err
    # compile falls back as for a meta.json that does not parse: the template's defaults, and a warning
    source, notes = _replay(root)
    assert source == "default"
    assert len(notes) == 1 and f"{META_FILE}: damaged" in notes[0] and "default knobs" in notes[0], notes


# ---- database_workload.json damaged ------------------------------------------------------------------

@pytest.mark.parametrize("damage", ['{"broken', "", '["only a hash"]\n'], ids=["cut", "empty", "wrong-shape"])
def test_a_damaged_workload_is_reported_and_rebuilt(log, damage):
    root, d = log
    original = (d / WORKLOAD_FILE).read_bytes()
    (d / WORKLOAD_FILE).write_text(damage)
    rc, out = _logs("verify", d)
    assert rc == 1 and WORKLOAD_FILE in out, out
    source, notes = _replay(root)
    assert source.startswith("tuned:") and notes == [], notes
    assert (d / WORKLOAD_FILE).read_bytes() == original, "the workload entry was not rebuilt as the tuner wrote it"
    if damage:
        aside = [json.loads(ln) for ln in (d / WORKLOAD_REJECTED_FILE).read_text().splitlines()]
        assert [a["text"] for a in aside] == [damage.strip()] and aside[0]["reason"]
    assert _logs("verify", d)[0] == 0
    assert _replay(root)[0].startswith("tuned:")


# ---- which paths `sepgen logs` reads ----------------------------------------------------------------

def test_logs_find_every_log_under_a_root_a_target_directory_or_a_workload(log):
    root, d = log
    peer = d.parent / "metaschedule-default" / "dense3x3"
    shutil.copytree(d, peer)
    for path, n in ((root, 2), (d.parent, 2), (d.parent / "metaschedule-default", 1), (d, 1), (peer, 1)):
        rc, out = _logs("verify", path)
        assert rc == 0 and out.count("ok  ") == n, (path, out)
        rc, out = _logs("list", path)
        assert rc == 0 and f"{n} workload log(s)" in out, (path, out)


@pytest.mark.parametrize("action", ["list", "verify", "distill"])
def test_logs_on_a_path_without_logs_is_an_error(tmp_path, action):
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_text("root:x:0:0\n")
    for path in (tmp_path / "empty", tmp_path / "file", tmp_path / "nothing"):
        rc, err = _cli("logs", action, path)
        assert rc == 2 and err.count("\n") == 1 and err.startswith("sepgen: error: no tuning logs"), err


@pytest.mark.parametrize("keep", [0, -3])
def test_distill_keep_below_one_is_refused(log, keep):
    _, d = log
    files = _files(d)
    with pytest.raises(LogError, match="--keep"):
        _logs("distill", d, keep=keep)
    rc, err = _cli("logs", "distill", d, "--keep", keep)
    assert rc == 2 and err.strip().endswith(str(keep)) and "keep" in err, err
    assert _files(d) == files


def test_distill_keeps_the_record_replay_ranks_first(log):
    """MetaSchedule ranks records by their mean time (and replay with it), not by the median."""
    root, d = log
    wl = stage_workload(_stage(), "float32")
    meta = json.loads((d / META_FILE).read_text())
    meta.pop("robust_best", None)
    (d / META_FILE).write_text(json.dumps(meta))
    lines = [json.loads(ln) for ln in (d / RECORD_FILE).read_text().splitlines()]
    for i, rec in enumerate(lines):   # 0: the fastest median, 1: the fastest mean
        rec[1][1] = [1e-5, 1e-5, 1e-3] if i == 0 else [2e-5] * 3 if i == 1 else [1e-3] * 3
    (d / RECORD_FILE).write_text("".join(json.dumps(rec) + "\n" for rec in lines))
    first = LogDir(root).ranked(wl, HOST)[0].key
    assert _logs("distill", d, keep=1)[0] == 0
    assert [r.key for r in LogDir(root).ranked(wl, HOST)] == [first]


def test_default_log_root_of_an_installed_package(tmp_path, monkeypatch):
    """In the source tree the committed logs are the default; sepgen installed from a wheel (no source tree
    next to the package) uses the cache directory instead of writing into site-packages."""
    import sepgen.tuning.logs as L

    monkeypatch.delenv("SEPGEN_LOG_DIR", raising=False)
    assert L.default_log_root() == Path(L.__file__).resolve().parents[2] / "tuning_logs"
    site = tmp_path / "site-packages" / "sepgen" / "tuning"
    site.mkdir(parents=True)
    monkeypatch.setattr(L, "__file__", str(site / "logs.py"))
    monkeypatch.setenv("SEPGEN_CACHE_DIR", str(tmp_path / "cache"))
    assert L.default_log_root() == tmp_path / "cache" / "tuning_logs"
    monkeypatch.setenv("SEPGEN_LOG_DIR", str(tmp_path / "mine"))
    assert L.default_log_root() == tmp_path / "mine"

"""The benchmark machinery (``sepgen bench``) on tiny problems: structure, correctness of every peer, files.

Nothing here asserts a timing: latencies only have to be positive finite numbers.
The MetaSchedule peer's replay is checked on a hand-written one-record log (tuning
it for real takes minutes; ``sepgen bench SUITE --tune-peers N`` does that).
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from sepgen.bench import suite as bench
from sepgen.bench.metaschedule import direct_stage, peer_log_dir, write_peer_meta
from sepgen.bench.peers import dw_pw_factors, rank1_factors
from sepgen.errors import SpecError
from sepgen.ir.spec import ConvSpec
from sepgen.ir.workloads import WORKLOADS, Workload, _dwpw_weight, _gauss1d

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _finite_positive(v) -> bool:
    return isinstance(v, float) and math.isfinite(v) and v > 0


def _check_row(row, max_err=1e-4):
    for key in ("name", "sepgen_us", "peers", "roofline_us", "max_rel_err", "tuned", "plan", "missing_peers"):
        assert key in row, key
    assert isinstance(row["name"], str) and isinstance(row["plan"], str) and row["plan"]
    assert isinstance(row["tuned"], bool)
    assert _finite_positive(row["sepgen_us"])
    assert _finite_positive(row["roofline_us"])
    assert "torch" in row["peers"]
    for name, us in row["peers"].items():
        assert _finite_positive(us), (name, us)
    assert 0 <= row["max_rel_err"] < max_err
    for name, err in row["peer_max_rel_err"].items():
        assert 0 <= err < max_err, (name, err)
    for name, why in row["missing_peers"].items():
        assert name not in row["peers"] and isinstance(why, str) and why


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory):
    """The whole path (compile, peers, rounds, table, JSON, PNG) on one small named workload."""
    out = tmp_path_factory.mktemp("bench")
    json_path = out / "tiny.json"
    lines = []

    class Sink:
        def write(self, s):
            lines.append(s)

        def flush(self):
            pass

    # an empty log root: sepgen runs untuned, the MetaSchedule peer is missing (with the reason)
    res = bench.run_suite([WORKLOADS["mobilenet_v1_dw_6"]], reps=3, log_dir=out / "logs", json_path=json_path,
                          suite="tiny", out=Sink())
    return res, json_path, "".join(lines)


def test_json_structure(tiny_result):
    res, json_path, _ = tiny_result
    data = json.loads(json_path.read_text())
    assert data == json.loads(json.dumps(res))
    assert data["suite"] == "tiny"
    m = data["machine"]
    for key in ("cpu_model", "llvm_cpu", "cores", "torch_version", "tvm_version", "sepgen_version", "threads"):
        assert key in m, key
    assert m["threads"] >= 1
    assert [r["name"] for r in data["rows"]] == ["mobilenet_v1_dw_6"]
    row = data["rows"][0]
    _check_row(row)
    assert row["plan"] == "depthwise"
    assert row["tuned"] is False                         # no log in the empty root
    assert "metaschedule" in row["missing_peers"] and "no MetaSchedule log" in row["missing_peers"]["metaschedule"]
    assert set(data["geomean_speedup"]) == set(row["peers"])


def test_geomean_consistent_with_rows(tiny_result):
    res, _, _ = tiny_result
    for peer, gm in res["geomean_speedup"].items():
        ratios = [r["peers"][peer] / r["sepgen_us"] for r in res["rows"] if peer in r["peers"]]
        assert ratios
        assert gm == pytest.approx(math.exp(sum(math.log(v) for v in ratios) / len(ratios)), rel=1e-9)


def test_png_and_table(tiny_result):
    _, json_path, text = tiny_result
    png = json_path.with_suffix(".png")
    assert png.exists() and png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 1000
    assert "mobilenet_v1_dw_6" in text and "geomean" in text and "torch" in text


def test_geomean_speedups_unit():
    rows = [{"sepgen_us": 10.0, "peers": {"torch": 20.0, "metaschedule": 5.0}},
            {"sepgen_us": 10.0, "peers": {"torch": 80.0}}]
    gm = bench.geomean_speedups(rows)
    assert gm["torch"] == pytest.approx(4.0)
    assert gm["metaschedule"] == pytest.approx(0.5)
    assert list(gm) == ["torch", "metaschedule"]


def test_factorizations():
    rng = np.random.default_rng(0)
    g = _gauss1d(7, 1.5)
    facs, err = rank1_factors(np.einsum("i,j,k->ijk", g, g, -g))
    assert err < 1e-12 and len(facs) == 3
    recon = np.einsum("i,j,k->ijk", *facs)
    assert np.allclose(recon, np.einsum("i,j,k->ijk", g, g, -g))
    assert rank1_factors(rng.standard_normal((5, 5)))[1] > 0.1
    w = _dwpw_weight(rng, 6, 5, (3, 3))
    d, p, err = dw_pw_factors(w)
    assert d.shape == (6, 1, 3, 3) and p.shape == (5, 6, 1, 1) and err < 1e-12
    assert np.allclose(p.reshape(5, 6, 1, 1) * d.reshape(1, 6, 3, 3), w)
    assert dw_pw_factors(rng.standard_normal((5, 6, 3, 3)))[2] > 0.1


def _wl(name, spec, make):
    return Workload(name, "test", spec, name, make)


def test_filter_peers_2d():
    """A small Gaussian image: OpenCV and SciPy peers all apply and agree with torch."""
    g = _gauss1d(7, 1.5)
    wl = _wl("g2d", ConvSpec.create((1, 1, 40, 56), (1, 1, 7, 7), padding=3), lambda rng: (np.outer(g, g)[None, None], None))
    row = bench.bench_workload(wl, reps=2, log_dir=None)
    _check_row(row, max_err=1e-5)
    for peer in ("opencv_sepFilter2D", "opencv_filter2D", "scipy_separable", "scipy_correlate"):
        assert peer in row["peers"], row["missing_peers"]
    assert row["plan"] == "separable"


def test_filter_peers_3d_and_dwpw():
    g = _gauss1d(5, 1.0)
    wl3 = _wl("g3d", ConvSpec.create((1, 1, 12, 14, 16), (1, 1, 5, 5, 5), padding=2),
              lambda rng: (np.einsum("i,j,k->ijk", g, g, g)[None, None], None))
    row = bench.bench_workload(wl3, reps=2, log_dir=None)
    _check_row(row, max_err=1e-5)
    assert "scipy_separable" in row["peers"] and "opencv_filter2D" not in row["peers"]
    wl = _wl("dwpw", ConvSpec.create((1, 8, 10, 10), (12, 8, 3, 3), padding=1, bias=True),
             lambda rng: (_dwpw_weight(rng, 8, 12, (3, 3)), rng.standard_normal(12)))
    row = bench.bench_workload(wl, reps=2, log_dir=None)
    _check_row(row, max_err=1e-5)
    assert "torch_dw_pw" in row["peers"]
    dense = _wl("dense", ConvSpec.create((1, 8, 10, 10), (12, 8, 3, 3), padding=((1, 0), (0, 1))),
                lambda rng: (rng.standard_normal((12, 8, 3, 3)), None))
    row = bench.bench_workload(dense, reps=2, log_dir=None)
    _check_row(row, max_err=1e-5)
    assert "not depthwise x pointwise" in row["missing_peers"]["torch_dw_pw"]


def _hand_written_peer_log(root, wl, target):
    """A MetaSchedule peer log holding one record (one trivial schedule instruction: no tuning needed)."""
    import tvm
    from tvm.s_tir import meta_schedule as ms

    from sepgen.tuning.records import RECORD_FILE, WORKLOAD_FILE, stage_workload

    _, st = direct_stage(wl)
    swl = stage_workload(st, wl.spec.dtype)
    d = peer_log_dir(root, target, wl.name)
    d.mkdir(parents=True)
    db = ms.database.JSONDatabase(path_workload=str(d / WORKLOAD_FILE), path_tuning_record=str(d / RECORD_FILE),
                                  allow_missing=True, module_equality="structural")
    sch = tvm.s_tir.Schedule(swl.mod)
    sch.get_sblock(st.name)            # MetaSchedule ignores records with an empty trace
    wk = db.commit_workload(swl.mod)
    db.commit_tuning_record(ms.database.TuningRecord(sch.trace, wk, [1e-5], target.to_tvm(),
                                                     ms.arg_info.ArgInfo.from_prim_func(swl.mod["main"])))
    write_peer_meta(d, wl, swl, target, seed=0, trials_budget=1)
    return d


def test_metaschedule_peer_replay(tmp_path):
    from sepgen.targets.registry import get_target

    host = get_target("host")
    wl = _wl("tiny_dw", ConvSpec.create((1, 8, 12, 12), (8, 1, 3, 3), padding=1, groups=8),
             lambda rng: (rng.standard_normal((8, 1, 3, 3)), None))
    d = _hand_written_peer_log(tmp_path, wl, host)
    assert {p.name for p in d.iterdir()} == {"database_workload.json", "database_tuning_record.json", "meta.json"}
    row = bench.bench_workload(wl, reps=2, log_dir=tmp_path)
    _check_row(row, max_err=1e-5)
    assert "metaschedule" in row["peers"] and row["peer_info"]["metaschedule"]["trials"] == 1
    # a log from another TVM is stale: reported, never replayed
    meta = json.loads((d / "meta.json").read_text())
    meta["tvm_version"] = "0.0.1"
    (d / "meta.json").write_text(json.dumps(meta))
    row = bench.bench_workload(wl, reps=1, log_dir=tmp_path)
    assert "metaschedule" not in row["peers"] and "stale" in row["missing_peers"]["metaschedule"]


def test_cli_errors(capsys):
    from sepgen.cli import main

    with pytest.raises(SpecError):
        bench.suite_workloads("nope")
    assert main(["bench", "nope"]) == 2
    assert "unknown suite" in capsys.readouterr().err
    with pytest.raises(SpecError):
        bench.run_suite([WORKLOADS["mobilenet_v1_dw_6"]], reps=0)
    assert [w.name for w in bench.suite_workloads("dw-mobilenet")] == [f"mobilenet_v1_dw_{i}" for i in range(7)]


def test_peak_gflops_is_measured_and_falls_back(monkeypatch, tmp_path):
    """The FLOP peak of the rooflines is a compiled FMA kernel's throughput, not a vector-width formula
    (Zen 4 issues AVX-512 FMAs as two halves: the formula is 1.7x above what it can do); the best value
    measured on the machine is kept in a cache (a busy moment measures less); a corrupt cache is
    replaced; without a C compiler and a cache it is the formula."""
    import json

    from sepgen.targets.registry import host_preset
    from sepgen.tuning import roofline

    monkeypatch.setenv("SEPGEN_CACHE_DIR", str(tmp_path))
    cache = tmp_path / "machine_peaks.json"
    key = host_preset().key()

    def fresh():
        for f in (roofline.measured_peak_gflops, roofline.peak_gflops):
            f.cache_clear()

    fresh()
    try:
        m = roofline.measured_peak_gflops()
        assert m is not None and math.isfinite(m) and m > 0
        # the FLOP count is not a timing: an FMA loop can not beat cores x lanes x 2 pipes x 2 flops
        # at any clock below 6 GHz
        assert m < roofline._formula_gflops() * 2.0
        assert roofline.peak_gflops() == m                      # empty cache: this measurement
        assert json.loads(cache.read_text())[key]["fma_gflops"] == m
        fresh()
        cache.write_text(json.dumps({key: {"fma_gflops": 1e6}}))
        assert roofline.peak_gflops() == 1e6                    # a better earlier measurement wins
        fresh()
        cache.write_text("{not json")
        got = roofline.peak_gflops()                             # corrupt: ignored, then replaced
        assert got == roofline.measured_peak_gflops()
        assert json.loads(cache.read_text())[key]["fma_gflops"] == got
        fresh()
        cache.unlink()
        monkeypatch.setenv("CC", "/nonexistent/cc")
        assert roofline.measured_peak_gflops() is None
        assert roofline.peak_gflops() == roofline._formula_gflops()
        assert not cache.exists()                                # the formula is not a measurement
    finally:
        fresh()


def test_bandwidth_best_seen_is_kept(monkeypatch, tmp_path):
    """A copy bandwidth lower than one measured earlier on the machine does not replace it."""
    import json

    from sepgen.targets.registry import host_preset
    from sepgen.tuning import roofline

    monkeypatch.setenv("SEPGEN_CACHE_DIR", str(tmp_path))
    key = host_preset().key()
    roofline.measured_bandwidth_gbs.cache_clear()
    try:
        nbytes = 1 << 16
        m = roofline.measured_bandwidth_gbs(nbytes, reps=3)
        assert math.isfinite(m) and m > 0
        stored = json.loads((tmp_path / "machine_peaks.json").read_text())[key]
        assert stored[f"copy_gbs_{nbytes}"] == m
        roofline.measured_bandwidth_gbs.cache_clear()
        stored[f"copy_gbs_{nbytes}"] = m * 1000
        (tmp_path / "machine_peaks.json").write_text(json.dumps({key: stored}))
        assert roofline.measured_bandwidth_gbs(nbytes, reps=3) == m * 1000
    finally:
        roofline.measured_bandwidth_gbs.cache_clear()


def test_dw_valign_experiment_kernel_is_correct_and_uses_register_shuffles():
    """scripts/dw_valign_experiment.py's tensorized kernel (aligned rows, shifted vectors from shuffles)
    computes F.conv2d, and its assembly builds the shifted vectors with permutes, not shifted loads."""
    import importlib.util
    from pathlib import Path

    import torch
    import torch.nn.functional as F
    import tvm

    from sepgen.codegen.lowering import lower_stage
    from sepgen.passes.pipeline import choose_plan
    from sepgen.targets.registry import get_target

    path = Path(__file__).resolve().parent.parent / "scripts" / "dw_valign_experiment.py"
    spec_ = importlib.util.spec_from_file_location("dw_valign_experiment", path)
    mod = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(mod)
    c, h = 3, 32
    spec = ConvSpec.create((1, c, h, h), (c, 1, 3, 3), padding=1, groups=c)
    rng = np.random.default_rng(5)
    w = rng.standard_normal((c, 1, 3, 3))
    plan, _ = choose_plan(spec, w, None, tolerance=0.0)
    tgt = get_target("host")
    for lanes in (16, 8):
        sch = mod.valign_schedule(lower_stage(plan.stages[0], "float32", "cpu").func, lanes, 8)
        ex = tvm.compile(sch.mod, tgt.to_tvm())
        x = rng.standard_normal(spec.input_shape).astype("float32")
        out = tvm.runtime.tensor(np.zeros(spec.output_shape, "float32"), tvm.cpu())
        ex.mod["main"](tvm.runtime.tensor(x, tvm.cpu()), tvm.runtime.tensor(w.astype("float32"), tvm.cpu()), out)
        ref = F.conv2d(torch.from_numpy(x), torch.from_numpy(w.astype("float32")), padding=1, groups=c).numpy()
        np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-5)
        assert mod.permute_count(ex) > 0, lanes


def test_bench_models_runs_each_runtime_in_its_own_process(tmp_path):
    """`sepgen bench models` on a small input: every runtime's median, spread, error against eager and ratios."""
    import importlib.util

    from sepgen.bench.models import format_results, run_models

    runtimes = ["eager", "sepgen"] + [r for r in ("onnxruntime",) if importlib.util.find_spec(r)]
    out = tmp_path / "models.json"
    res = run_models(models=["mobilenet_v2"], runtimes=runtimes, size=32, reps=5, rounds=2, json_path=out,
                     progress=False)
    saved = json.loads(out.read_text())
    assert saved["models"].keys() == {"mobilenet_v2"} and (tmp_path / "models.png").is_file()
    row = res["models"]["mobilenet_v2"]
    assert not row["errors"], row["errors"]
    for r in runtimes:
        e = row["runtimes"][r]
        assert len(e["rounds_ms"]) == 2 and e["median_ms"] > 0 and e["spread_ms"][0] <= e["spread_ms"][1]
        assert e["max_rel_error_vs_eager"] <= 1e-4 and e["same_top1"]
    assert set(row["sepgen_speedup"]) == set(runtimes) - {"sepgen"}
    if len(runtimes) > 2:
        assert row["sepgen_vs_best_peer"] > 0
        assert len(row["sepgen_vs_best_peer_rounds"]) == 2
        peer = row["runtimes"]["onnxruntime"]["rounds_ms"]
        mine = row["runtimes"]["sepgen"]["rounds_ms"]
        assert row["sepgen_vs_best_peer_rounds"] == pytest.approx([p / m for p, m in zip(peer, mine)])
        assert row["sepgen_vs_best_peer_fastest"] == pytest.approx(min(peer) / min(mine))
    import torch

    from sepgen.bench.models import model_flops
    from sepgen.models import mobilenet_v2

    assert row["info"]["gflops"] == pytest.approx(model_flops(mobilenet_v2().eval(), torch.randn(1, 3, 32, 32)) / 1e9)
    if res["peak_gflops"]:
        e = row["runtimes"]["sepgen"]
        want = row["info"]["gflops"] / e["median_ms"] / res["peak_gflops"] * 1e3
        assert e["roofline_fraction"] == pytest.approx(want)
    text = format_results(res)
    assert "mobilenet_v2" in text and "GFLOP" in text


def test_model_flops_match_the_published_multiply_adds():
    """MobileNetV2 is 300 M multiply-adds at 224x224, EfficientNet-B0 390 M, RegNetY-400MF 400 M (their papers)."""
    import torch

    from sepgen.bench.models import model_flops
    from sepgen.models import efficientnet_b0, mobilenet_v2, regnet_y_400mf

    x = torch.randn(1, 3, 224, 224)
    for ctor, macs in ((mobilenet_v2, 300e6), (efficientnet_b0, 390e6), (regnet_y_400mf, 400e6)):
        got = model_flops(ctor().eval(), x) / 2
        assert got == pytest.approx(macs, rel=0.04), ctor.__name__


def test_bench_models_options_are_checked(capsys):
    from sepgen import cli
    from sepgen.bench.models import run_models

    with pytest.raises(SpecError, match="unknown runtime"):
        run_models(models=["mobilenet_v2"], runtimes=["tensorrt"])
    with pytest.raises(SpecError, match="unknown model"):
        run_models(models=["resnet9000"])
    assert cli.main(["bench", "dwpw", "--rounds", "2"]) == 2
    assert "apply to `sepgen bench models` only" in capsys.readouterr().err

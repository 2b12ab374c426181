"""Artifacts: save/load round trip, sha256 checks, manifest validation, architecture check, atomic saves."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

import sepgen
from sepgen.runtime import artifact as A

XS = (2, 4, 9, 10)


def _make_op(seed=0):
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(6, 2, 3, 3, generator=g)
    b = torch.randn(6, generator=g)
    return sepgen.compile_conv(w, XS, bias=b, padding=((1, 0), (1, 1)), stride=(1, 2), groups=2)


@pytest.fixture(scope="module")
def op():
    return _make_op(0)


@pytest.fixture(scope="module")
def op2():
    return _make_op(1)


@pytest.fixture(scope="module")
def x():
    return torch.randn(XS, generator=torch.Generator().manual_seed(42))


@pytest.fixture(scope="module")
def saved(op, tmp_path_factory):
    """A pristine artifact; tests copy it before damaging it."""
    path = tmp_path_factory.mktemp("pristine") / "art"
    op.save(path)
    return path


@pytest.fixture
def art(saved, tmp_path):
    dst = tmp_path / "art"
    shutil.copytree(saved, dst)
    return dst


def load_error(path) -> str:
    with pytest.raises(sepgen.ArtifactError) as ei:
        sepgen.load(path)
    msg = str(ei.value)
    assert msg and "\n" not in msg, f"bad error message {msg!r}"
    return msg


def read_manifest(path: Path) -> dict:
    return json.loads((path / A.MANIFEST).read_text())


def write_manifest(path: Path, m) -> None:
    (path / A.MANIFEST).write_text(json.dumps(m))


def flip_byte(f: Path, where: float = 0.5) -> None:
    data = bytearray(f.read_bytes())
    i = int(len(data) * where)
    data[i] ^= 0xFF
    f.write_bytes(bytes(data))


# ---- round trip -----------------------------------------------------------------------------------

def test_round_trip_identical_outputs(op, x, art):
    assert {p.name for p in art.iterdir()} >= {A.MANIFEST, A.PARAMS_FILE, A.MODULE_FILE}
    loaded = sepgen.load(art)
    assert isinstance(loaded, type(op))
    assert loaded.spec == op.spec
    assert loaded.plan.kinds == op.plan.kinds
    assert set(loaded.plan.params) == set(op.plan.params)
    for k, v in op.plan.params.items():
        np.testing.assert_array_equal(np.asarray(loaded.plan.params[k]), np.asarray(v))
    y, y2 = op(x), loaded(x)
    assert torch.equal(y, y2)
    out = torch.empty_like(y)
    loaded(x, out=out)
    assert torch.equal(out, y)
    # str paths work too, and the loaded op can be saved again and reloaded
    again = art.parent / "again"
    loaded.save(str(again))
    assert torch.equal(sepgen.load(str(again))(x), y)


def test_manifest_content(op, art):
    m = read_manifest(art)
    assert m["format"] == A.FORMAT and m["format_version"] == A.FORMAT_VERSION
    assert m["input_shape"] == list(op.spec.input_shape)
    assert m["output_shape"] == list(op.spec.output_shape)
    assert m["dtype"] == "float32"
    for name, digest in m["files"].items():
        assert A.sha256_file(art / name) == digest


# ---- tampering --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [A.MODULE_FILE, A.PARAMS_FILE])
@pytest.mark.parametrize("where", [0.0, 0.5, 0.999])
def test_tampered_file_refused(art, name, where):
    flip_byte(art / name, where)
    msg = load_error(art)
    assert "sha256" in msg and name in msg


@pytest.mark.parametrize("name", [A.MODULE_FILE, A.PARAMS_FILE])
def test_appended_or_truncated_file_refused(art, name):
    f = art / name
    data = f.read_bytes()
    f.write_bytes(data + b"\0")
    assert "sha256" in load_error(art)
    f.write_bytes(data[:-1])
    assert "sha256" in load_error(art)


def test_replaced_params_refused(art, op2, tmp_path):
    """A valid params.npz from another artifact is still refused (its sha256 differs)."""
    other = tmp_path / "other"
    op2.save(other)
    shutil.copy(other / A.PARAMS_FILE, art / A.PARAMS_FILE)
    assert "sha256" in load_error(art)


# ---- missing files and damaged manifests ------------------------------------------------------------

@pytest.mark.parametrize("name", [A.MODULE_FILE, A.PARAMS_FILE])
def test_missing_file(art, name):
    (art / name).unlink()
    msg = load_error(art)
    assert name in msg and "missing" in msg


def test_missing_manifest(art):
    (art / A.MANIFEST).unlink()
    assert A.MANIFEST in load_error(art)


def test_missing_directory(tmp_path):
    msg = load_error(tmp_path / "nope")
    assert "nope" in msg


def test_path_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("hello")
    assert "file" in load_error(f)


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe\x00garbage", b"[1, 2", b"NaN-ish"])
def test_manifest_not_json(art, content):
    (art / A.MANIFEST).write_bytes(content)
    msg = load_error(art)
    assert "JSON" in msg


@pytest.mark.parametrize("value", [[1, 2], "a string", 3, None])
def test_manifest_not_an_object(art, value):
    write_manifest(art, value)
    assert "object" in load_error(art)


REQUIRED = ["spec", "plan", "target", "files", "stages", "dtype", "input_shape", "output_shape",
            "sepgen_version", "tvm_version"]


@pytest.mark.parametrize("field", REQUIRED + ["format", "format_version"])
def test_manifest_missing_field(art, field):
    m = read_manifest(art)
    del m[field]
    write_manifest(art, m)
    assert field in load_error(art)


@pytest.mark.parametrize("field,value", [
    ("spec", [1, 2]), ("plan", "direct"), ("target", "host"), ("files", ["kernels.so"]), ("stages", {}),
    ("dtype", 32), ("input_shape", "2x4x9x10"), ("output_shape", None), ("sepgen_version", 1.0),
    ("tvm_version", []), ("format", "other-format"), ("format_version", 99), ("format_version", "1"),
])
def test_manifest_ill_typed_field(art, field, value):
    m = read_manifest(art)
    m[field] = value
    write_manifest(art, m)
    assert field in load_error(art)


@pytest.mark.parametrize("mutate,needle", [
    (lambda m: m["files"].pop(A.PARAMS_FILE), A.PARAMS_FILE),
    (lambda m: m["files"].__setitem__("evil.so", "0" * 64), "evil.so"),
    (lambda m: m["files"].__setitem__(A.PARAMS_FILE, "abc"), A.PARAMS_FILE),
    (lambda m: m["files"].__setitem__(A.PARAMS_FILE, 5), A.PARAMS_FILE),
    (lambda m: m["files"].__setitem__(A.MODULE_FILE, "0" * 64), "sha256"),
    (lambda m: m["files"].pop(A.MODULE_FILE), "stage0"),
    (lambda m: m["target"].pop("arch"), "arch"),
    (lambda m: m["target"].__setitem__("family", 3), "family"),
    (lambda m: m["target"].__setitem__("num_cores", "many"), "num_cores"),
    (lambda m: m["spec"].__setitem__("groups", "2"), "groups"),
    (lambda m: m["plan"].__setitem__("stages", []), "stages"),
    (lambda m: m["plan"].__setitem__("stages", [5]), "stage"),
    (lambda m: m["plan"]["spec"].__setitem__("input_shape", [2, 4, 9]), "input_shape"),
    (lambda m: m["plan"].pop("spec"), "spec"),
    (lambda m: m.__setitem__("input_shape", [1, 4, 9, 10]), "input_shape"),
    (lambda m: m.__setitem__("stages", [{"stage": "zero"}]), "stage"),
    (lambda m: m.__setitem__("stages", [7]), "stage"),
    (lambda m: m.__setitem__("notes", 5), "notes"),
], ids=["no_params_entry", "unexpected_file", "short_digest", "digest_not_str", "wrong_digest", "no_module_entry",
        "no_target_arch", "target_family_int", "num_cores_str", "spec_groups_str", "plan_no_stages",
        "plan_stage_int", "plan_spec_mismatch", "plan_no_spec", "input_shape_mismatch", "stage_index_str",
        "stage_entry_int", "notes_int"])
def test_manifest_bad_content(art, mutate, needle):
    m = read_manifest(art)
    mutate(m)
    write_manifest(art, m)
    assert needle in load_error(art)


def test_foreign_architecture_refused(art):
    m = read_manifest(art)
    assert m["target"]["arch"] != "aarch64", "test assumes a non-aarch64 host"
    m["target"]["arch"] = "aarch64"
    write_manifest(art, m)   # the manifest itself is not hashed: only the arch check can refuse it
    msg = load_error(art)
    assert "aarch64" in msg and "compiled for" in msg


def test_same_architecture_without_the_instruction_set_refused(art, monkeypatch):
    """An artifact built for this CPU, loaded on one of the same architecture that lacks its vector
    extensions (a znver4 kernel on a Haswell: SIGILL at the first AVX-512 instruction), is refused
    before its module is loaded."""
    import sepgen.targets.registry as T

    host = T.get_target("host")
    if host.arch != "x86_64" or "avx512f" not in T.host_isa_features():
        pytest.skip("needs an x86 host with AVX-512 (the artifact must use it)")
    sepgen.load(art)                                   # on this CPU it loads
    haswell = T.isa_features(T.TargetPreset("haswell", "cpu", "x86_64", mcpu="haswell"))
    assert "avx2" in haswell and "avx512f" not in haswell
    monkeypatch.setattr(T, "host_isa_features", lambda: haswell)
    msg = load_error(art)
    assert "avx512f" in msg and "lacks" in msg and "--target host" in msg, msg


def test_manifest_naming_a_richer_cpu_refused(art):
    """The manifest's mcpu decides: a kernel claimed to be built for a CPU with extensions this one lacks
    (AMX, AVX512-FP16 on a Sapphire Rapids) is refused."""
    import sepgen.targets as T

    m = read_manifest(art)
    if m["target"]["arch"] != "x86_64" or "amx-tile" in T.host_isa_features():
        pytest.skip("needs an x86 host without AMX")
    m["target"]["mcpu"] = "sapphirerapids"
    write_manifest(art, m)
    msg = load_error(art)
    assert "sapphirerapids" in msg and "amx-tile" in msg, msg


# ---- saving -----------------------------------------------------------------------------------------

def _stray(parent: Path, name: str) -> list[str]:
    """Temp or backup directories a save may have left next to ``name``."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def test_save_over_existing_artifact_replaces_it(op, op2, x, tmp_path):
    path = tmp_path / "art"
    op.save(path)
    first = read_manifest(path)["files"]
    op2.save(path)
    assert read_manifest(path)["files"] != first
    assert torch.equal(sepgen.load(path)(x), op2(x))
    assert not torch.equal(op(x), op2(x))
    assert _stray(tmp_path, "art") == []
    assert sorted(p.name for p in path.iterdir()) == sorted([A.MANIFEST, A.PARAMS_FILE, A.MODULE_FILE])


def test_save_replaces_stale_extra_files(op, tmp_path):
    path = tmp_path / "art"
    op.save(path)
    (path / "stale.txt").write_text("left over")
    op.save(path)
    assert not (path / "stale.txt").exists()


def test_failed_save_keeps_old_artifact(op, op2, x, tmp_path, monkeypatch):
    path = tmp_path / "art"
    op.save(path)
    before = {p.name: p.read_bytes() for p in path.iterdir()}

    def boom(*a, **k):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(A.np, "savez", boom)
    with pytest.raises(OSError):
        op2.save(path)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in path.iterdir()} == before
    assert torch.equal(sepgen.load(path)(x), op(x))
    assert _stray(tmp_path, "art") == []


def test_save_into_empty_directory(op, x, tmp_path):
    path = tmp_path / "empty"
    path.mkdir()
    op.save(path)
    assert torch.equal(sepgen.load(path)(x), op(x))


def test_save_creates_parents(op, x, tmp_path):
    path = tmp_path / "a" / "b" / "art"
    op.save(path)
    assert torch.equal(sepgen.load(path)(x), op(x))


def test_save_into_non_artifact_directory_refused(op, tmp_path):
    path = tmp_path / "mydata"
    path.mkdir()
    (path / "precious.txt").write_text("do not delete")
    with pytest.raises(sepgen.ArtifactError) as ei:
        op.save(path)
    msg = str(ei.value)
    assert "\n" not in msg and "mydata" in msg and "not a sepgen artifact" in msg
    assert sorted(p.name for p in path.iterdir()) == ["precious.txt"]
    assert (path / "precious.txt").read_text() == "do not delete"
    assert _stray(tmp_path, "mydata") == []


def test_save_onto_a_file_refused(op, tmp_path):
    path = tmp_path / "file.bin"
    path.write_bytes(b"data")
    with pytest.raises(sepgen.ArtifactError) as ei:
        op.save(path)
    assert "file.bin" in str(ei.value)
    assert path.read_bytes() == b"data"
    assert _stray(tmp_path, "file.bin") == []


def test_no_pickle_in_params(art):
    with np.load(art / A.PARAMS_FILE, allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)

"""Numeric precision of the encoder: fp32, bf16 weights, or int8 (a quantised ONNX export); `auto` picks.

`auto` is bf16 where the CPU does bf16 matmuls natively (AMX-BF16 or AVX512-BF16, as torch reports them and
oneDNN's bf16 kernels are usable), else fp32. Whatever the precision, the vectors leave the encoder as
float32, and bf16 and fp32 vectors of the same texts agree to a cosine of 0.9999, so an index made in one
precision is searched with queries in another.
"""

from __future__ import annotations

from collections.abc import Mapping

from codesift.errors import CodesiftError

PRECISIONS = ("auto", "fp32", "bf16", "int8")
NATIVE_BF16 = ("amx_bf16", "avx512_bf16")  # torch.cpu.get_capabilities() keys of native bf16 matmul units


def check_precision(value: str) -> str:
    if value not in PRECISIONS:
        raise CodesiftError(f"unknown precision {value!r}: use one of {', '.join(PRECISIONS)}")
    return value


def cpu_capabilities() -> dict:
    """What torch reports about this CPU, plus whether oneDNN's bf16 kernels can run on it."""
    import torch

    capabilities = dict(torch.cpu.get_capabilities())
    capabilities["mkldnn_bf16"] = bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    return capabilities


def native_bf16(capabilities: Mapping) -> bool:
    return bool(capabilities.get("mkldnn_bf16")) and any(capabilities.get(unit) for unit in NATIVE_BF16)


def resolve_precision(requested: str, capabilities: Mapping | None = None) -> str:
    """The concrete precision for `requested` on this CPU (`capabilities` as `cpu_capabilities()` gives them)."""
    if check_precision(requested) != "auto":
        return requested
    return "bf16" if native_bf16(cpu_capabilities() if capabilities is None else capabilities) else "fp32"

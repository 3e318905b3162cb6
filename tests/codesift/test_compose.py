"""docker-compose.yml and the Dockerfile: services, profiles, volumes, pinned images, ports on 127.0.0.1 only.

The structure is checked with pyyaml everywhere; where a `docker compose` (v2) or `docker-compose` binary exists,
its `config` must also accept the file, with and without the cluster profile. Nothing is pulled or run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
CLUSTER = ("qdrant-node1", "qdrant-node2", "qdrant-node3")


def _default(value: str) -> str:
    """The value a `${VAR:-default}` takes when VAR is unset."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def _profiles(name: str) -> list[str]:
    return SERVICES[name].get("profiles", [])


def test_profiles_split_the_services():
    assert sorted(name for name in SERVICES if not _profiles(name)) == ["qdrant", "ui"]
    assert _profiles("ollama") == ["llm"]
    assert all(_profiles(node) == ["cluster"] for node in CLUSTER)


def test_every_port_listens_on_localhost_only():
    published = [port for service in SERVICES.values() for port in service.get("ports", [])]
    assert published and all(str(port).startswith("127.0.0.1:") for port in published)


def test_images_are_pinned():
    images = [service["image"] for service in SERVICES.values() if "build" not in service]
    assert images and all(re.fullmatch(r"[\w./-]+:v?\d+\.\d+\.\d+", image) for image in images)
    assert len({SERVICES[name]["image"] for name in ("qdrant", *CLUSTER)}) == 1  # one Qdrant version everywhere


def test_every_qdrant_keeps_its_own_named_volume():
    mounts = {name: [v for v in SERVICES[name]["volumes"] if v.endswith(":/qdrant/storage")] for name in ("qdrant", *CLUSTER)}
    volumes = [mount.split(":")[0] for [mount] in mounts.values()]
    assert volumes[0] == "qdrant_storage" and len(set(volumes)) == len(volumes)
    assert set(volumes) <= set(COMPOSE["volumes"])


def test_the_ui_is_built_here_and_talks_to_the_qdrant_service():
    ui = SERVICES["ui"]
    assert ui["build"] == "." and ui["depends_on"] == ["qdrant"]
    assert _default(ui["environment"]["CODESIFT_QDRANT_URL"]) == "http://qdrant:6333"
    assert {"CODESIFT_SHARDS", "CODESIFT_REPLICAS", "CODESIFT_LLM_BASE_URL"} <= set(ui["environment"])


def test_cluster_nodes_bootstrap_from_the_first():
    for node in CLUSTER:
        assert SERVICES[node]["environment"]["QDRANT__CLUSTER__ENABLED"] == "true"
        command = SERVICES[node]["command"]
        assert command[command.index("--uri") + 1] == f"http://{node}:6335"
    assert "--bootstrap" not in SERVICES["qdrant-node1"]["command"]
    for node in CLUSTER[1:]:
        command = SERVICES[node]["command"]
        assert command[command.index("--bootstrap") + 1] == "http://qdrant-node1:6335"


def test_dockerfile_installs_the_pinned_cpu_torch_and_serves_the_ui():
    dockerfile = (ROOT / "Dockerfile").read_text()
    constraints = (ROOT / "constraints.txt").read_text()
    [torch_pin] = re.findall(r"^torch==(\S+)$", constraints, re.M)
    assert f"pip install --no-cache-dir torch=={torch_pin} --index-url https://download.pytorch.org/whl/cpu" in dockerfile
    assert "pip install --no-cache-dir -c constraints.txt ." in dockerfile
    assert 'CMD ["codesift", "ui", "--host", "0.0.0.0", "--port", "8501"]' in dockerfile
    assert "USER codesift" in dockerfile


def _compose_binary() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) and subprocess.run([*command, "version"], capture_output=True).returncode == 0:
            return command
    return None


@pytest.mark.skipif(_compose_binary() is None, reason="no docker compose / docker-compose binary here")
@pytest.mark.parametrize("profile", [[], ["--profile", "cluster"], ["--profile", "llm"]])
def test_compose_accepts_the_file(profile):
    done = subprocess.run([*_compose_binary(), *profile, "config", "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

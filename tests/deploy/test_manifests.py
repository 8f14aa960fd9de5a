"""deploy/ (issue 8): the Kubernetes manifests validate against the Kubernetes JSON schemas
that kubernetes-validate ships (strict: an unknown field is an error), the compose file
against the Compose Specification schema that check-jsonschema vendors, all offline; and
the pieces refer to each other correctly (selectors, probes, names, settings)."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from server.request_log import SANE_REQUEST_ID
from server.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "k8s"
# The oldest Kubernetes the manifests promise to work on (preStop sleep: 1.30), and the newest
# the installed schemas know.
K8S_VERSIONS = ["1.30.0", kubernetes_validate.utils.latest_version()]
SETTINGS_KEYS = {f"ANZEXIAN_{name.upper()}" for name in Settings.model_fields}


def documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                found.append((f"{path.name}:{doc['kind']}/{doc['metadata']['name']}", doc))
    return found


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for _, doc in documents() if doc["kind"] == kind}


def test_the_manifests_hold_what_an_operator_needs() -> None:
    kinds = sorted({doc["kind"] for _, doc in documents()})
    assert kinds == [
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "Job",
        "Namespace",
        "PodDisruptionBudget",
        "Secret",
        "Service",
    ]
    assert set(by_kind("Deployment")) == {"anzexian-gateway", "anzexian-indexer"}


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize(("name", "doc"), documents(), ids=[n for n, _ in documents()])
def test_manifest_validates_against_the_kubernetes_schema(
    name: str, doc: dict[str, Any], version: str
) -> None:
    kubernetes_validate.validate(doc, version, strict=True)


def test_the_validator_catches_a_mistake() -> None:
    # The negative control: a misspelt field of the gateway's probe fails strict validation.
    gateway = copy.deepcopy(by_kind("Deployment")["anzexian-gateway"])
    gateway["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(gateway, K8S_VERSIONS[0], strict=True)


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return dict(container)


def test_gateway_probes_and_rollout() -> None:
    gateway = by_kind("Deployment")["anzexian-gateway"]
    container = _container(gateway)
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert gateway["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    # The graceful shutdown fits in the grace period, after the preStop pause.
    config = by_kind("ConfigMap")["anzexian-config"]["data"]
    grace = gateway["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert int(config["ANZEXIAN_SHUTDOWN_TIMEOUT_SECONDS"]) + pause < grace


def test_selectors_and_references_meet() -> None:
    deployments = by_kind("Deployment")
    gateway_labels = deployments["anzexian-gateway"]["spec"]["template"]["metadata"]["labels"]
    for selector in (
        by_kind("Service")["anzexian-gateway"]["spec"]["selector"],
        by_kind("PodDisruptionBudget")["anzexian-gateway"]["spec"]["selector"]["matchLabels"],
        deployments["anzexian-gateway"]["spec"]["selector"]["matchLabels"],
    ):
        assert selector.items() <= gateway_labels.items()
    target = by_kind("HorizontalPodAutoscaler")["anzexian-gateway"]["spec"]["scaleTargetRef"]
    assert target["kind"] == "Deployment" and target["name"] in deployments
    pods = [d["spec"]["template"]["spec"] for d in deployments.values()]
    pods.append(by_kind("Job")["anzexian-migrate"]["spec"]["template"]["spec"])
    for pod in pods:
        [container] = pod["containers"]
        refs = {next(iter(ref)): next(iter(ref.values()))["name"] for ref in container["envFrom"]}
        assert refs == {"configMapRef": "anzexian-config", "secretRef": "anzexian-secrets"}
    assert "anzexian-secrets" in by_kind("Secret")
    namespaces = {doc["metadata"].get("namespace") for _, doc in documents()}
    assert namespaces == {None, "anzexian"}  # the Namespace itself, and what lives in it


def test_configured_keys_are_settings() -> None:
    config = by_kind("ConfigMap")["anzexian-config"]["data"]
    secret = by_kind("Secret")["anzexian-secrets"]["stringData"]
    assert set(config) <= SETTINGS_KEYS
    assert set(secret) <= SETTINGS_KEYS
    Settings(**{k.removeprefix("ANZEXIAN_").lower(): v for k, v in config.items()})


# --- compose -------------------------------------------------------------------------------------


def _compose_schema() -> dict[str, Any]:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return dict(json.loads(vendor.joinpath("compose-spec.json").read_text(encoding="utf-8")))


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))


def test_compose_file_validates_against_the_compose_specification() -> None:
    schema = _compose_schema()
    jsonschema.Draft202012Validator(schema).validate(_compose())
    broken = _compose()
    broken["services"]["gateway-1"]["imagee"] = "typo"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


def test_compose_runs_the_platform() -> None:
    services = _compose()["services"]
    assert {"postgres", "migrate", "gateway-1", "gateway-2", "proxy"} <= set(services)
    nodes = [name for name in services if name.startswith("opensearch-")]
    assert len(nodes) == 3
    for name in nodes:
        env = services[name]["environment"]
        assert env["discovery.seed_hosts"].split(",") == nodes
        assert env["cluster.initial_cluster_manager_nodes"].split(",") == nodes
    for name in ("gateway-1", "gateway-2"):
        gateway = services[name]
        assert gateway["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert set(gateway["environment"]) <= SETTINGS_KEYS
        assert gateway["environment"]["ANZEXIAN_SEARCH_URL"].count(",") == 2  # all three nodes
    assert services["migrate"]["command"] == ["anzexian", "migrate"]
    proxy_conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "server gateway-1:8000" in proxy_conf and "server gateway-2:8000" in proxy_conf


def test_the_proxys_body_limit_is_the_uploads_limit() -> None:
    # nginx refuses a larger body itself (413) before a gateway sees it; the real nginx runs
    # this file in tests/cluster/test_reverse_proxy.py, which probes the boundary.
    proxy_conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    [megabytes] = re.findall(r"^\s*client_max_body_size (\d+)m;", proxy_conf, flags=re.MULTILINE)
    assert int(megabytes) * 1024 * 1024 == Settings().bulk_max_bytes


def test_the_proxy_keeps_request_ids_as_the_gateway_does() -> None:
    # nginx passes the client's X-Request-ID on only when the gateway would keep it, else its
    # own: both logs then name a request alike (tests/cluster/test_reverse_proxy.py runs it).
    proxy_conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    [kept] = re.findall(r'"~(\^.*\$)"\s+\$http_x_request_id;', proxy_conf)
    assert kept == SANE_REQUEST_ID.pattern.decode()

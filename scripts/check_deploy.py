"""Offline validation of the deployment files; run by scripts/check-deploy.sh inside its
virtualenv (.venv-tools: PyYAML, jsonschema, kubernetes-validate).

    python3 scripts/check_deploy.py compose COMPOSE_FILE ENV_EXAMPLE SCHEMA
    python3 scripts/check_deploy.py k8s VERSION[,VERSION…] FILE…
    python3 scripts/check_deploy.py kustomize-refs DIR…

Each prints one line per problem ("file: what is wrong") and exits 1 if there was any.
"""

import json
import os
import re
import sys

import jsonschema
import kubernetes_validate
import yaml

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}; $$ escapes.
INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^}]*\})*))?\}")
PINNED_TAG = re.compile(r"^[^:@\s]+(:[A-Za-z0-9_][A-Za-z0-9_.-]*)(@sha256:[0-9a-f]{64})?$|^[^:@\s]+@sha256:[0-9a-f]{64}$")
OWN_IMAGE = re.compile(r"^\$\{PCS_REGISTRY[^}]*\}/")


def read_env_file(path):
    """KEY=VALUE lines of a .env file (comments and blank lines skipped)."""
    values = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                raise ValueError(f"{path}:{number}: not KEY=VALUE")
            values[key] = value
    return values


def interpolate(value, env, used, problems, where):
    """Compose's variable substitution, applied to every string of the document."""
    if isinstance(value, dict):
        return {k: interpolate(v, env, used, problems, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, used, problems, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def substitute(match):
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.group(1), match.group(2), match.group(3) or ""
        used.add(name)
        current = env.get(name)
        empty = current is None or (operator is not None and operator.startswith(":") and current == "")
        if operator in (":-", "-"):
            return interpolate(argument, env, used, problems, where) if empty else current
        if operator in (":?", "?"):
            if empty:
                problems.append(f"{where}: required variable {name} has no value ({argument})")
                return ""
            return current
        if operator in (":+", "+"):
            return "" if empty else interpolate(argument, env, used, problems, where)
        return current or ""

    return INTERPOLATION.sub(substitute, value)


def check_compose(compose_path, env_path, schema_path):
    problems = []
    with open(compose_path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    env = read_env_file(env_path)
    used = set()
    document = interpolate(raw, env, used, problems, "")
    with open(schema_path, encoding="utf-8") as handle:
        schema = json.load(handle)
    validator = jsonschema.Draft7Validator(schema)
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        location = "/".join(str(part) for part in error.absolute_path) or "(root)"
        problems.append(f"schema: {location}: {error.message}")

    for name in sorted(used - env.keys()):
        problems.append(f"${{{name}}} is used but not documented in {os.path.basename(env_path)}")
    for name in sorted(env.keys() - used):
        problems.append(f"{name} is documented in {os.path.basename(env_path)} but never used")

    services = raw.get("services", {})
    for name, service in services.items():
        image = service.get("image", "")
        if not OWN_IMAGE.match(image) and not PINNED_TAG.match(image):
            problems.append(f"services.{name}.image: '{image}' is not pinned to a tag or digest")
        if image.endswith(":latest"):
            problems.append(f"services.{name}.image: ':latest' is not a pin")
        for dependency, condition in (service.get("depends_on") or {}).items():
            target = services.get(dependency)
            if target is None:
                problems.append(f"services.{name}.depends_on: no service '{dependency}'")
                continue
            if condition.get("condition") == "service_healthy" and "healthcheck" not in target:
                build = target.get("build") or {}
                dockerfile = build.get("dockerfile")
                path = os.path.join(os.path.dirname(compose_path), build.get("context", "."), dockerfile or "")
                if not dockerfile or not os.path.isfile(path) or "HEALTHCHECK" not in open(path, encoding="utf-8").read():
                    problems.append(f"services.{name}.depends_on.{dependency}: waits for health, "
                                    f"but '{dependency}' has no healthcheck (nor one in its image)")
    return problems


def manifests(path):
    """The Kubernetes objects of one YAML file (kustomizations, patches and Helm values
    are not Kubernetes objects and are left out)."""
    with open(path, encoding="utf-8") as handle:
        for document in yaml.safe_load_all(handle):
            if isinstance(document, dict) and "apiVersion" in document and "kind" in document:
                if document["apiVersion"].startswith("kustomize.config.k8s.io/"):
                    continue
                yield document


def check_k8s(versions, files):
    problems = []
    count = 0
    for path in files:
        for document in manifests(path):
            count += 1
            name = f"{document['kind']}/{document.get('metadata', {}).get('name', '?')}"
            for version in versions:
                try:
                    kubernetes_validate.validate(document, version, strict=True)
                except kubernetes_validate.ValidationError as error:
                    problems.append(f"{path}: {name} (Kubernetes {version}): {error.message} "
                                    f"at {'.'.join(str(p) for p in error.path)}")
                except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError) as error:
                    problems.append(f"{path}: {name} (Kubernetes {version}): no schema: {error}")
    if count == 0:
        problems.append("no Kubernetes objects found")
    else:
        print(f"validated {count} Kubernetes objects against {', '.join(versions)} (strict)")
    return problems


def check_kustomize_refs(directories):
    """Without a kustomize binary: every path a kustomization names exists."""
    problems = []
    for directory in directories:
        path = os.path.join(directory, "kustomization.yaml")
        with open(path, encoding="utf-8") as handle:
            kustomization = yaml.safe_load(handle)
        references = list(kustomization.get("resources", [])) + list(kustomization.get("components", []))
        references += [patch["path"] for patch in kustomization.get("patches", []) if "path" in patch]
        for reference in references:
            if not os.path.exists(os.path.join(directory, reference)):
                problems.append(f"{path}: '{reference}' does not exist")
    return problems


def main(arguments):
    command = arguments[0] if arguments else ""
    if command == "compose" and len(arguments) == 4:
        problems = check_compose(*arguments[1:])
    elif command == "k8s" and len(arguments) >= 3:
        problems = check_k8s(arguments[1].split(","), arguments[2:])
    elif command == "kustomize-refs" and len(arguments) >= 2:
        problems = check_kustomize_refs(arguments[1:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""deploy/k8s checked offline, as CI can without a cluster:

- `kubectl kustomize` renders the overlays (embedded, scaled, and podman:
  embedded on one host);
- every rendered object is valid against its kind's OpenAPI schema
  (kubernetes-models from npm), and keeps the policy of
  tests/deploy/check_manifests.mjs: probes, requests and limits,
  runAsNonRoot, a read-only root, no privilege escalation, all
  capabilities dropped, fixed image tags, a grace period longer than the
  drain, Services and NetworkPolicies that select pods, and per layout
  one replaced replica per SQLite service (embedded) or every service on
  the database with autoscaling and budgets (scaled);
- the check is not a formality: a manifest with a probe, a limit or a
  security setting taken away, a `latest` tag, a grace period shorter than
  the drain or a field of the wrong type is refused, naming it."""
import os
import shutil
import subprocess
import tempfile
import unittest

import zwfw_testlib


class K8sManifestsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not shutil.which("kubectl"):
            raise AssertionError("kubectl is missing (the machine image "
                                 "ships it; DESIGN.md, Tooling facts)")
        cls.checker = zwfw_testlib.node_packages("deploy",
                                                 ["check_manifests.mjs"])

    def render(self, overlay):
        out = subprocess.run(
            ["kubectl", "kustomize", os.path.join(
                zwfw_testlib.SOURCE_DIR, "deploy/k8s/overlays", overlay)],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def check(self, layout, manifests):
        return subprocess.run(
            ["node", "check_manifests.mjs", layout], input=manifests,
            cwd=self.checker, capture_output=True, text=True, timeout=120)

    def test_both_overlays_render_valid_and_keep_the_policy(self):
        for overlay, objects in (("embedded", 27), ("scaled", 33),
                                 ("podman", 27)):
            manifests = self.render(overlay)
            done = self.check(overlay, manifests)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            self.assertIn("%s: %d objects valid" % (
                "scaled" if overlay == "scaled" else "embedded", objects),
                done.stdout)
            self.assertEqual(manifests.count(
                "--flagfile=/etc/zwfw/database/database.flags"),
                4 if overlay == "scaled" else 0)

    def test_the_tls_component_keeps_the_policy(self):
        """components/tls on either overlay: exec probes over TLS, no
        --insecure left on a service, still valid and within the policy."""
        deploy = os.path.join(zwfw_testlib.SOURCE_DIR, "deploy/k8s")
        with tempfile.TemporaryDirectory() as here:
            for overlay in ("embedded", "scaled"):
                with open(os.path.join(here, "kustomization.yaml"), "w") as f:
                    f.write("resources:\n  - %s\ncomponents:\n  - %s\n" % (
                        os.path.relpath(os.path.join(deploy, "overlays",
                                                     overlay), here),
                        os.path.relpath(os.path.join(deploy, "components/tls"),
                                        here)))
                out = subprocess.run(["kubectl", "kustomize", here],
                                     capture_output=True, text=True,
                                     timeout=120)
                self.assertEqual(out.returncode, 0, out.stderr)
                done = self.check(overlay, out.stdout)
                self.assertEqual(done.returncode, 0, done.stdout)
                self.assertEqual(out.stdout.count("--insecure"), 1)
                self.assertEqual(out.stdout.count("--tls_key="), 4)
                self.assertEqual(out.stdout.count("--peer_tls_ca="), 5)
                self.assertEqual(out.stdout.count("grpc:\n"), 0)

    def test_a_manifest_that_breaks_the_policy_is_refused(self):
        embedded = self.render("embedded")
        for broken, said in (
                (embedded.replace("readinessProbe:", "readinessProbeX:", 1),
                 "container server has no readinessProbe"),
                (embedded.replace("memory: 1Gi", "", 1),
                 "container server has no limits.memory"),
                (embedded.replace("readOnlyRootFilesystem: true",
                                  "readOnlyRootFilesystem: false", 1),
                 "readOnlyRootFilesystem is not true"),
                (embedded.replace("allowPrivilegeEscalation: false",
                                  "allowPrivilegeEscalation: true", 1),
                 "allowPrivilegeEscalation is not false"),
                (embedded.replace("zwfw-survey:0.1", "zwfw-survey:latest"),
                 "image localhost/zwfw-survey:latest has no fixed tag"),
                (embedded.replace("terminationGracePeriodSeconds: 15",
                                  "terminationGracePeriodSeconds: 5", 1),
                 "does not outlast --drain_timeout=10s"),
                (embedded.replace("containerPort: 50051",
                                  "containerPort: fifty", 1),
                 "containerPort must be integer"),
                (embedded.replace("type: Recreate", "type: RollingUpdate", 1),
                 "must be replaced (strategy Recreate)")):
            done = self.check("embedded", broken)
            self.assertEqual(done.returncode, 1, said)
            self.assertIn(said, done.stdout)
        scaled = self.render("scaled")
        done = self.check("scaled", scaled.replace("kind: PodDisruptionBudget",
                                                   "kind: ConfigMap", 1))
        self.assertEqual(done.returncode, 1)
        self.assertIn("PodDisruptionBudget for bulletin: missing",
                      done.stdout)


if __name__ == "__main__":
    zwfw_testlib.main()

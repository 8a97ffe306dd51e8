#!/usr/bin/env python3
"""The embedded layout run for real from the images, as an operator runs
it on one host without Kubernetes (README, "Deploying"):

- tools/images builds the images FROM scratch (nothing pulled): each
  server's under 40 MiB (bulletin excepted, for its fonts), user 65532,
  the volume /var/lib/zwfw, the version and git commit as labels;
- `podman kube play` of deploy/k8s/overlays/podman (the embedded overlay
  on the host's network) starts every server and Redis from them, each
  container with a read-only root, as user 65532;
- the July 2020 demo loaded through the servers' ports gives, fetched
  through the gateway, the bulletin the golden test checks (sections 一,
  四 and 五 and the attachment table equal to the reference);
- stopping the pods sends SIGTERM: each server drains and exits 0; after
  `podman kube down` the data volumes outlive the pods;
- the scaled layout from the same images, as containers the test starts
  (podman's kube play has no Services to spread two replicas behind):
  PostgreSQL from the postgres image (initdb on its empty volume), two
  replicas of every service on it and a gateway, every client given both
  replicas (`ipv4:` lists, round_robin): the same bulletin through the
  gateway, and every container drains to exit 0.

The embedded layout uses the host's ports it names (50051-50054, 8080,
6379, 945x): the test runs alone (RUN_SERIAL). Removes its pods,
containers and volumes."""
import json
import os
import re
import shutil
import subprocess
import time
import urllib.request

import zwfw_testlib
from bulletin_golden_test import (assert_computed_sections,
                                  reference_bulletin, table_rows)
from zwfw_testlib import new_token, zwfw

IMAGES = ("intake", "survey", "scoring", "bulletin", "gateway", "redis",
          "postgres")
SERVERS = ("intake", "survey", "scoring", "bulletin")
PORTS = {"intake": 50051, "survey": 50052, "scoring": 50053,
         "bulletin": 50054}
VOLUMES = ("intake-data", "survey-data", "scoring-data", "bulletin-data")


def podman(*args, check=True, timeout=180):
    env = dict(os.environ, CONTAINERS_CONF=os.path.join(
        zwfw_testlib.SOURCE_DIR, "deploy/images/containers.conf"))
    done = subprocess.run(["podman", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError("podman %s: %s" % (" ".join(args), done.stderr))
    return done


class PodmanPlayTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        for tool in ("podman", "buildah", "kubectl"):
            if not shutil.which(tool):
                raise AssertionError(tool + " is missing: run tools/setup")
        self.manifest = os.path.join(self.dir, "play.yaml")
        self.label = "zwfw.test=%d" % os.getpid()

    def tearDown(self):
        mine = podman("ps", "-aq", "--filter", "label=" + self.label,
                      check=False).stdout.split()
        if mine:
            podman("rm", "-f", "-t", "0", "-v", *mine, check=False)
        if os.path.exists(self.manifest):
            podman("kube", "down", self.manifest, check=False)
        # The data volumes, and those podman made of the ConfigMaps.
        made = podman("volume", "ls", "--format", "{{.Name}}",
                      check=False).stdout.split()
        podman("volume", "rm", "-f", *VOLUMES, *[
            v for v in made if v.startswith(("zwfw-calendar-",
                                              "zwfw-addresses-"))],
            check=False)
        super().tearDown()

    built = None  # tools/images' output, once for the tests of this run

    def build_images(self):
        if PodmanPlayTest.built is None:
            PodmanPlayTest.built = self.build_and_check_images()
        self.version = PodmanPlayTest.built

    def build_and_check_images(self):
        built = subprocess.run(
            [os.path.join(zwfw_testlib.SOURCE_DIR, "tools/images"), *IMAGES],
            env=dict(os.environ, ZWFW_BUILD_DIR=zwfw_testlib.BUILD_DIR),
            capture_output=True, text=True, timeout=600)
        self.assertEqual(built.returncode, 0, built.stdout + built.stderr)
        # The tag tools/images gave (CMakeLists.txt's version).
        version = re.search(r"localhost/zwfw-intake:(\S+) ",
                            built.stdout).group(1)
        commit = subprocess.run(
            ["git", "-C", zwfw_testlib.SOURCE_DIR, "rev-parse", "HEAD"],
            capture_output=True, text=True, check=True).stdout.strip()
        for name in IMAGES:
            image = json.loads(podman("image", "inspect",
                                      "localhost/zwfw-%s:%s" %
                                      (name, version)).stdout)[0]
            config = image["Config"]
            self.assertEqual(config["User"], "65532:65532", name)
            self.assertIn("/var/lib/zwfw", config["Volumes"], name)
            labels = config["Labels"]
            self.assertEqual(labels["org.opencontainers.image.version"],
                             version)
            self.assertTrue(labels["org.opencontainers.image.revision"]
                            .startswith(commit), name)
            if name not in ("bulletin", "postgres"):
                self.assertLess(image["Size"], 40 << 20, name)  # 40 MiB
            self.assertIn("localhost/zwfw-%s:%s %.1f MiB" % (
                name, version, image["Size"] / (1 << 20)), built.stdout)
        return version

    def write_secrets(self):
        """What the operator keeps in /etc/zwfw/secrets on this host,
        readable by the servers' user."""
        secrets = os.path.join(self.dir, "secrets")
        os.makedirs(secrets)
        tokens = os.path.join(secrets, "tokens.txt")
        self.admin = new_token(tokens, "admin")
        files = {"service.token": new_token(tokens, "service") + "\n",
                 "cache.key": os.urandom(24).hex() + "\n",
                 "redis.password": "r-" + os.urandom(12).hex() + "\n"}
        files["redis.conf"] = "requirepass " + files["redis.password"]
        for name, text in files.items():
            with open(os.path.join(secrets, name), "w") as f:
                f.write(text)
        for name in os.listdir(secrets):
            os.chmod(os.path.join(secrets, name), 0o644)
        os.chmod(secrets, 0o755)
        return secrets

    def wait_ready(self, ports=PORTS.values(), gateway=8080, extra_flags=()):
        deadline = time.time() + 60
        while time.time() < deadline:
            states = [zwfw("--deadline=2s", *extra_flags, "health",
                           "127.0.0.1:%d" % port)[0] for port in ports]
            try:
                with urllib.request.urlopen(
                        "http://127.0.0.1:%d/readyz" % gateway,
                        timeout=2) as r:
                    ready = r.status == 200
            except OSError:
                ready = False
            if ready and states == [0] * len(states):
                return
            time.sleep(0.5)
        logs = podman("pod", "logs", "--tail=20", "intake-pod-0",
                      check=False)
        self.fail("not ready in 60 s: " + logs.stdout + logs.stderr)

    def check_bulletin(self, gateway):
        """The July 2020 bulletin fetched through the gateway: the figures
        the golden test checks, equal to the reference."""
        request = urllib.request.Request(
            "http://127.0.0.1:%d/v1/periods/2020-07/bulletin?format=text" %
            gateway, headers={"Authorization": "Bearer " + self.admin})
        with urllib.request.urlopen(request, timeout=60) as r:
            text = r.read().decode("utf-8")
        reference = reference_bulletin()
        assert_computed_sections(self, text, reference)
        self.assertEqual(table_rows(text)[:2], table_rows(reference)[:2])

    def play_embedded(self, kustomization, extra_flags=(), pod_flags=(),
                      while_up=lambda rendered: None):
        """Renders `kustomization` (overlays/podman, or one built on it),
        plays it, loads the demo, checks the bulletin through the gateway,
        loads the rules of the ConfigMap with the image's client, runs
        `while_up`, then stops the pods (each server drains, exits 0) and
        takes the layout down. `extra_flags` are the client's here,
        `pod_flags` inside a pod."""
        self.build_images()
        rendered = subprocess.run(["kubectl", "kustomize", kustomization],
                                  capture_output=True, text=True,
                                  check=True).stdout
        secrets = self.write_secrets()
        with open(self.manifest, "w") as f:
            f.write(rendered.replace("/etc/zwfw/secrets", secrets))
        for volume in VOLUMES:  # a previous run's, never reused
            podman("volume", "rm", "-f", volume, check=False)
        started = time.time()
        podman("kube", "play", self.manifest)
        self.wait_ready(extra_flags=extra_flags)
        print("kube play to every server ready: %.1f s" %
              (time.time() - started))

        for name in ("intake", "survey", "scoring", "bulletin", "gateway"):
            container = json.loads(podman(
                "container", "inspect", "%s-pod-0-server" % name).stdout)[0]
            self.assertTrue(container["HostConfig"]["ReadonlyRootfs"], name)
            self.assertEqual(container["Config"]["User"], "65532:65532")

        flags = ["--intake=127.0.0.1:50051", "--survey=127.0.0.1:50052",
                 "--scoring=127.0.0.1:50053", "--bulletin=127.0.0.1:50054",
                 *extra_flags]
        started = time.time()
        self.load_demo(flags)
        print("the demo loaded: %.1f s" % (time.time() - started))
        self.check_bulletin(8080)
        # The client in the image, with the rules of the ConfigMap.
        loaded = podman("exec", "scoring-pod-0-server", "/usr/lib/zwfw/bin/zwfw",
                        "--token=" + self.admin, *flags[2:3], *pod_flags,
                        "rules", "set", "/etc/zwfw/rules/default-rules.json")
        self.assertIn("scoring rules version 2", loaded.stdout)
        while_up(rendered)

        # Stopped: SIGTERM, each server drains and exits 0; then down, and
        # the data volumes outlive the pods.
        pods = ["%s-pod-0" % n for n in (*PORTS, "gateway")]
        podman("pod", "stop", "--time=15", *pods)
        for pod in pods:
            container = json.loads(podman(
                "container", "inspect", pod + "-server").stdout)[0]
            self.assertEqual(container["State"]["ExitCode"], 0, pod)
            logs = podman("logs", pod + "-server")
            self.assertIn("received Terminated", logs.stdout + logs.stderr)
            self.assertIn(" stopped\n", logs.stdout + logs.stderr)
        podman("kube", "down", self.manifest)
        volumes = podman("volume", "ls", "--format", "{{.Name}}").stdout
        for volume in VOLUMES:
            self.assertIn(volume, volumes.split())
        return rendered

    def test_the_embedded_layout_from_the_images(self):
        self.play_embedded(os.path.join(zwfw_testlib.SOURCE_DIR,
                                        "deploy/k8s/overlays/podman"))

    def test_the_embedded_layout_over_tls(self):
        """components/tls on overlays/podman: every service serves TLS with
        a certificate of a CA made here, every caller verifies it, and the
        probes' own command (`zwfw health` over TLS in the image) answers
        SERVING."""
        tls = os.path.join(self.dir, "tls")
        os.makedirs(tls)
        openssl = lambda *args: subprocess.run(  # noqa: E731
            ["openssl", *args], cwd=tls, capture_output=True, check=True)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=zwfw-test-ca", "-keyout", "ca.key",
                "-out", "ca.crt")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj",
                "/CN=zwfw", "-keyout", "tls.key", "-out", "tls.csr")
        with open(os.path.join(tls, "san.ext"), "w") as f:
            f.write("subjectAltName=DNS:intake,DNS:survey,DNS:scoring,"
                    "DNS:bulletin,DNS:localhost,IP:127.0.0.1\n")
        openssl("x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey",
                "ca.key", "-CAcreateserial", "-days", "2", "-extfile",
                "san.ext", "-out", "tls.crt")
        for name in os.listdir(tls):
            os.chmod(os.path.join(tls, name), 0o644)
        os.chmod(tls, 0o755)
        # The Secret zwfw-tls as a folder of this host, as the overlay
        # does with zwfw-secrets (podman 4.3).
        here = os.path.join(self.dir, "kustomization")
        os.makedirs(here)
        deploy = os.path.join(zwfw_testlib.SOURCE_DIR, "deploy/k8s")
        with open(os.path.join(here, "kustomization.yaml"), "w") as f:
            f.write("""apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - %s
components:
  - %s
patches:
  - target:
      kind: Deployment
      labelSelector: zwfw.gov/role=server
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: every-server
      spec:
        template:
          spec:
            volumes:
              - name: tls
                secret: null
                hostPath:
                  path: %s
                  type: Directory
""" % (os.path.relpath(os.path.join(deploy, "overlays/podman"), here),
       os.path.relpath(os.path.join(deploy, "components/tls"), here), tls))

        def while_up(rendered):
            # Plain gRPC finds no server: they speak TLS only.
            for port in PORTS.values():
                code, _, err = zwfw("--deadline=2s", "health",
                                    "127.0.0.1:%d" % port)
                self.assertNotEqual(code, 0, port)
            # The probes' own command, in the pod, says SERVING.
            probe = ["/usr/lib/zwfw/bin/zwfw", "--deadline=2s",
                     "--tls_ca=/etc/zwfw/tls/ca.crt", "health"]
            self.assertIn("- " + "\n            - ".join(probe), rendered)
            for name, port in PORTS.items():
                answer = podman("exec", "%s-pod-0-server" % name, *probe,
                                "127.0.0.1:%d" % port)
                self.assertIn("SERVING", answer.stdout)
            self.assertEqual(rendered.count("--insecure"), 1)  # the gateway's

        self.play_embedded(here, ["--tls_ca=" + os.path.join(tls, "ca.crt")],
                           ["--tls_ca=/etc/zwfw/tls/ca.crt"], while_up)

    def container(self, name, image, args, mounts, env=()):
        """A container of the test on the host's network, read-only, as
        the image's user (65532); returns its name."""
        options = []
        for source, target in mounts:
            options += ["-v", "%s:%s" % (source, target)]
        for variable in env:
            options += ["-e", variable]
        name = "zwfw-%s-%d" % (name, os.getpid())
        podman("run", "-d", "--name", name, "--label", self.label,
               "--network=host", "--read-only", *options,
               "localhost/zwfw-%s:%s" % (image, self.version), *args)
        return name

    def test_the_scaled_layout_from_the_images(self):
        self.build_images()
        secrets = self.write_secrets()
        database = os.path.join(self.dir, "database")
        data = os.path.join(self.dir, "pgdata")
        os.makedirs(database)
        os.makedirs(data)
        os.chown(data, 65532, 65532)
        pg_port, redis_port = (zwfw_testlib.free_port() for _ in range(2))
        with open(os.path.join(database, "password"), "w") as f:
            f.write("p-" + os.urandom(12).hex() + "\n")
        with open(os.path.join(database, "database.flags"), "w") as f:
            f.write("--database=postgresql://zwfw@127.0.0.1:%d/zwfw\n" %
                    pg_port)
        for name in os.listdir(database):
            os.chmod(os.path.join(database, name), 0o644)
        started = time.time()
        # The image's entry (deploy/images/postgres-start) reads the
        # environment: initdb on the empty folder, then postgres.
        postgres = self.container(
            "postgres", "postgres", [],
            [(data, "/var/lib/postgresql/data"),
             (os.path.join(database, "password"),
              "/etc/zwfw/database/password:ro")],
            env=["PGDATA=/var/lib/postgresql/data/pgdata",
                 "ZWFW_PASSWORD_FILE=/etc/zwfw/database/password",
                 "ZWFW_POSTGRES_PORT=%d" % pg_port])
        self.container("redis", "redis",
                       ["/etc/zwfw/secrets/redis.conf", "--port",
                        str(redis_port), "--save", "", "--appendonly", "no"],
                       [(secrets, "/etc/zwfw/secrets:ro")])
        deadline = time.time() + 60
        while subprocess.run(["bash", "-c", "echo >/dev/tcp/127.0.0.1/%d" %
                              pg_port], capture_output=True).returncode:
            self.assertLess(time.time(), deadline, podman(
                "logs", postgres, check=False).stderr)
            time.sleep(0.2)

        ports = {n: (zwfw_testlib.free_port(), zwfw_testlib.free_port())
                 for n in SERVERS}
        targets = ["--%s=ipv4:127.0.0.1:%d,127.0.0.1:%d" % (n, *ports[n])
                   for n in SERVERS]
        common = ["--token_file=/etc/zwfw/secrets/tokens.txt",
                  "--service_token_file=/etc/zwfw/secrets/service.token",
                  "--cache_key_file=/etc/zwfw/secrets/cache.key",
                  "--redis=127.0.0.1:%d" % redis_port,
                  "--redis_password_file=/etc/zwfw/secrets/redis.password",
                  "--drain_timeout=10s", *targets]
        mounts = [(secrets, "/etc/zwfw/secrets:ro"),
                  (database, "/etc/zwfw/database:ro")]
        servers = []
        for name in SERVERS:
            for replica, port in enumerate(ports[name]):
                servers.append(self.container(
                    "%s-%d" % (name, replica), name,
                    ["--listen=127.0.0.1:%d" % port, *common,
                     "--flagfile=/etc/zwfw/database/database.flags",
                     "--database_password_file=/etc/zwfw/database/password"],
                    mounts))
        gateway = zwfw_testlib.free_port()
        servers.append(self.container(
            "gateway", "gateway", ["--listen=127.0.0.1:%d" % gateway, *common,
                                   "--static_dir=/usr/share/zwfw/static"],
            mounts))
        self.wait_ready([p for pair in ports.values() for p in pair], gateway)
        print("PostgreSQL, Redis, 8 replicas and the gateway ready: %.1f s" %
              (time.time() - started))

        started = time.time()
        self.load_demo(targets)
        print("the demo loaded through both replicas of each: %.1f s" %
              (time.time() - started))
        self.check_bulletin(gateway)
        # Every case is in the one database, whichever replica took it.
        with open(os.path.join(database, "password")) as f:
            password = f.read().strip()
        count = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "zwfw",
             "-At", "-c", "SELECT count(*) FROM intake.cases", "zwfw"],
            env=dict(os.environ, PGPASSWORD=password), capture_output=True,
            text=True, timeout=30)
        self.assertEqual(count.stdout.strip(), "84781", count.stderr)
        podman("stop", "-t", "15", *servers)
        for name in servers:
            state = json.loads(podman("container", "inspect",
                                      name).stdout)[0]["State"]
            self.assertEqual(state["ExitCode"], 0, name)


if __name__ == "__main__":
    zwfw_testlib.main()

"""Helpers for the integration tests: real server processes and the CLI."""
import argparse
import filecmp
import os
import random
import signal
import socket
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

BUILD_DIR = None
SOURCE_DIR = None


def configure(build_dir, source_dir):
    global BUILD_DIR, SOURCE_DIR
    BUILD_DIR, SOURCE_DIR = build_dir, source_dir


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A zwfw server child process (intake by default) on a free loopback
    port, sharing `workdir`'s data folder and token file."""

    def __init__(self, workdir, extra=(), port=None,
                 binary="services/intake/intake_server", wrapper=()):
        self.port = port or free_port()
        self.metrics_port = free_port()
        self.log_path = os.path.join(workdir, "server-%d.log" % self.port)
        self.log = open(self.log_path, "a")
        # A restart on the same port appends to the same log: only what
        # this process writes tells whether it listens.
        self.log_start = self.log.tell()
        # `wrapper`: a command the server runs under (e.g. heaptrack).
        self.proc = subprocess.Popen(
            [*wrapper, os.path.join(BUILD_DIR, binary),
             "--listen=127.0.0.1:%d" % self.port,
             "--data_dir=" + os.path.join(workdir, "data"),
             "--token_file=" + os.path.join(workdir, "tokens.txt"),
             "--metrics_listen=127.0.0.1:%d" % self.metrics_port,
             "--calendar_dir=" + os.path.join(SOURCE_DIR, "deploy/calendar"),
             *extra],
            stdout=self.log, stderr=subprocess.STDOUT)

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def wait_listening(self):
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("server exited: " + self.logs())
            with open(self.log_path, "rb") as f:
                f.seek(self.log_start)
                started = f.read().decode("utf-8", "replace")
            if ("listening on 127.0.0.1:%d" % self.port) in started:
                return self
            time.sleep(0.05)
        raise AssertionError("server did not start: " + self.logs())

    def logs(self):
        with open(self.log_path) as f:
            return f.read()

    def terminate(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=15)
        self.log.close()
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log.closed:
            self.log.close()


def zwfw(*args, token=None, check=None, timeout=120):
    """Runs the CLI; returns (exit code, stdout, stderr)."""
    cmd = [os.path.join(BUILD_DIR, "tools/zwfw/zwfw"), *args]
    if token:
        cmd.insert(1, "--token=" + token)
    env = dict(os.environ)
    env.pop("ZWFW_TOKEN", None)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       env=env)
    if check is not None and p.returncode != check:
        raise AssertionError("zwfw %s exited %d, not %d:\n%s%s" % (
            " ".join(args), p.returncode, check, p.stdout, p.stderr))
    return p.returncode, p.stdout, p.stderr


class PrivateRedis:
    """A redis-server of a test's (or the soak's) own, not the suite's
    shared one: with a password, and stopped and started again on the same
    port."""

    def __init__(self, workdir):
        self.port = free_port()
        self.dir = workdir
        self.password_file = os.path.join(workdir, "redis.password")
        with open(self.password_file, "w") as f:
            f.write("%032x" % random.getrandbits(128))
        os.chmod(self.password_file, 0o600)
        self.proc = None

    def start(self):
        with open(self.password_file) as f:
            password = f.read()
        config = ("port %d\nbind 127.0.0.1\nsave \"\"\nappendonly no\n"
                  "dir %s\nrequirepass %s\n" % (self.port, self.dir, password))
        self.proc = subprocess.Popen(["redis-server", "-"],
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL)
        self.proc.stdin.write(config.encode())
        self.proc.stdin.close()
        env = dict(os.environ, REDISCLI_AUTH=password)
        for _ in range(100):
            ping = subprocess.run(["redis-cli", "-p", str(self.port), "ping"],
                                  env=env, capture_output=True, text=True)
            if "PONG" in ping.stdout:
                return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def flags(self):
        return ["--redis=127.0.0.1:%d" % self.port,
                "--redis_password_file=" + self.password_file]


def redis_flags():
    """The server flags of tools/test's private redis-server (ZWFW_TEST_REDIS,
    with the password file it requires), or [] when there is none."""
    address = os.environ.get("ZWFW_TEST_REDIS", "")
    if not address:
        return []
    flags = ["--redis=" + address]
    password = os.environ.get("ZWFW_TEST_REDIS_PASSWORD_FILE", "")
    if password:
        flags.append("--redis_password_file=" + password)
    key = os.environ.get("ZWFW_TEST_CACHE_KEY_FILE", "")
    if key:
        flags.append("--cache_key_file=" + key)
    return flags


def redis_cli(*args):
    """redis-cli against tools/test's private Redis, authenticated."""
    host, port = os.environ["ZWFW_TEST_REDIS"].rsplit(":", 1)
    env = dict(os.environ)
    with open(os.environ["ZWFW_TEST_REDIS_PASSWORD_FILE"]) as f:
        env["REDISCLI_AUTH"] = f.read().strip()
    return subprocess.run(["redis-cli", "-h", host, "-p", port, *args],
                          env=env, capture_output=True, text=True,
                          check=True).stdout


def new_token(tokens_file, role):
    _, out, _ = zwfw("tokens", "add", "--token_file=" + tokens_file, role,
                     check=0)
    return out.strip()


def load_protos(out_dir, *names):
    """Generates Python classes for zwfw.v1's protos `names` ("intake.proto")
    with protoc into `out_dir` and puts it on sys.path: then
    `from zwfw.v1 import intake_pb2` works."""
    os.makedirs(out_dir, exist_ok=True)
    subprocess.run(
        ["protoc", "-I", os.path.join(SOURCE_DIR, "protos"),
         "--python_out=" + out_dir,
         *[os.path.join(SOURCE_DIR, "protos/zwfw/v1", name) for name in names]],
        check=True)
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)


def crash_seed():
    """The seed of a test's random crash moments: ZWFW_CRASH_SEED, or a new
    one. Printed, so that a failing run can be repeated."""
    seed = int(os.environ.get("ZWFW_CRASH_SEED") or time.time_ns() % 2**31)
    print("crash moments seeded with %d (repeat: ZWFW_CRASH_SEED=%d)"
          % (seed, seed), flush=True)
    return seed


def kill_during(server, work, rng, after):
    """kill -9 of `server` in the middle of `work(progress)`, run on a
    thread: `work` calls progress() at each acknowledged step; the kill
    comes once `after` steps are done (at once for 0), plus up to 20 ms at
    random. Returns once the server is dead and `work` has returned."""
    reached, done, failed = threading.Event(), [0], []

    def progress():
        done[0] += 1
        if done[0] >= after:
            reached.set()

    def run():
        try:
            work(progress)
        except AssertionError as e:  # a check of `work`: the test's failure
            failed.append(e)
        except Exception:  # the server died under it: expected
            pass
        reached.set()

    worker = threading.Thread(target=run)
    worker.start()
    if after > 0:
        reached.wait(30)
    time.sleep(rng.uniform(0.0, 0.02))
    server.proc.kill()
    server.proc.wait()
    worker.join(30)
    if failed:
        raise failed[0]


def node_packages(folder, files):
    """Copies tests/<folder>/package.json and `files` into the build tree
    and npm-installs the pinned packages there once; returns that folder."""
    target = os.path.join(BUILD_DIR, "node_" + folder)
    os.makedirs(target, exist_ok=True)
    source = os.path.join(SOURCE_DIR, "tests", folder)
    for name in ("package.json", *files):
        copy = os.path.join(target, name)
        if not os.path.exists(copy) or not filecmp.cmp(
                os.path.join(source, name), copy, shallow=False):
            shutil.copy(os.path.join(source, name), copy)
    marker = os.path.join(target, "node_modules/.package-lock.json")
    if (not os.path.exists(marker) or os.path.getmtime(marker) <
            os.path.getmtime(os.path.join(target, "package.json"))):
        subprocess.run(["npm", "install", "--no-audit", "--no-fund",
                        "--loglevel=error"], cwd=target, check=True,
                       timeout=600)
    return target


def demo_directory():
    return os.path.join(SOURCE_DIR, "deploy/demo/qijiang-directory.json")


def main():
    """Runs the calling module's tests: --build_dir and --source_dir name
    the build tree and the checkout; other arguments go to unittest."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--build_dir", required=True)
    parser.add_argument("--source_dir", required=True)
    args, rest = parser.parse_known_args()
    configure(args.build_dir, args.source_dir)
    unittest.main(module="__main__", argv=[sys.argv[0], "-v", *rest])


class ServicesTestCase(unittest.TestCase):
    """A test with its own folder, token file (admin, viewer and service
    tokens) and real server processes, all removed afterwards."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zwfw-test-")
        self.tokens = os.path.join(self.dir, "tokens.txt")
        self.admin = new_token(self.tokens, "admin")
        self.viewer = new_token(self.tokens, "viewer")
        self.service_token_file = os.path.join(self.dir, "service.token")
        with open(self.service_token_file, "w") as f:
            f.write(new_token(self.tokens, "service"))
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, binary, extra=()):
        """Starts a server binary (relative to the build tree) and waits
        until it listens."""
        server = Server(self.dir, binary=binary,
                        extra=["--service_token_file=" +
                               self.service_token_file, *extra])
        self.servers.append(server)
        return server.wait_listening()

    def restart(self, server, binary, extra=()):
        """Starts `binary` again on `server`'s port and data (after a kill),
        and waits until it listens."""
        again = Server(self.dir, binary=binary, port=server.port,
                       extra=["--service_token_file=" +
                              self.service_token_file, *extra])
        self.servers.append(again)
        return again.wait_listening()

    def load_demo(self, flags):
        """tools/load-demo through the servers `flags` name (--intake=…),
        its renders into the test's folder; fails the test if it fails."""
        env = dict(os.environ, ZWFW_TOKEN=self.admin,
                   OUT_DIR=os.path.join(self.dir, "out"),
                   ZWFW_BUILD_DIR=BUILD_DIR)
        load = subprocess.run(
            [os.path.join(SOURCE_DIR, "tools/load-demo"), *flags],
            env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(load.returncode, 0, load.stdout + load.stderr)

    def private_database(self, name):
        """A database `name` of its own on tools/test's PostgreSQL cluster;
        returns the servers' --database flags (skips the test without the
        cluster)."""
        url = os.environ.get("ZWFW_TEST_POSTGRES")
        if not url:
            self.skipTest("no ZWFW_TEST_POSTGRES: run tools/test")
        subprocess.run([os.path.join(SOURCE_DIR, "tools/postgres"), "createdb",
                        os.environ["ZWFW_TEST_POSTGRES_DIR"], name],
                       check=True)
        return ["--database=" + urllib.parse.urlsplit(url)._replace(
                    path="/" + name).geturl(),
                "--database_password_file=" +
                os.environ["ZWFW_TEST_POSTGRES_PASSWORD_FILE"]]

    def start_dashboard(self, extra=()):
        """The four services and a gateway that lets requests without a
        token read aggregates (--anonymous_viewer), as tools/run starts
        them; returns (the gateway, the --intake=… flags for clients)."""
        viewer = os.path.join(self.dir, "viewer.token")
        with open(viewer, "w") as f:
            f.write(self.viewer)
        _, peers = self.start_services()
        gateway = self.start("gateway/gateway_server", peers + [
            "--anonymous_viewer", "--viewer_token_file=" + viewer, *extra])
        return gateway, peers

    def start_services(self, extra=()):
        """intake, survey, scoring and bulletin, each told where the others
        are; returns (servers by name, the --intake=… flags for clients)."""
        servers = {"intake": self.start("services/intake/intake_server",
                                        extra)}
        flags = ["--intake=" + servers["intake"].address]
        for name in ("survey", "scoring", "bulletin"):
            servers[name] = self.start(
                "services/%s/%s_server" % (name, name), [*flags, *extra])
            flags.append("--%s=%s" % (name, servers[name].address))
        return servers, flags

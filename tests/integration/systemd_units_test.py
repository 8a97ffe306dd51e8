#!/usr/bin/env python3
"""deploy/systemd as an operator installs it (README, "Deploying"):

- deploy/systemd/install (into a staging root, DESTDIR) puts binaries,
  units, flag files and first secrets in place, and a second run keeps the
  operator's flag files and secrets;
- `systemd-analyze verify` takes every unit and the target without a word;
- `systemd-analyze security` rates every server "OK" (exposure at most
  2.0 of 10), and each unit keeps the settings the README promises:
  DynamicUser, ProtectSystem=strict, NoNewPrivileges, no capabilities, a
  StateDirectory for the four that keep data, Restart=on-failure, and
  TimeoutStopSec longer than the --drain_timeout its ExecStart sets;
- each installed unit's ExecStart, run as systemd would run it (the
  installed binaries and flag files, the state and credentials folders
  systemd makes), starts the real server, which answers health checks with
  the installed admin token, and SIGTERM drains it to exit 0 within
  TimeoutStopSec.

The installed paths (/usr/lib/zwfw, /etc/zwfw, /usr/share/zwfw) are read
under the staging root, and the fixed ports are moved onto free ones;
nothing else of the files changes."""
import glob
import os
import re
import shutil
import signal
import subprocess
import time

import zwfw_testlib
from zwfw_testlib import zwfw

UNITS = ("intake", "survey", "scoring", "bulletin", "gateway")
INSTALLED = ("/usr/lib/zwfw", "/usr/share/zwfw", "/etc/zwfw")


def settings(path):
    """A unit file's (or drop-in's) settings: name -> list of values, with
    continued lines joined."""
    out = {}
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        out.setdefault(key, []).append(value)
    return out


def seconds(value):
    m = re.fullmatch(r"(\d+)s", value)
    assert m, value
    return int(m.group(1))


class SystemdUnitsTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        if not shutil.which("systemd-analyze"):
            raise AssertionError("systemd-analyze is missing: run tools/setup")
        self.root = os.path.join(self.dir, "root")
        self.install()
        self.units = os.path.join(self.root, "etc/systemd/system")
        self.ports = {}

    def install(self):
        done = subprocess.run(
            [os.path.join(zwfw_testlib.SOURCE_DIR, "deploy/systemd/install"),
             zwfw_testlib.BUILD_DIR],
            env=dict(os.environ, DESTDIR=self.root), capture_output=True,
            text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        return done.stdout

    def localise(self, text):
        """The installed paths read under the staging root; every fixed
        loopback port moved to a free one."""
        for path in INSTALLED:
            text = text.replace(path, self.root + path)

        def free(m):
            port = self.ports.setdefault(m.group(1), zwfw_testlib.free_port())
            return "127.0.0.1:%d" % port
        return re.sub(r"127\.0\.0\.1:(\d+)", free, text)

    def unit_files(self):
        return sorted(glob.glob(os.path.join(self.units, "zwfw-*.service")))

    def test_a_second_install_keeps_the_operators_files(self):
        etc = os.path.join(self.root, "etc/zwfw")
        with open(os.path.join(etc, "intake.flags"), "a") as f:
            f.write("--database_connections=8\n")
        with open(os.path.join(etc, "secrets/service.token")) as f:
            token = f.read()
        self.assertEqual(os.stat(os.path.join(etc, "secrets")).st_mode & 0o777,
                         0o700)
        self.assertNotIn("admin token", self.install())
        with open(os.path.join(etc, "intake.flags")) as f:
            self.assertIn("--database_connections=8", f.read())
        with open(os.path.join(etc, "secrets/service.token")) as f:
            self.assertEqual(f.read(), token)
        with open(os.path.join(etc, "tokens.txt")) as f:
            self.assertEqual(len(f.read().splitlines()), 2)  # admin, service

    def test_units_verify_and_rate_ok(self):
        for path in self.unit_files():
            with open(path) as f:
                text = self.localise(f.read())
            with open(path, "w") as f:
                f.write(text)
        env = dict(os.environ, SYSTEMD_UNIT_PATH=self.units + ":")
        names = [os.path.basename(p) for p in self.unit_files()]
        self.assertEqual(len(names), len(UNITS))
        verify = subprocess.run(
            ["systemd-analyze", "verify", *names, "zwfw.target"],
            cwd=self.units, env=env, capture_output=True, text=True)
        self.assertEqual(verify.returncode, 0, verify.stderr)
        self.assertEqual(verify.stdout + verify.stderr, "")

        hardening = settings(os.path.join(self.units,
                                          "zwfw-.service.d/10-hardening.conf"))
        for name in names:
            security = subprocess.run(
                ["systemd-analyze", "security", "--offline=true", name],
                cwd=self.units, env=env, capture_output=True, text=True)
            self.assertEqual(security.stderr, "", name)
            level = re.search(r"Overall exposure level for \S+: ([\d.]+) (\w+)",
                              security.stdout)
            self.assertIsNotNone(level, security.stdout)
            self.assertLessEqual(float(level.group(1)), 2.0, security.stdout)
            self.assertEqual(level.group(2), "OK")

            unit = {**hardening, **settings(os.path.join(self.units, name))}
            for key, want in (("DynamicUser", "yes"),
                              ("ProtectSystem", "strict"),
                              ("NoNewPrivileges", "yes"),
                              ("CapabilityBoundingSet", ""),
                              ("Restart", "on-failure"),
                              ("KillSignal", "SIGTERM")):
                self.assertEqual(unit[key], [want], "%s %s" % (name, key))
            drain = re.search(r"--drain_timeout=(\d+s)",
                              " ".join(unit["ExecStart"]))
            self.assertIsNotNone(drain, name)
            self.assertGreater(seconds(unit["TimeoutStopSec"][0]),
                               seconds(drain.group(1)), name)
            if name != "zwfw-gateway.service":
                self.assertEqual(unit["StateDirectory"],
                                 ["zwfw/" + name[5:-8]], name)

    def test_each_exec_start_runs_the_server(self):
        etc = os.path.join(self.root, "etc/zwfw")
        for path in glob.glob(os.path.join(etc, "*.flags")):
            with open(path) as f:
                text = self.localise(f.read())
            with open(path, "w") as f:
                f.write(text)
        # What LoadCredential= copies for the unit.
        credentials = os.path.join(self.root, "run/credentials")
        os.makedirs(credentials)
        for name in ("service.token", "cache.key"):
            shutil.copy(os.path.join(etc, "secrets", name), credentials)
        with open(os.path.join(etc, "secrets/admin.token")) as f:
            admin = f.read().strip()

        processes = {}
        for name in UNITS:
            unit = settings(os.path.join(self.units, "zwfw-%s.service" % name))
            state = os.path.join(self.root, "var/lib/zwfw", name)
            os.makedirs(state)
            command = self.localise(unit["ExecStart"][0])
            command = command.replace("${STATE_DIRECTORY}", state).replace(
                "${CREDENTIALS_DIRECTORY}", credentials)
            log = open(os.path.join(self.dir, name + ".log"), "w")
            processes[name] = (subprocess.Popen(
                command.split(), stdout=log, stderr=subprocess.STDOUT,
                cwd=state), log)
        try:
            for name, (proc, log) in processes.items():
                self.wait_listening(name, proc)
            for name in UNITS[:-1]:
                port = self.ports[str(50051 + UNITS.index(name))]
                code, out, err = zwfw("--deadline=5s", "health",
                                      "127.0.0.1:%d" % port, token=admin)
                self.assertEqual(code, 0, err)
                self.assertIn("SERVING", out)
            for name, (proc, log) in processes.items():
                proc.send_signal(signal.SIGTERM)
            for name, (proc, log) in processes.items():
                self.assertEqual(proc.wait(timeout=15), 0, self.log(name))
        finally:
            for proc, log in processes.values():
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                log.close()

    def log(self, name):
        with open(os.path.join(self.dir, name + ".log")) as f:
            return f.read()

    def wait_listening(self, name, proc):
        deadline = time.time() + 20
        while time.time() < deadline:
            self.assertIsNone(proc.poll(), self.log(name))
            if re.search(r"listening on 127\.0\.0\.1:\d+", self.log(name)):
                return
            time.sleep(0.05)
        self.fail("%s did not start: %s" % (name, self.log(name)))


if __name__ == "__main__":
    zwfw_testlib.main()

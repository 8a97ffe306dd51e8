#!/usr/bin/env python3
"""The real intake_server binary and the real zwfw CLI, end to end.

Starts the server with a token file, imports the demo directory with the
CLI, reads it back, feeds it bad input, checks metrics and health, restarts
it to see the directory persist, sends SIGTERM and expects exit 0; then the
same over TLS and mutual TLS.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.request

from zwfw_testlib import Server, zwfw
import zwfw_testlib


class IntakeServerTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zwfw-intake-")
        self.tokens = os.path.join(self.dir, "tokens.txt")
        _, self.admin, _ = zwfw("tokens", "add", "--token_file=" + self.tokens,
                                "admin", check=0)
        self.admin = self.admin.strip()
        _, self.viewer, _ = zwfw("tokens", "add",
                                 "--token_file=" + self.tokens, "viewer",
                                 check=0)
        self.viewer = self.viewer.strip()
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start(self, extra=()):
        server = Server(self.dir, extra)
        self.servers.append(server)
        server.wait_listening()
        return server

    def departments(self, server):
        _, out, _ = zwfw("--intake=" + server.address, "directory",
                         "departments", "--json", token=self.viewer, check=0)
        return json.loads(out)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_import_list_bad_input_restart_and_sigterm(self):
        server = self.start()
        zwfw("--intake=" + server.address, "health", check=0)
        demo = os.path.join(zwfw_testlib.SOURCE_DIR, "deploy/demo/qijiang-directory.json")

        # The token file holds hashes only.
        with open(self.tokens) as f:
            self.assertNotIn(self.admin, f.read())

        code, out, err = zwfw("--intake=" + server.address, "directory",
                              "import", demo, token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("imported directory version 1: 34 departments, "
                      "13 windows, 25 staff, 6 service items", out)

        listed = self.departments(server)
        self.assertEqual(len(listed["departments"]), 34)
        self.assertEqual(listed["directory_version"], "1")
        first = listed["departments"][0]
        self.assertEqual(first["name"], "区市场监管局")
        self.assertEqual(first["table_name"], "区市场监督管理局")
        code, out, _ = zwfw("--intake=" + server.address, "directory",
                            "departments", token=self.viewer)
        self.assertEqual(code, 0)
        self.assertIn("区人力社保局", out)
        self.assertIn("34 departments, directory version 1", out)

        # No token, an unknown token, a role that may not import.
        code, _, err = zwfw("--intake=" + server.address, "directory",
                            "departments")
        self.assertEqual(code, 1)
        self.assertIn("UNAUTHENTICATED", err)
        code, _, err = zwfw("--intake=" + server.address, "directory",
                            "departments", token="zwfw_guessed")
        self.assertIn("UNAUTHENTICATED: unknown bearer token", err)
        code, _, err = zwfw("--intake=" + server.address, "directory",
                            "import", demo, token=self.viewer)
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)

        # A malformed file, an unknown field: refused by the CLI, named.
        code, _, err = zwfw("--intake=" + server.address, "directory",
                            "import", self.write("bad.json", "{\"departments\": ["),
                            token=self.admin)
        self.assertEqual(code, 2)
        self.assertIn("bad.json is not a zwfw.v1.DirectorySnapshot", err)
        code, _, err = zwfw("--intake=" + server.address, "directory",
                            "import", self.write("unknown.json",
                                                 '{"departmentz": []}'),
                            token=self.admin)
        self.assertEqual(code, 2)
        self.assertIn("departmentz", err)

        # A duplicate code and a dangling reference: the server names the
        # entry and changes nothing.
        with open(demo) as f:
            snapshot = json.load(f)
        snapshot["departments"][5]["code"] = snapshot["departments"][2]["code"]
        code, _, err = zwfw("--intake=" + server.address, "directory", "import",
                            self.write("dup.json", json.dumps(snapshot)),
                            token=self.admin)
        self.assertEqual(code, 1)
        self.assertIn("INVALID_ARGUMENT: departments[5] (code \"qj-gaj\"): code",
                      err)
        with open(demo) as f:
            snapshot = json.load(f)
        snapshot["staff"][0]["window_code"] = "qj-w99"
        code, _, err = zwfw("--intake=" + server.address, "directory", "import",
                            self.write("dangling.json", json.dumps(snapshot)),
                            token=self.admin)
        self.assertIn("staff[0] (code \"qj-s001\"): window_code: no window "
                      "\"qj-w99\"", err)

        # An oversized message: refused, and the server keeps serving.
        huge = {"departments": [{"code": "d%d" % i, "name": "x" * 200}
                                for i in range(60000)]}
        code, _, err = zwfw("--intake=" + server.address, "directory", "import",
                            self.write("huge.json", json.dumps(huge)),
                            token=self.admin)
        self.assertEqual(code, 1)
        self.assertIn("RESOURCE_EXHAUSTED", err)
        self.assertEqual(len(self.departments(server)["departments"]), 34)
        self.assertEqual(self.departments(server)["directory_version"], "1")

        # Metrics count RPCs by method and code.
        metrics = urllib.request.urlopen(
            "http://127.0.0.1:%d/metrics" % server.metrics_port,
            timeout=5).read().decode()
        self.assertIn('zwfw_rpc_total{code="PERMISSION_DENIED",'
                      'method="/zwfw.v1.Directory/ImportDirectory"} 1', metrics)
        self.assertIn("zwfw_rpc_duration_seconds_bucket", metrics)

        # Personal data and tokens never reach the log.
        logs = server.logs()
        self.assertNotIn(self.admin, logs)
        self.assertIn("directory version 1 imported by token", logs)

        self.assertEqual(server.terminate(), 0)
        self.assertIn("draining", server.logs())

        # The directory survives the restart.
        server = self.start()
        self.assertEqual(len(self.departments(server)["departments"]), 34)
        _, out, _ = zwfw("--intake=" + server.address, "directory", "staff",
                         "qj-w06", token=self.viewer, check=0)
        self.assertIn("张元梅", out)
        self.assertEqual(server.terminate(), 0)

    def test_cases_import_and_stats_through_the_cli(self):
        server = self.start()
        addr = "--intake=" + server.address
        zwfw(addr, "directory", "import",
             os.path.join(zwfw_testlib.SOURCE_DIR,
                          "deploy/demo/qijiang-directory.json"),
             token=self.admin, check=0)
        july = os.path.join(self.dir, "july.jsonl")
        with open(july, "w") as f:
            subprocess.run([os.path.join(zwfw_testlib.BUILD_DIR,
                                         "tools/seedgen/seedgen"),
                            "--directory=" + os.path.join(
                                zwfw_testlib.SOURCE_DIR,
                                "deploy/demo/qijiang-directory.json")],
                           stdout=f, check=True)
        code, out, err = zwfw(addr, "cases", "import", july, token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("accepted 84781, updated 0, duplicate 0, rejected 0", out)

        # Bad lines are reported by number; the good ones are stored.
        bad = self.write("bad.jsonl", "\n".join([
            '{"department_code": "qj-gaj", "case_no": "cli-1", '
            '"category": "ITEM_CATEGORY_APPROVAL", '
            '"site": "HANDLING_SITE_CENTER", "status": "CASE_STATUS_ACCEPTED", '
            '"accepted_at": "2020-07-31T15:30:00Z"}',
            'not json',
            '{"department_code": "qj-gaj", "case_no": "cli-2", '
            '"category": "ITEM_CATEGORY_APPROVAL", '
            '"site": "HANDLING_SITE_CENTER", "status": "CASE_STATUS_ACCEPTED"}',
            '{"department_code": "qj-nobody", "case_no": "cli-3"}',
            '{"case_no": "cli-4", "colour": "red"}',
        ]) + "\n")
        code, out, err = zwfw(addr, "cases", "import", bad, token=self.admin)
        self.assertEqual(code, 3)
        self.assertIn("accepted 1, updated 0, duplicate 0, rejected 4", out)
        self.assertIn("line 2: json:", err)
        self.assertIn("line 3: accepted_at: is missing", err)
        self.assertIn("line 4: department_code: department \"qj-nobody\" "
                      "is not in the directory", err)
        self.assertIn("line 5: json:", err)
        self.assertIn("colour", err)

        code, out, err = zwfw(addr, "cases", "stats", "--period=2020-07",
                              token=self.viewer)
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        total = next(l for l in lines if l.startswith("合计")).split()
        self.assertEqual(total[1:], ["67355", "35313", "37880", "22375",
                                     "7100", "55070"])  # + the case cli-1
        self.assertIn("共受理 84782 件", out)
        self.assertIn("区人力社保局超时5件；区发改委、区城市管理局超时1件", out)

        code, out, _ = zwfw(addr, "cases", "get", "区公安局", "cli-1",
                            token=self.admin)
        self.assertEqual(code, 0)
        self.assertIn('"case_no": "cli-1"', out)
        code, _, err = zwfw(addr, "cases", "get", "区公安局", "cli-1",
                            token=self.viewer)
        self.assertEqual(code, 1)
        self.assertIn("PERMISSION_DENIED", err)
        code, out, _ = zwfw(addr, "cases", "list", "--overtime_only",
                            token=self.admin)
        self.assertIn("7 cases", out)
        self.assertEqual(server.terminate(), 0)

    def test_the_cli_takes_a_target_of_several_replicas(self):
        # One replica up, one address where nothing listens: the channel
        # balances over the live one (replica_channel.h).
        server = self.start()
        dead = "127.0.0.1:%d" % zwfw_testlib.free_port()
        both = "--intake=ipv4:%s,%s" % (dead, server.address)
        code, out, err = zwfw(
            both, "directory", "import",
            os.path.join(zwfw_testlib.SOURCE_DIR,
                         "deploy/demo/qijiang-directory.json"),
            token=self.admin)
        self.assertEqual(code, 0, err)
        for _ in range(3):  # round-robin never picks the dead address
            code, out, err = zwfw(both, "directory", "departments", "--json",
                                  token=self.viewer)
            self.assertEqual(code, 0, err)
            self.assertEqual(len(json.loads(out)["departments"]), 34)
        code, out, err = zwfw("--intake=dns:///" + server.address,
                              "directory", "departments", "--json",
                              token=self.viewer)
        self.assertEqual(code, 0, err)
        self.assertEqual(len(json.loads(out)["departments"]), 34)
        self.assertEqual(server.terminate(), 0)
        # Nothing left: a clear error, not a hang.
        code, _, err = zwfw(both, "directory", "departments",
                            token=self.viewer, timeout=60)
        self.assertNotEqual(code, 0)
        self.assertIn("UNAVAILABLE", err)

    def test_a_bad_token_file_stops_the_server_with_a_reason(self):
        self.write("tokens.txt", "nonsense admin\n")
        server = Server(self.dir)
        self.servers.append(server)
        self.assertEqual(server.proc.wait(timeout=15), 1)
        self.assertIn("token file line 1", server.logs())

    def test_tls_and_mutual_tls(self):
        certs = os.path.join(self.dir, "certs")
        os.mkdir(certs)

        def openssl(*args):
            subprocess.run(["openssl", *args], cwd=certs, check=True,
                           capture_output=True)

        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=zwfw test CA", "-keyout", "ca.key",
                "-out", "ca.pem")
        with open(os.path.join(certs, "san.ext"), "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        for name in ("server", "client"):
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj",
                    "/CN=" + name, "-keyout", name + ".key",
                    "-out", name + ".csr")
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem",
                    "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
                    "-extfile", "san.ext", "-out", name + ".pem")
        p = lambda n: os.path.join(certs, n)

        server = self.start(["--tls_cert=" + p("server.pem"),
                             "--tls_key=" + p("server.key")])
        self.assertIn("(TLS)", server.logs())
        zwfw("--intake=" + server.address, "--tls_ca=" + p("ca.pem"),
             "health", check=0)
        code, _, _ = zwfw("--intake=" + server.address, "--deadline=2s",
                          "health")
        self.assertEqual(code, 1)  # plaintext client, TLS server
        self.assertEqual(server.terminate(), 0)

        server = self.start(["--tls_cert=" + p("server.pem"),
                             "--tls_key=" + p("server.key"),
                             "--tls_client_ca=" + p("ca.pem")])
        code, _, _ = zwfw("--intake=" + server.address, "--deadline=2s",
                          "--tls_ca=" + p("ca.pem"), "health")
        self.assertEqual(code, 1)  # no client certificate
        zwfw("--intake=" + server.address, "--tls_ca=" + p("ca.pem"),
             "--tls_cert=" + p("client.pem"), "--tls_key=" + p("client.key"),
             "directory", "departments", token=self.viewer, check=0)
        self.assertEqual(server.terminate(), 0)

        # Half a TLS configuration is refused at start-up.
        server = Server(self.dir, ["--tls_cert=" + p("server.pem")])
        self.servers.append(server)
        self.assertEqual(server.proc.wait(timeout=15), 1)
        self.assertIn("--tls_cert and --tls_key must be given together",
                      server.logs())


if __name__ == "__main__":
    zwfw_testlib.main()

#!/usr/bin/env python3
"""Intake as three replicas, survey, scoring and bulletin as two each, on
one PostgreSQL database (tools/test's cluster, a database of this test's
own; a schema each), all real processes:

- the July 2020 demo loaded through every replica of each at once (the
  CLI's --intake, --survey, --scoring and --bulletin name them all:
  round_robin) gives the golden test's figures (sections 一, 四 and 五 of
  the reference), and renders byte for byte as a bulletin server on SQLite
  renders it, through either replica;
- a case written through one intake replica is read through each other;
  the directory imported through one is served by all;
- the period published through both replicas at the same moment is
  published once: one publisher is told the version, the other that it is
  already published; both replicas list that one version;
- a write through one replica moves the data version the other reports on
  zwfw.v1.Changes/Watch (NOTIFY), so caches in front stay exact;
- the audit trail is one intact chain, whichever replica wrote;
- a published month takes no back-dated case or rating through any
  replica;
- a password in --database is refused at start, never echoed."""
import json
import os
import subprocess
import threading
import time
import urllib.request

import grpc

import zwfw_testlib
from bulletin_golden_test import assert_computed_sections, reference_bulletin
from zwfw_testlib import zwfw


class PostgresReplicasTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        self.database = self.private_database(
            "replicas_%d_%s" % (os.getpid(), self._testMethodName[5:20]))
        zwfw_testlib.load_protos(os.path.join(self.dir, "py"),
                                 "changes.proto")

    def watch(self, address, seen):
        """Follows `address`'s Changes/Watch on a thread; appends each
        (epoch, counter) to `seen`."""
        from zwfw.v1 import changes_pb2
        channel = grpc.insecure_channel(address)
        stream = channel.unary_stream(
            "/zwfw.v1.Changes/Watch",
            request_serializer=changes_pb2.WatchChangesRequest.SerializeToString,
            response_deserializer=changes_pb2.DataChange.FromString)
        call = stream(changes_pb2.WatchChangesRequest(),
                      metadata=[("authorization", "Bearer " + self.admin)],
                      timeout=120)

        def follow():
            try:
                for change in call:
                    seen.append((change.epoch, change.counter))
            except grpc.RpcError:
                pass  # cancelled at the end

        threading.Thread(target=follow, daemon=True).start()
        return call, channel

    def test_two_bulletin_replicas_on_one_database(self):
        intakes = [self.start("services/intake/intake_server", self.database)
                   for _ in range(3)]
        upstream = ["--intake=ipv4:%s,%s,%s" %
                    tuple(r.address for r in intakes)]
        surveys = [self.start("services/survey/survey_server",
                              [*upstream, *self.database]) for _ in range(2)]
        upstream.append("--survey=ipv4:%s,%s" %
                        tuple(r.address for r in surveys))
        scoring = [self.start("services/scoring/scoring_server",
                              [*upstream, *self.database]) for _ in range(2)]
        upstream.append("--scoring=ipv4:%s,%s" %
                        tuple(r.address for r in scoring))
        replicas = [self.start("services/bulletin/bulletin_server",
                               [*upstream, *self.database]) for _ in range(2)]
        embedded = self.start("services/bulletin/bulletin_server", upstream)
        both = "--bulletin=ipv4:%s,%s" % tuple(r.address for r in replicas)

        out = os.path.join(self.dir, "out")
        env = dict(os.environ, ZWFW_TOKEN=self.admin, OUT_DIR=out,
                   ZWFW_BUILD_DIR=zwfw_testlib.BUILD_DIR)
        load = subprocess.run(
            [os.path.join(zwfw_testlib.SOURCE_DIR, "tools/load-demo"),
             *upstream, both],
            env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(load.returncode, 0, load.stdout + load.stderr)
        draft = os.path.join(zwfw_testlib.SOURCE_DIR,
                             "deploy/demo/qijiang-2020-07-draft.json")
        zwfw("--bulletin=" + embedded.address, "bulletin", "draft", "set",
             draft, token=self.admin, check=0)

        def render(address, fmt):
            path = os.path.join(self.dir, "%s.%s" % (address, fmt))
            zwfw("--bulletin=" + address, "bulletin", "render",
                 "--period=2020-07", "--format=" + fmt, "--o=" + path,
                 token=self.admin, check=0)
            with open(path, "rb") as f:
                return f.read()

        reference = reference_bulletin()
        for fmt in ("txt", "md", "csv", "html"):
            want = render(embedded.address, fmt)
            if fmt == "txt":  # the draft's, stored in either database
                self.assertIn("綦政服〔2020〕12号".encode(), want)
                text = want.decode()
                assert_computed_sections(self, text, reference)
                self.assertIn("本月回访办事群众230名，满意率100%。", text)
            for r in replicas:
                self.assertEqual(render(r.address, fmt), want,
                                 "%s through %s" % (fmt, r.address))

        self.read_your_writes_through_the_gateway(upstream, both, intakes)

        seen = []
        call, channel = self.watch(replicas[0].address, seen)
        deadline = time.time() + 10
        while not seen and time.time() < deadline:
            time.sleep(0.05)
        self.assertTrue(seen, "no version from the first replica")
        before = seen[-1]

        # Both replicas publish July at the same moment.
        publishers = [subprocess.Popen(
            [os.path.join(zwfw_testlib.BUILD_DIR, "tools/zwfw/zwfw"),
             "--token=" + self.admin, "--bulletin=" + r.address, "bulletin",
             "publish", "--period=2020-07"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for r in replicas]
        answers = [p.communicate(timeout=120) + (p.returncode,)
                   for p in publishers]
        codes = sorted(a[2] for a in answers)
        self.assertEqual(codes, [0, 1], answers)
        won = next(a for a in answers if a[2] == 0)
        lost = next(a for a in answers if a[2] != 0)
        self.assertIn("published 2020-07 version 1", won[0])
        self.assertIn("FAILED_PRECONDITION", lost[1])
        self.assertIn("already published as version 1", lost[1])
        for r in replicas:
            # Version 1 through either replica; there is no version 2.
            code, _, err = zwfw("--bulletin=" + r.address, "bulletin", "get",
                                "--period=2020-07", "--version=1",
                                "--format=txt",
                                "--o=" + os.path.join(self.dir, "v1.txt"),
                                token=self.admin)
            self.assertEqual(code, 0, err)
            code, _, err = zwfw("--bulletin=" + r.address, "bulletin", "get",
                                "--period=2020-07", "--version=2",
                                "--format=txt",
                                "--o=" + os.path.join(self.dir, "v2.txt"),
                                token=self.admin)
            self.assertNotEqual(code, 0)
            self.assertIn("NOT_FOUND", err)

        # The first replica reported the write, whichever replica made it.
        deadline = time.time() + 10
        while seen[-1][1] <= before[1] and time.time() < deadline:
            time.sleep(0.05)
        self.assertGreater(seen[-1][1], before[1], seen)
        # A draft through the second replica moves the first's version too.
        mark = seen[-1]
        zwfw("--bulletin=" + replicas[1].address, "bulletin", "draft", "set",
             draft, "--start_new_version", token=self.admin, check=0)
        deadline = time.time() + 10
        while seen[-1][1] <= mark[1] and time.time() < deadline:
            time.sleep(0.05)
        self.assertGreater(seen[-1][1], mark[1], seen)
        call.cancel()
        channel.close()

        # One chain a service: drafts and the publish through both bulletin
        # replicas, rules, adjustments, awards and the freeze through both
        # scoring replicas, ratings, visits and the close through both
        # survey replicas.
        for name, servers in (("bulletin", replicas), ("scoring", scoring),
                              ("survey", surveys)):
            for r in servers:
                code, verdict, err = zwfw("--%s=%s" % (name, r.address),
                                          "audit", "verify", name,
                                          token=self.admin)
                self.assertEqual(code, 0, err)
                self.assertIn("chain intact", verdict)
        # The period is frozen in scoring, whichever replica is asked.
        for r in scoring:
            code, _, err = zwfw("--scoring=" + r.address, "adjustments", "add",
                                "--period=2020-07", "--department=qj-gaj",
                                "--points=-1", "--reason=late",
                                token=self.admin)
            self.assertNotEqual(code, 0)
            self.assertIn("frozen", err)

        # A password in the URL: refused, and not repeated.
        bad = zwfw_testlib.Server(
            self.dir, binary="services/bulletin/bulletin_server",
            extra=["--service_token_file=" + self.service_token_file,
                   *upstream,
                   "--database=postgresql://zwfw:hunter2@127.0.0.1:1/x"])
        self.servers.append(bad)
        self.assertNotEqual(bad.proc.wait(timeout=20), 0)
        logs = bad.logs()
        self.assertIn("--database_password_file", logs)
        self.assertNotIn("hunter2", logs)

        # The period is closed in survey too, whichever replica is asked.
        rating = os.path.join(self.dir, "late-rating.jsonl")
        with open(rating, "w") as f:
            f.write('{"evaluation_id": "late-r1", "department_code": "qj-gaj", '
                    '"rating": 5, "channel": "EVALUATION_CHANNEL_ONLINE", '
                    '"evaluated_at": "2020-07-31T08:00:00Z"}\n')
        for r in surveys:
            code, _, err = zwfw("--survey=" + r.address, "evaluations",
                                "import", rating, token=self.admin)
            self.assertEqual(code, 3, err)
            self.assertIn("evaluated_at: 2020-07 is published and closed", err)

        # ... and in intake, whichever replica is asked.
        case = os.path.join(self.dir, "late-case.jsonl")
        with open(case, "w") as f:
            f.write('{"department_code": "qj-gaj", "case_no": "late-c1", '
                    '"category": "ITEM_CATEGORY_APPROVAL", '
                    '"site": "HANDLING_SITE_CENTER", '
                    '"status": "CASE_STATUS_ACCEPTED", '
                    '"accepted_at": "2020-07-30T02:00:00Z"}\n')
        for r in intakes:
            code, _, err = zwfw("--intake=" + r.address, "cases", "import",
                                case, token=self.admin)
            self.assertEqual(code, 3, err)
            self.assertIn("accepted_at: 2020-07 is published and closed", err)
        code, verdict, err = zwfw("--intake=" + intakes[2].address, "audit",
                                  "verify", "intake", token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("chain intact", verdict)

    def test_a_write_through_one_intake_replica_is_read_through_another(self):
        intakes = [self.start("services/intake/intake_server", self.database)
                   for _ in range(2)]
        directory = os.path.join(zwfw_testlib.SOURCE_DIR,
                                 "deploy/demo/qijiang-directory.json")
        zwfw("--intake=" + intakes[0].address, "directory", "import",
             directory, token=self.admin, check=0)
        # At once, through the other replica: a case naming a department
        # of that import is taken (the replica asks the database when its
        # copy lacks the department, not waiting for the NOTIFY).
        case = os.path.join(self.dir, "case.jsonl")
        with open(case, "w") as f:
            f.write('{"department_code": "qj-gaj", "case_no": "rw-1", '
                    '"category": "ITEM_CATEGORY_APPROVAL", '
                    '"site": "HANDLING_SITE_CENTER", '
                    '"status": "CASE_STATUS_ACCEPTED", '
                    '"accepted_at": "2020-07-06T02:00:00Z"}\n')
        code, out, err = zwfw("--intake=" + intakes[1].address, "cases",
                              "import", case, token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("accepted 1, updated 0, duplicate 0, rejected 0", out)
        # And it lists the import.
        deadline = time.time() + 10
        while True:
            code, listed, err = zwfw("--intake=" + intakes[1].address,
                                     "directory", "departments",
                                     token=self.admin)
            if "qj-gaj" in listed or time.time() > deadline:
                break
            time.sleep(0.05)
        self.assertIn("qj-gaj", listed, err)
        code, got, err = zwfw("--intake=" + intakes[0].address, "cases", "get",
                              "qj-gaj", "rw-1", token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("rw-1", got)
        # The same record through the first replica: already there.
        code, out, err = zwfw("--intake=" + intakes[0].address, "cases",
                              "import", case, token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("accepted 0, updated 0, duplicate 1, rejected 0", out)

    def test_cases_move_from_sqlite_to_postgres(self):
        """The README's move of intake's cases: listed from the SQLite
        server as proto-JSON lines, imported into the PostgreSQL one; the
        month's statistics come out equal, every field of every case too."""
        sqlite = self.start("services/intake/intake_server")
        pg = self.start("services/intake/intake_server", self.database)
        directory = zwfw_testlib.demo_directory()
        for server in (sqlite, pg):
            zwfw("--intake=" + server.address, "directory", "import",
                 directory, token=self.admin, check=0)
        july = os.path.join(self.dir, "july.jsonl")
        with open(july, "w") as f:
            subprocess.run([os.path.join(zwfw_testlib.BUILD_DIR,
                                         "tools/seedgen/seedgen"),
                            "--directory=" + directory], stdout=f, check=True)
        zwfw("--intake=" + sqlite.address, "cases", "import", july,
             token=self.admin, check=0)

        code, listed, err = zwfw("--intake=" + sqlite.address, "cases", "list",
                                 "--json", "--limit=10000000",
                                 token=self.admin)
        self.assertEqual(code, 0, err)
        moved = os.path.join(self.dir, "moved.jsonl")
        with open(moved, "w") as f:
            f.write(listed)
        code, out, err = zwfw("--intake=" + pg.address, "cases", "import",
                              moved, token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("accepted 84781, updated 0, duplicate 0, rejected 0", out)
        stats = [zwfw("--intake=" + server.address, "cases", "stats",
                      "--period=2020-07", "--json", token=self.admin,
                      check=0)[1] for server in (sqlite, pg)]
        figures = [json.loads(x) for x in stats]
        for f in figures:  # the count of writes, not a figure
            f.pop("data_version")
        self.assertEqual(figures[0], figures[1])
        again = zwfw("--intake=" + pg.address, "cases", "list", "--json",
                     "--limit=10000000", token=self.admin, check=0)[1]
        self.assertEqual(again, listed)

    def read_your_writes_through_the_gateway(self, upstream, both, intakes):
        gateway = self.start("gateway/gateway_server",
                             [*upstream, both, *zwfw_testlib.redis_flags(),
                              "--rate_limit_per_minute=0"])
        deadline = time.time() + 10
        while time.time() < deadline and gateway.logs().count(
                "data version: its answers may be cached") < 4:
            time.sleep(0.05)

        def call(path, method="GET", body=None):
            request = urllib.request.Request(
                "http://127.0.0.1:%d%s" % (gateway.port, path), method=method,
                data=None if body is None else json.dumps(body).encode(),
                headers={"Authorization": "Bearer " + self.admin})
            with urllib.request.urlopen(request, timeout=60) as r:
                return json.loads(r.read()), r.headers.get("X-Zwfw-Cache")

        versions = "/v1/periods/2020-06/versions"
        caches = [call(versions)[1] for _ in range(4)]
        self.assertIn("hit", caches)  # the cache is on
        self.assertEqual(call(versions)[0].get("versions", []), [])
        published, _ = call("/v1/periods/2020-06/publish", "POST",
                            {"period": "2020-06"})
        self.assertEqual(published["version"], "1")
        # Round robin: these go to both replicas, whichever took the write.
        for _ in range(6):
            listed, _ = call(versions)
            self.assertEqual([v["version"] for v in listed["versions"]],
                             ["1"])

        # A case written straight to one intake replica (as department
        # systems write) is in the gateway's answers once that write's
        # NOTIFY has moved the version of the replica the gateway follows:
        # the cached statistics are not served stale after that.
        stats = "/v1/periods/2020-08/case-stats"

        def police_total():
            answer, cache = call(stats)
            for d in answer.get("departments", []):
                if d["department_code"] == "qj-gaj":
                    return int(d.get("approval", {}).get("total", "0")), cache
            return 0, cache

        caches = [police_total() for _ in range(4)]
        self.assertEqual({t for t, _ in caches}, {0})
        self.assertIn("hit", [c for _, c in caches])
        case = os.path.join(self.dir, "august.jsonl")
        with open(case, "w") as f:
            f.write('{"department_code": "qj-gaj", "case_no": "aug-1", '
                    '"category": "ITEM_CATEGORY_APPROVAL", '
                    '"site": "HANDLING_SITE_CENTER", '
                    '"status": "CASE_STATUS_ACCEPTED", '
                    '"accepted_at": "2020-08-03T02:00:00Z"}\n')
        written = time.time()
        zwfw("--intake=" + intakes[2].address, "cases", "import", case,
             token=self.admin, check=0)
        while police_total()[0] != 1 and time.time() < written + 10:
            time.sleep(0.01)
        seen = time.time() - written
        self.assertLess(seen, 10, "the gateway kept serving the old figures")
        for _ in range(6):
            self.assertEqual(police_total()[0], 1)
        print("a case through intake replica 3 was in the gateway's answer "
              "after %.3f s" % seen)

if __name__ == "__main__":
    zwfw_testlib.main()

#!/usr/bin/env python3
"""A deployment moves from SQLite to PostgreSQL with zwfw-migrate (README,
"From SQLite to PostgreSQL"), all real processes: the July 2020 demo with
ratings, a rectification, a frozen scorecard and a published bulletin is
loaded into the four services on SQLite; they stop; zwfw-migrate copies
their files into one PostgreSQL database (tools/test's cluster, a database
of this test's own); the same servers start on it and answer every read
exactly as before — statistics, satisfaction, rectifications, scores,
adjustments, the draft, the published version, renders, the directory and
every audit entry, each chain intact with the move's entry on its end.
Idempotency and the closed month hold on the moved data, and a second move
changes nothing and says why."""
import json
import os
import subprocess

import zwfw_testlib
from survey_server_test import case
from zwfw_testlib import zwfw

SERVICES = ("intake", "survey", "scoring", "bulletin")


def rating(eid, stars, case_no):
    return json.dumps({"evaluation_id": eid, "department_code": "qj-gaj",
                       "case_no": case_no, "rating": stars,
                       "channel": "EVALUATION_CHANNEL_ONLINE",
                       "evaluated_at": "2020-07-08T10:00:00+08:00",
                       "comment": "办事很慢"}, ensure_ascii=False)


class SqliteToPostgresTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        self.database = self.private_database("moved_%d" % os.getpid())

    def write(self, name, lines):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def cli(self, flags, *args):
        code, out, err = zwfw(*flags, *args, token=self.admin)
        self.assertEqual(code, 0, "%s: %s" % (" ".join(args), err))
        return out

    def reads(self, flags):
        """Every answer a user would compare, by what was asked."""
        out = {}
        for args in (
                ("cases", "stats", "--period=2020-07", "--json"),
                ("cases", "get", "qj-gaj", "own-2"),
                ("satisfaction", "--period=2020-07", "--json"),
                ("rectifications", "list"),
                ("scores", "compute", "--period=2020-07", "--json"),
                ("scores", "explain", "--period=2020-07",
                 "--department=区人力社保局"),
                ("adjustments", "list", "--period=2020-07",
                 "--include_removed"),
                ("bulletin", "draft", "get", "--period=2020-07"),
                ("directory", "departments", "--json"),
                ("directory", "staff", "qj-w01", "--json")):
            out[" ".join(args)] = self.cli(flags, *args)
        # A fresh PDF or XLSX render carries its own creation time: the
        # published ones are compared byte for byte, renders in the formats
        # without one.
        for what in (("get", "--version=1", "--format=txt"),
                     ("get", "--version=1", "--format=pdf"),
                     ("get", "--version=1", "--format=xlsx"),
                     ("render", "--format=txt"), ("render", "--format=html"),
                     ("render", "--format=csv")):
            path = os.path.join(self.dir, "bulletin.out")
            self.cli(flags, "bulletin", what[0], "--period=2020-07", *what[1:],
                     "--o=" + path)
            with open(path, "rb") as f:
                out["bulletin " + " ".join(what)] = f.read()
        for service in SERVICES:
            out["audit " + service] = json.loads(self.cli(
                flags, "audit", "list", service, "--json"))["entries"]
        return out

    def migrate(self, *extra):
        return subprocess.run(
            [os.path.join(zwfw_testlib.BUILD_DIR, "tools/migrate/zwfw-migrate"),
             "--data_dir=" + os.path.join(self.dir, "data"), *self.database,
             *extra], capture_output=True, text=True, timeout=300)

    def test_the_demo_moves_whole(self):
        servers, flags = self.start_services()
        self.load_demo(flags)
        # Ratings (one bad: a rectification under way), then July published:
        # scorecard frozen, months closed in intake and survey.
        self.cli(flags, "cases", "import", self.write(
            "own.jsonl", [case("own-%d" % i) for i in range(1, 4)]))
        out = self.cli(flags, "evaluations", "import", self.write(
            "ratings.jsonl", [rating("r1", 5, "own-1"),
                              rating("r2", 2, "own-2")]))
        self.assertIn("accepted 2", out)
        self.cli(flags, "rectifications", "update", "r2", "rectifying",
                 "--note=已联系群众")
        self.cli(flags, "adjustments", "add", "--period=2020-07",
                 "--department=qj-gaj", "--points=-0.5", "--reason=迟到")
        self.assertIn("version 1", self.cli(flags, "bulletin", "publish",
                                            "--period=2020-07"))
        before = self.reads(flags)
        self.assertIn("rectifying", before["rectifications list"])
        for server in servers.values():
            self.assertEqual(server.terminate(), 0)

        moved = self.migrate()
        self.assertEqual(moved.returncode, 0, moved.stdout + moved.stderr)
        for service in SERVICES:
            self.assertIn("%s: moved " % service, moved.stdout)
        self.assertIn("cases 84784 rows", moved.stderr)
        self.assertNotIn("password", moved.stdout + moved.stderr)

        servers, flags = self.start_services(self.database)
        after = self.reads(flags)
        for key, answer in before.items():
            if key.startswith("audit "):
                continue
            self.assertEqual(after[key], answer, key)
        # Every entry as it was, then the move's own; each chain intact.
        for service in SERVICES:
            history = before["audit " + service]
            self.assertGreater(len(history), 0, service)
            trail = after["audit " + service]
            self.assertEqual(trail[:len(history)], history, service)
            self.assertEqual(len(trail), len(history) + 1, service)
            self.assertEqual(trail[-1]["rpc"], "MigrateFromSqlite")
            verdict = self.cli(flags, "audit", "verify", service)
            self.assertIn("%d entries, chain intact" % len(trail), verdict)

        # The moved data keeps its rules: a case sent again is a duplicate,
        # the published month takes no new case or rating.
        code, out, err = zwfw(*flags, "cases", "import", self.write(
            "again.jsonl", [case("own-1")]), token=self.admin)
        self.assertIn("accepted 0, updated 0, duplicate 1", out)
        code, out, err = zwfw(*flags, "cases", "import", self.write(
            "late.jsonl", [case("late-1")]), token=self.admin)
        self.assertEqual(code, 3, err)
        self.assertIn("accepted_at: 2020-07 is published and closed", err)
        code, out, err = zwfw(*flags, "evaluations", "import", self.write(
            "late-rating.jsonl", [rating("r3", 5, "own-3")]), token=self.admin)
        self.assertEqual(code, 3, err)
        self.assertIn("2020-07 is published and closed", err)

        # Moved once: a second run writes nothing and names the table.
        again = self.migrate("--services=survey")
        self.assertEqual(again.returncode, 1, again.stdout + again.stderr)
        self.assertIn("survey: table", again.stderr)
        self.assertIn("already holds rows", again.stderr)
        self.assertIn("%d entries, chain intact" %
                      len(after["audit survey"]),
                      self.cli(flags, "audit", "verify", "survey"))
        bad = self.migrate("--services=intake,gateway")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--services: service \"gateway\" is not one of", bad.stderr)


if __name__ == "__main__":
    zwfw_testlib.main()

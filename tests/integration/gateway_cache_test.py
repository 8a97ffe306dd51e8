#!/usr/bin/env python3
"""The gateway's cache of GET answers, against real servers and a real
redis-server: answers are keyed by the data versions the services push
(zwfw.v1.Changes), so a write — through the gateway or straight to a
service — is never hidden by the cache; figures that move with the clock
expire when they may change; roles never share entries; a second gateway
finds the first one's answers in Redis; a restarted service is a new
epoch."""
import datetime
import json
import os
import re
import time
import urllib.error
import urllib.request

import zwfw_testlib
from zwfw_testlib import new_token, zwfw, demo_directory


def case(case_no, accepted_at, **fields):
    record = {"department_code": "qj-gaj", "case_no": case_no,
              "category": "ITEM_CATEGORY_APPROVAL",
              "site": "HANDLING_SITE_CENTER",
              "status": "CASE_STATUS_ACCEPTED", "accepted_at": accepted_at}
    record.update(fields)
    return record


class GatewayCacheTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        self.redis = os.environ.get("ZWFW_TEST_REDIS", "")
        self.assertTrue(self.redis, "run through tools/test (ZWFW_TEST_REDIS)")
        self.police = new_token(self.tokens, "department:qj-gaj")

    def get(self, gateway, path, token):
        request = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (gateway.port, path),
            headers={"Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, r.headers.get("X-Zwfw-Cache"), r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("X-Zwfw-Cache"), e.read()

    def post(self, gateway, path, token, body):
        request = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (gateway.port, path), method="POST",
            data=json.dumps(body).encode(),
            headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.loads(r.read())

    def import_cases(self, intake, *cases):
        path = os.path.join(self.dir, "cases-%f.jsonl" % time.time())
        with open(path, "w") as f:
            for c in cases:
                f.write(json.dumps(c) + "\n")
        zwfw("--intake=" + intake.address, "cases", "import", path,
             token=self.admin, check=0)

    def metric(self, gateway, result):
        _, _, body = self.get(gateway, "/metrics", self.admin)
        m = re.search(r'zwfw_gateway_cache_total\{result="%s"\} (\S+)' % result,
                      body.decode())
        return float(m.group(1)) if m else 0.0

    def start_gateway(self, peers):
        gateway = self.start("gateway/gateway_server",
                             peers + [*zwfw_testlib.redis_flags(),
                                      "--rate_limit_per_minute=0"])
        # It follows every service's version once their streams are up.
        deadline = time.time() + 10
        while time.time() < deadline and gateway.logs().count(
                "data version: its answers may be cached") < 4:
            time.sleep(0.05)
        return gateway

    def wait_for(self, predicate, seconds=5):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return False

    def test_versions_roles_writes_restarts_and_redis(self):
        servers, peers = self.start_services()
        intake = servers["intake"]
        zwfw("--intake=" + intake.address, "directory", "import",
             demo_directory(), token=self.admin, check=0)
        self.import_cases(intake, case("c-1", "2020-07-10T02:00:00Z"))
        gateway = self.start_gateway(peers)
        stats = "/v1/periods/2020-07/case-stats"

        def total(body):
            return int(json.loads(body)["approval_total"].get("total", "0"))

        status, cache, body = self.get(gateway, stats, self.viewer)
        self.assertEqual((status, cache, total(body)), (200, "miss", 1))
        status, cache, again = self.get(gateway, stats, self.viewer)
        self.assertEqual((status, cache, again), (200, "hit", body))
        self.assertNotIn("stable_until", json.loads(body))  # a past month

        # Another role never gets the viewer's entry; an unknown token gets
        # no entry at all.
        _, cache, _ = self.get(gateway, stats, self.police)
        self.assertEqual(cache, "miss")
        status, cache, _ = self.get(gateway, stats, "zwfw_not-a-token")
        self.assertEqual((status, cache), (401, None))

        # A write straight to intake (not through the gateway): the cached
        # answer stops being served once intake reports its new version.
        self.import_cases(intake, case("c-2", "2020-07-11T02:00:00Z"))
        self.assertTrue(self.wait_for(
            lambda: total(self.get(gateway, stats, self.viewer)[2]) == 2))

        # A write through the gateway is read back at once.
        self.post(gateway, "/v1/cases", self.admin,
                  {"case": case("c-3", "2020-07-12T02:00:00Z")})
        status, cache, body = self.get(gateway, stats, self.viewer)
        self.assertEqual((status, total(body)), (200, 3))

        # Satisfaction depends on intake's case counts too.
        # (Its answers are cached again once intake has announced the
        # write: within --changes_interval, 20 ms.)
        satisfaction = "/v1/periods/2020-07/satisfaction"
        _, _, before = self.get(gateway, satisfaction, self.viewer)
        self.assertTrue(self.wait_for(
            lambda: self.get(gateway, satisfaction, self.viewer)[1] == "hit"))
        self.import_cases(intake, case("c-4", "2020-07-13T02:00:00Z"))
        self.assertTrue(self.wait_for(
            lambda: self.get(gateway, satisfaction, self.viewer)[2] != before))

        # A second gateway finds the first one's answers in Redis.
        _, _, first = self.get(gateway, stats, self.viewer)
        other = self.start_gateway(peers)
        hits = self.metric(other, "hit_redis")
        status, cache, body = self.get(other, stats, self.viewer)
        self.assertEqual((status, cache, body), (200, "hit", first))
        self.assertEqual(self.metric(other, "hit_redis"), hits + 1)

        # Whoever can write to Redis cannot forge an answer: every value is
        # signed (--cache_key_file), a forged one is a miss and a metric.
        keys = [k for k in zwfw_testlib.redis_cli(
            "--scan", "--pattern", "zwfw:http:*").split() if k]
        self.assertTrue(keys)
        for key in keys:
            zwfw_testlib.redis_cli("SET", key, "zwfw-reply-1\ninf\n"
                                   "application/json; charset=utf-8\n0\n"
                                   '{"forged": true}')
        third = self.start_gateway(peers)
        status, cache, body = self.get(third, stats, self.viewer)
        self.assertEqual((status, cache, body), (200, "miss", first))
        _, _, metrics = self.get(third, "/metrics", self.admin)
        self.assertRegex(metrics.decode(),
                         r"zwfw_cache_bad_mac_total [1-9]")

        # A restarted intake is a new epoch: nothing cached before is used,
        # and the figures are right.
        self.assertEqual(intake.terminate(), 0)
        intake = zwfw_testlib.Server(
            self.dir, port=intake.port,
            extra=["--service_token_file=" + self.service_token_file])
        self.servers.append(intake)
        intake.wait_listening()
        # Until the gateway follows the new intake, answers are uncached (no
        # X-Zwfw-Cache); the first cacheable one is computed afresh (an entry
        # of the old epoch is never used), then cached under the new one.
        answers = []
        self.assertTrue(self.wait_for(lambda: answers.append(
            self.get(gateway, stats, self.viewer)) or
            (answers[-1][0] == 200 and answers[-1][1] is not None)))
        status, cache, body = answers[-1]
        self.assertEqual((status, cache, total(body)), (200, "miss", 4))
        self.assertEqual(self.get(gateway, stats, self.viewer)[1], "hit")

    def test_figures_that_move_with_the_clock_expire_when_they_may_change(self):
        servers, peers = self.start_services()
        intake = servers["intake"]
        zwfw("--intake=" + intake.address, "directory", "import",
             demo_directory(), token=self.admin, check=0)
        # Accepted a second ago, due in ten: both in one CST month (the
        # month overtime counts in is the due time's), whenever this runs —
        # a month boundary inside those eleven seconds is waited out. Ten:
        # the import and a gateway's start come before the first answer,
        # which must still find the case on time (they took over three
        # seconds once in the ASan build).
        def cst_month(t):
            return (t + datetime.timedelta(hours=8)).strftime("%Y-%m")
        while True:
            now = datetime.datetime.now(datetime.timezone.utc)
            accepted = now - datetime.timedelta(seconds=1)
            due = now + datetime.timedelta(seconds=10)
            if cst_month(accepted) == cst_month(due):
                break
            time.sleep(12)
        period = cst_month(due)
        iso = "%Y-%m-%dT%H:%M:%S.%fZ"
        self.import_cases(intake, case(
            "open-1", accepted.strftime(iso), due_at=due.strftime(iso)))
        gateway = self.start_gateway(peers)
        path = "/v1/periods/%s/case-stats" % period

        status, cache, body = self.get(gateway, path, self.viewer)
        stats = json.loads(body)
        self.assertEqual((status, cache), (200, "miss"), body)
        self.assertEqual(stats["approval_total"].get("overtime", "0"), "0")
        self.assertIn("stable_until", stats)
        self.assertEqual(self.get(gateway, path, self.viewer)[1], "hit")

        # No write happens; the case falls due, and the gateway's answer
        # turns with it.
        time.sleep(max(0.0, (due - datetime.datetime.now(
            datetime.timezone.utc)).total_seconds()) + 0.2)
        status, cache, body = self.get(gateway, path, self.viewer)
        self.assertEqual((status, cache), (200, "miss"))
        self.assertEqual(json.loads(body)["approval_total"]["overtime"], "1")

    def test_a_new_directory_shows_in_answers_built_from_intake_copies(self):
        # Survey and scoring keep a copy of intake's directory; they follow
        # intake's changes, so a renamed department shows in their answers
        # (cached by the gateway) within a second, not after the copy's
        # 30-second refresh. The services cache in Redis too.
        servers, peers = self.start_services(zwfw_testlib.redis_flags())
        intake = servers["intake"]
        zwfw("--intake=" + intake.address, "directory", "import",
             demo_directory(), token=self.admin, check=0)
        zwfw("--scoring=" + servers["scoring"].address, "rules", "set",
             os.path.join(zwfw_testlib.SOURCE_DIR,
                          "deploy/scoring/default-rules.json"),
             token=self.admin, check=0)
        gateway = self.start_gateway(peers)
        pages = ["/v1/periods/2020-07/satisfaction",
                 "/v1/periods/2020-07/scorecard"]

        def name_of(path, code):
            # Admin: the scorecard before publication is the office's.
            status, cache, body = self.get(gateway, path, self.admin)
            self.assertEqual(status, 200, body)
            rows = json.loads(body).get("departments", [])
            names = [r.get("department_name")
                     for r in rows if r.get("department_code") == code]
            return cache, names[0] if names else None

        for path in pages:
            self.assertEqual(name_of(path, "qj-gaj"), ("miss", "区公安局"),
                             path)
            self.assertEqual(name_of(path, "qj-gaj")[0], "hit", path)

        with open(demo_directory(), encoding="utf-8") as f:
            directory = json.load(f)
        for d in directory["departments"]:
            if d["code"] == "qj-gaj":
                d["name"] = "区公安局（更名）"
        renamed = os.path.join(self.dir, "renamed-directory.json")
        with open(renamed, "w", encoding="utf-8") as f:
            json.dump(directory, f, ensure_ascii=False)
        zwfw("--intake=" + intake.address, "directory", "import", renamed,
             token=self.admin, check=0)
        started = time.time()
        for path in pages:
            self.assertTrue(self.wait_for(
                lambda: name_of(path, "qj-gaj")[1] == "区公安局（更名）",
                seconds=5), path)
        self.assertLess(time.time() - started, 5)
        for name in ("survey", "scoring"):
            self.assertIn("following intake's changes", servers[name].logs())


if __name__ == "__main__":
    zwfw_testlib.main()

#!/usr/bin/env python3
"""The scoring server against real intake and survey servers, with the
July 2020 reference cases, through the zwfw CLI: rules, scores, their
explanation, adjustments, awards, freezing, the Redis cache, and a clear
UNAVAILABLE naming survey when it is down."""
import json
import os
import re
import subprocess
import urllib.request

import zwfw_testlib
from zwfw_testlib import zwfw, demo_directory


class ScoringServerTest(zwfw_testlib.ServicesTestCase):

    def seed(self, what):
        path = os.path.join(self.dir, what + ".jsonl")
        with open(path, "w") as f:
            subprocess.run([os.path.join(zwfw_testlib.BUILD_DIR,
                                         "tools/seedgen/seedgen"),
                            "--what=" + what,
                            "--directory=" + demo_directory()],
                           stdout=f, check=True)
        return path

    def test_scores_from_real_services(self):
        redis = os.environ.get("ZWFW_TEST_REDIS", "")
        self.assertTrue(redis, "run through tools/test (ZWFW_TEST_REDIS)")
        intake = self.start("services/intake/intake_server")
        survey = self.start("services/survey/survey_server",
                            ["--intake=" + intake.address])
        scoring = self.start("services/scoring/scoring_server",
                             ["--intake=" + intake.address,
                              "--survey=" + survey.address,
                              *zwfw_testlib.redis_flags()])
        flags = ["--intake=" + intake.address, "--survey=" + survey.address,
                 "--scoring=" + scoring.address]
        zwfw(*flags, "directory", "import", demo_directory(),
             token=self.admin, check=0)
        zwfw(*flags, "cases", "import", self.seed("cases"), token=self.admin,
             check=0)
        zwfw(*flags, "visits", "import", self.seed("visits"),
             token=self.admin, check=0)

        code, _, err = zwfw(*flags, "scores", "compute", "--period=2020-07",
                            token=self.admin)
        self.assertEqual(code, 1)
        self.assertIn("FAILED_PRECONDITION: no scoring rules set yet", err)
        rules = os.path.join(zwfw_testlib.SOURCE_DIR,
                             "deploy/scoring/default-rules.json")
        code, out, _ = zwfw(*flags, "rules", "set", rules, token=self.admin)
        self.assertIn("scoring rules version 1: 6 rules, 3 tiers", out)

        # A bad file is refused naming the rule; version 1 stays.
        with open(rules) as f:
            bad = json.load(f)
        bad["rules"][2]["cap"] = "-1"
        bad_path = os.path.join(self.dir, "bad-rules.json")
        with open(bad_path, "w") as f:
            json.dump(bad, f)
        code, _, err = zwfw(*flags, "rules", "set", bad_path, token=self.admin)
        self.assertEqual(code, 1)
        self.assertIn('rules[2] ("overdue-rectifications"): cap: must not be '
                      'negative', err)
        _, out, _ = zwfw(*flags, "rules", "show", token=self.viewer, check=0)
        self.assertIn("版本 1", out)

        # 区人力社保局: 5 overtime cases at -5 each; a same-day bonus of
        # 0.5; no online bonus (its 8000 convenience cases are not online).
        code, out, err = zwfw(*flags, "scores", "explain", "--period=2020-07",
                              "--department=区人力社保局", token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("区人力社保局（qj-rlsbj）2020-07：75.5分", out)
        self.assertIn("-25  限时办结事项超时，每件扣5分：超时办件5件（如 "
                      "qj-rlsbj-202007-047365", out)
        self.assertIn("0  网上办理率达到90%，加0.5分：网上办理率42.4%（5891/13891），"
                      "未达到90%", out)
        self.assertIn("+0.5  中心当日办结率达到90%，加0.5分：中心当日办结率100.0%"
                      "（13891/13891），达到90%", out)

        # An adjustment moves the score; the cache never serves the old one.
        zwfw(*flags, "adjustments", "add", "--period=2020-07",
             "--department=区人力社保局", "--points=-0.25",
             "--reason=着装不规范", token=self.admin, check=0)
        _, out, _ = zwfw(*flags, "scores", "explain", "--period=2020-07",
                         "--department=qj-rlsbj", token=self.admin, check=0)
        self.assertIn("：75.25分", out)
        self.assertIn("-0.25  着装不规范", out)
        zwfw(*flags, "scores", "compute", "--period=2020-07",
             token=self.admin, check=0)
        metrics = urllib.request.urlopen(
            "http://127.0.0.1:%d/metrics" % scoring.metrics_port,
            timeout=5).read().decode()
        hits = re.search(r'zwfw_cache_requests_total\{result="hit"\} (\d+)',
                         metrics)
        self.assertTrue(hits and int(hits.group(1)) >= 1, metrics)

        zwfw(*flags, "awards", "set", "--period=2020-07",
             "--windows=qj-w06,qj-w01", "--staff=qj-s006", token=self.admin,
             check=0)
        code, out, _ = zwfw(*flags, "scores", "freeze", "--period=2020-07",
                            token=self.admin)
        self.assertEqual(code, 0)
        code, _, err = zwfw(*flags, "adjustments", "add", "--period=2020-07",
                            "--department=区税务局", "--points=1",
                            "--reason=late", token=self.admin)
        self.assertEqual(code, 1)
        self.assertIn("FAILED_PRECONDITION: period 2020-07 is frozen", err)
        _, out, _ = zwfw(*flags, "scores", "compute", "--period=2020-07",
                         "--json", token=self.admin, check=0)
        card = json.loads(out)
        self.assertTrue(card["frozen"])
        self.assertEqual([w["name"] for w in card["windows"]],
                         ["税务窗口", "公安窗口"])

        # Survey down: a fresh month names it.
        self.assertEqual(survey.terminate(), 0)
        code, _, err = zwfw(*flags, "scores", "compute", "--period=2020-08",
                            token=self.admin)
        self.assertEqual(code, 1)
        self.assertIn("UNAVAILABLE: survey at " + survey.address, err)
        self.assertEqual(scoring.terminate(), 0)


if __name__ == "__main__":
    zwfw_testlib.main()

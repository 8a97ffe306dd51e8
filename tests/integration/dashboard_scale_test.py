#!/usr/bin/env python3
"""The dashboard over 2,000 departments (a province's directory): the four
services and the gateway as real processes, a directory of 2,000
departments and 20,000 July 2020 cases loaded through the CLI, then
tests/browser/dashboard_scale.js in Debian's Chromium — the headline
figures painted within 1 s of navigation against a warm gateway (median of
5), 15 departments in each chart, a search, all 2,000 in the table."""
import json
import os
import subprocess

import zwfw_testlib

DEPARTMENTS = 2000


class DashboardScaleTest(zwfw_testlib.ServicesTestCase):

    def test_two_thousand_departments(self):
        client = zwfw_testlib.node_packages("browser", ["dashboard_scale.js"])
        gateway, peers = self.start_dashboard()
        directory = os.path.join(self.dir, "directory.json")
        with open(directory, "w", encoding="utf-8") as f:
            json.dump({"departments": [
                {"code": "d%04d" % i, "name": "测试部门%04d" % i,
                 "group": "区级国家机关各部门", "order": 10 * (i + 1)}
                for i in range(DEPARTMENTS)]}, f, ensure_ascii=False)
        cases = os.path.join(self.dir, "cases.jsonl")
        sites = ["HANDLING_SITE_CENTER", "HANDLING_SITE_DEPARTMENT",
                 "HANDLING_SITE_GRASSROOTS"]
        with open(cases, "w") as f:
            for i in range(DEPARTMENTS):
                for k in range(i % 19 + 1):  # 1–19 a department: ~20,000
                    day = k % 28 + 1
                    f.write(json.dumps({
                        "department_code": "d%04d" % i,
                        "case_no": "d%04d-%03d" % (i, k),
                        "category": "ITEM_CATEGORY_APPROVAL",
                        "site": sites[(i + k) % 3],
                        "status": "CASE_STATUS_COMPLETED",
                        "accepted_at": "2020-07-%02dT01:00:00Z" % day,
                        "completed_at": "2020-07-%02dT03:00:00Z" % day,
                        "online": k % 2 == 0}) + "\n")
        zwfw_testlib.zwfw(*peers, "directory", "import", directory,
                          token=self.admin, check=0)
        zwfw_testlib.zwfw(*peers, "cases", "import", cases,
                          token=self.admin, check=0)
        # The goal is the release build's; a sanitized build (tools/test
        # --sanitize) is checked against a looser bound.
        with open(os.path.join(zwfw_testlib.BUILD_DIR, "CMakeCache.txt")) as f:
            sanitized = any(line.startswith("ZWFW_SANITIZE:") and
                            line.strip().split("=", 1)[1] for line in f)
        artifacts = os.path.join(zwfw_testlib.BUILD_DIR, "test-artifacts")
        os.makedirs(artifacts, exist_ok=True)
        flow = subprocess.run(
            ["node", os.path.join(client, "dashboard_scale.js")],
            env=dict(os.environ,
                     ZWFW_URL="http://127.0.0.1:%d" % gateway.port,
                     DEPARTMENTS=str(DEPARTMENTS), ARTIFACTS=artifacts,
                     PAINT_LIMIT_MS="5000" if sanitized else "1000"),
            capture_output=True, text=True, timeout=300)
        print(flow.stdout)
        self.assertEqual(flow.returncode, 0, flow.stdout + flow.stderr)
        self.assertEqual(gateway.terminate(), 0)


if __name__ == "__main__":
    zwfw_testlib.main()

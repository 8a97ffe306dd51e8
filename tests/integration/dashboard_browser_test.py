#!/usr/bin/env python3
"""The dashboard driven by Playwright (playwright-core from npm) in Debian's
Chromium: the four services and the gateway (with --anonymous_viewer) as
real processes, the July 2020 demo loaded through the APIs, then
tests/browser/dashboard_flow.js — the period chosen in Chinese whatever the
browser's language, a figure's trend chosen from the keyboard, its cases
(refused to the anonymous viewer, then listed for the office's token) and
back, a department's bar to its cases, a department's page, a quarter equal to its months
summed, a year, and a figure that changes, without a reload, once a case
is pushed. Its screenshots are test artifacts
(build/test-artifacts/dashboard-*.png).

Before the browser: every headline figure and every department bar of July
2020 lists as many records as it counts, asked of the gateway as the page
asks."""
import csv
import io
import json
import os
import re
import subprocess
import time
import urllib.parse
import urllib.request
import zipfile
from xml.etree import ElementTree

import zwfw_testlib


class DashboardBrowserTest(zwfw_testlib.ServicesTestCase):

    def test_period_selector_and_trends(self):
        client = zwfw_testlib.node_packages("browser", ["dashboard_flow.js"])
        gateway, peers = self.start_dashboard(
            ["--office_name=重庆市綦江区政务服务管理办公室"])
        self.load_demo(peers)
        # The office's staff read with a read-only token; a department's
        # system pushes the live step's case.
        self.office = zwfw_testlib.new_token(self.tokens, "office")
        department = zwfw_testlib.new_token(self.tokens, "department:qj-gaj")
        time.sleep(1)  # the servers re-read the token file twice a second
        self.assert_every_figure_lists_its_records(gateway.port)
        # The same from the command line.
        _, out, _ = zwfw_testlib.zwfw(*peers, "cases", "list",
                                      "--period=2020-07", "--indicator=overtime",
                                      token=self.office, check=0)
        self.assertIn("7 cases of 7", out)
        artifacts = os.path.join(zwfw_testlib.BUILD_DIR, "test-artifacts")
        os.makedirs(artifacts, exist_ok=True)
        flow = subprocess.run(
            ["node", os.path.join(client, "dashboard_flow.js")],
            env=dict(os.environ,
                     ZWFW_URL="http://127.0.0.1:%d" % gateway.port,
                     ZWFW_OFFICE_TOKEN=self.office,
                     ZWFW_DEPARTMENT_TOKEN=department,
                     ARTIFACTS=artifacts),
            capture_output=True, text=True, timeout=300)
        print(flow.stdout)
        self.assertEqual(flow.returncode, 0, flow.stdout + flow.stderr)
        for step in ("1-month", "2-trend", "3-denied", "4-cases",
                     "5-department-cases", "5-department", "6-quarter", "7-year", "8-live"):
            shot = os.path.join(artifacts, "dashboard-%s.png" % step)
            self.assertGreater(os.path.getsize(shot), 20000, shot)
        self.assert_exports(artifacts)
        self.assertEqual(gateway.terminate(), 0)

    def assert_exports(self, artifacts):
        """The files the page saved, read as a spreadsheet program would."""
        with open(os.path.join(artifacts, "export-overtime.csv"),
                  encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.startswith("\ufeff"), "a BOM for Excel")
        rows = list(csv.reader(io.StringIO(text[1:])))
        self.assertEqual(rows[0][:2], ["部门", "办件编号"])
        self.assertEqual(len(rows), 8)  # the header and the 7 cases
        self.assertTrue(all(r[-1] == "是" for r in rows[1:]))
        with zipfile.ZipFile(os.path.join(artifacts,
                                          "export-overtime.xlsx")) as book:
            self.assertIsNone(book.testzip())
            sheet = ElementTree.fromstring(
                book.read("xl/worksheets/sheet1.xml"))
            workbook = book.read("xl/workbook.xml").decode()
        self.assertIn('name="超时办件"', workbook)
        ns = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
        cells = [[("".join(c.itertext())) for c in r.findall("s:c", ns)]
                 for r in sheet.iter("{%s}row" % ns["s"])]
        self.assertEqual(cells, rows)  # the same cells as the CSV
        with open(os.path.join(artifacts, "export-trend.csv"),
                  encoding="utf-8-sig") as f:
            trend = list(csv.reader(f))
        self.assertEqual(trend[0], ["周期", "受理办件"])
        self.assertEqual(trend[-1], ["2020年7月", "84781"])
        self.assertEqual(len(trend), 13)
        # A records list sorted by 受理时间 (区公安局's center cases):
        # every case, in that order, not just a page.
        with open(os.path.join(artifacts, "export-sorted.csv"),
                  encoding="utf-8-sig") as f:
            sorted_rows = list(csv.reader(f))
        accepted_at = [tuple(int(x) for x in re.findall(r"\d+", r[5]))
                       for r in sorted_rows[1:]]
        self.assertGreater(len(accepted_at), 100)
        self.assertEqual(accepted_at, sorted(accepted_at))
        # A department page's table (sorted by rank): its figures, counts
        # as numbers.
        with open(os.path.join(artifacts, "export-department.csv"),
                  encoding="utf-8-sig") as f:
            figures = list(csv.reader(f))
        self.assertEqual(figures[0], ["指标", "本期", "排名", "变化"])
        accepted = [r for r in figures if r[0] == "受理办件"]
        self.assertEqual(len(figures), 9)  # the header and 8 figures
        self.assertEqual(accepted[0][1], "13891")
        self.assertRegex(accepted[0][2], r"^第\d+位 / \d+$")

    def assert_every_figure_lists_its_records(self, port):
        def get(path, **query):
            request = urllib.request.Request(
                "http://127.0.0.1:%d%s?%s" % (port, path,
                                              urllib.parse.urlencode(query, doseq=True)),
                headers={"Authorization": "Bearer " + self.office})
            with urllib.request.urlopen(request, timeout=60) as r:
                return json.loads(r.read())

        def listed(indicator, denominator=False, department=""):
            answer = get("/v1/cases", period="2020-07", indicator=indicator,
                         denominator=str(denominator).lower(),
                         department_code=department,
                         with_total_size="true", page_size=1)
            return int(answer.get("total_size", 0))

        # The headline figures (dashboard.js HEADLINE, RECORDS).
        cases = [("accepted", False), ("accepted_share[online=yes]", False),
                 ("accepted_share[online=yes]", True),
                 ("same_day_rate[site=center]", False),
                 ("same_day_rate[site=center]", True), ("overtime", False)]
        names = sorted({c[0] for c in cases}) + [
            "rectifications_open", "rectifications_overdue"]
        figures = get("/v1/periods/2020-07/indicators", indicators=names)
        total = dict(zip(names, figures["total"]["figures"]))
        for indicator, denominator in cases:
            figure = total[indicator]
            want = int(figure.get("denominator" if denominator
                                  else "numerator", 0))
            self.assertGreater(want, 0, indicator)
            self.assertEqual(listed(indicator, denominator), want,
                             (indicator, denominator))
        self.assertEqual(listed("overtime"), 7)
        # The survey's figures — the satisfaction card's ratings (none in
        # the July 2020 demo) and return visits (its 回访满意率), the
        # rectifications: from the list GetIndicators names for each
        # (IndicatorInfo.records), asked by `indicator=` as the page asks.
        lists = {"ratings": ("/v1/evaluations", "evaluations"),
                 "return_visits": ("/v1/return-visits", "visits"),
                 "rectifications": ("/v1/rectifications", "rectifications")}
        survey = get("/v1/periods/2020-07/indicators",
                     indicators=["satisfaction_rate", "visit_satisfaction_rate",
                                 "rectifications_open",
                                 "rectifications_overdue"])
        for info, figure in zip(survey["indicators"],
                                survey["total"]["figures"]):
            path, field = lists[info["records"]]
            parts = [("numerator", {})]
            if info["unit"] == "rate":
                parts.append(("denominator", {"denominator": "true"}))
            for part, extra in parts:
                found = get(path, period="2020-07", indicator=info["text"],
                            **extra).get(field, [])
                self.assertEqual(len(found), int(figure.get(part, 0)),
                                 (info["text"], part))
        visits = survey["total"]["figures"][1]
        self.assertGreater(int(visits.get("numerator", 0)), 0)
        # Every department bar (dashboard.js drawSites, SITES).
        stats = get("/v1/periods/2020-07/case-stats")
        bars = 0
        for row in stats["departments"]:
            for key, site in (("center", "center"),
                              ("department_site", "department"),
                              ("grassroots", "grassroots")):
                value = sum(int(row.get(category, {}).get(key, 0))
                            for category in ("approval", "convenience"))
                if value == 0:
                    continue
                self.assertEqual(
                    listed("accepted[site=%s]" % site,
                           department=row["department_code"]),
                    value, (row["department_code"], site))
                bars += 1
        self.assertGreaterEqual(bars, 30)
        # Every bar of the satisfaction chart: July 2020 has no ratings, so
        # it draws 回访满意率, and a bar opens the department's reached visits
        # (dashboard.js SATISFACTION).
        visit_bars = 0
        rates = get("/v1/periods/2020-07/indicators",
                    indicators=["visit_satisfaction_rate"])
        for row in rates["departments"]:
            reached = int(row["figures"][0].get("denominator", 0))
            if reached == 0:
                continue
            found = get("/v1/return-visits", period="2020-07",
                        indicator="visit_satisfaction_rate",
                        denominator="true",
                        department_code=row["code"]).get("visits", [])
            self.assertEqual(len(found), reached, row["code"])
            visit_bars += 1
        self.assertGreater(visit_bars, 0)
        print("every figure lists its records: %d headline, %d bars, "
              "%d satisfaction bars" % (len(cases) + 6, bars, visit_bars))


if __name__ == "__main__":
    zwfw_testlib.main()

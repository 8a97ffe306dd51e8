#!/usr/bin/env python3
"""Office exports imported through the real CLI into real servers.

The July 2020 demo cases written by seedgen as an XLSX workbook and as a
GBK CSV (title row, Chinese headers, department names, 是/否, local times)
and imported by deploy/import/qijiang-cases.json give exactly the records
of the JSON-lines import: each import after the first finds every row a
duplicate, and the attachment table's totals are the reference's. The dry
run reports every bad cell line for line and writes nothing; ratings and
return visits come in the same way.
"""
import json
import os
import subprocess

from zwfw_testlib import ServicesTestCase, demo_directory, zwfw
import zwfw_testlib


def seedgen(*args, stdout=None):
    subprocess.run([os.path.join(zwfw_testlib.BUILD_DIR,
                                 "tools/seedgen/seedgen"),
                    "--directory=" + demo_directory(), *args],
                   stdout=stdout, check=True)


def mapping(name):
    return os.path.join(zwfw_testlib.SOURCE_DIR, "deploy/import", name)


class TableImportTest(ServicesTestCase):

    def write(self, name, text, encoding="utf-8"):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(text.encode(encoding))
        return path

    def test_the_demo_month_from_xlsx_and_gbk_csv_is_the_jsonl_import(self):
        intake = self.start("services/intake/intake_server")
        addr = "--intake=" + intake.address
        zwfw(addr, "directory", "import", demo_directory(), token=self.admin,
             check=0)
        xlsx = os.path.join(self.dir, "july.xlsx")
        seedgen("--format=xlsx", "--out=" + xlsx)
        gbk = os.path.join(self.dir, "july-gbk.csv")
        with open(gbk, "wb") as f:
            seedgen("--format=csv", "--encoding=gbk", stdout=f)
        jsonl = os.path.join(self.dir, "july.jsonl")
        with open(jsonl, "wb") as f:
            seedgen(stdout=f)
        cases = mapping("qijiang-cases.json")

        code, out, err = zwfw(addr, "cases", "import", xlsx, "--mapping",
                              cases, "--check", token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("共84781行，可导入84781行，有误0行", out)
        self.assertIn("  2020-07  区公安局 (qj-gaj)  15467\n", out)
        # The dry run wrote nothing.
        _, stats, _ = zwfw(addr, "cases", "stats", "--period", "2020-07",
                           "--json", token=self.admin, check=0)
        self.assertNotIn('"total"', json.loads(stats).get("approval_total",
                                                           {}))

        code, out, err = zwfw(addr, "cases", "import", xlsx, "--mapping",
                              cases, token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("accepted 84781, updated 0, duplicate 0, rejected 0", out)
        for again in ([gbk, "--mapping", cases], [jsonl], [xlsx, "--mapping",
                                                           cases]):
            code, out, err = zwfw(addr, "cases", "import", *again,
                                  token=self.admin)
            self.assertEqual(code, 0, err)
            self.assertIn("accepted 0, updated 0, duplicate 84781, rejected 0",
                          out, again[0])
        _, stats, _ = zwfw(addr, "cases", "stats", "--period", "2020-07",
                           "--json", token=self.admin, check=0)
        total = json.loads(stats)["approval_total"]
        self.assertEqual((total["total"], total["instant"], total["center"],
                          total["department_site"], total["grassroots"],
                          total["online"]),
                         ("67354", "35313", "37879", "22375", "7100",
                          "55070"))

    def test_the_dry_run_names_every_bad_cell_and_the_import_the_rest(self):
        intake = self.start("services/intake/intake_server")
        addr = "--intake=" + intake.address
        zwfw(addr, "directory", "import", demo_directory(), token=self.admin,
             check=0)
        header = ("办件编号,办理部门,事项类别,办理地点,即办件,是否网办,办件状态,"
                  "受理时间,办结时间,中心办结,申请人类型,承诺办结时间")
        rows = [
            "T-1,区公安局,审批,中心,是,是,办结,2020/7/1 9:00,2020/7/1 9:30,"
            "是,个人,",
            "T-2,区不存在局,审批,中心,是,是,办结,2020/7/1 9:00,,是,个人,",
            "T-3,区公安局,审批,大厅,是,是,办结,2020/7/32 9:00,,是,个人,",
            # Completed before it was accepted: the server says so.
            "T-4,区公安局,审批,中心,否,否,办结,2020/7/2 9:00,2020/7/1 9:00,"
            "否,个人,",
            "T-1,区公安局,审批,中心,是,是,办结,2020/7/1 9:00,2020/7/1 9:30,"
            "是,个人,",
        ]
        path = self.write("bad.csv", "\r\n".join(
            ["綦江区办件明细", header, *rows]) + "\r\n", encoding="gbk")
        cases = mapping("qijiang-cases.json")
        code, out, err = zwfw(addr, "cases", "import", path, "--mapping",
                              cases, "--check", token=self.admin)
        self.assertEqual(code, 3, err)
        self.assertEqual(out.splitlines(), [
            "第4行 B列（办理部门）\"区不存在局\"：目录中没有这个部门 / row 4, "
            "column B (办理部门) \"区不存在局\": no department of the directory "
            "has this code, name or alias",
            "第5行 D列（办理地点）\"大厅\"：不是可用的值（中心、部门、镇街） / "
            "row 5, column D (办理地点) \"大厅\": not one of the mapped values "
            "(中心, 部门, 镇街)",
            "第5行 H列（受理时间）\"2020/7/32 9:00\"：无法识别的时间 / row 5, "
            "column H (受理时间) \"2020/7/32 9:00\": not a time in the formats "
            "of the mapping (%Y/%m/%d %H:%M, %Y-%m-%d %H:%M:%S, %Y年%m月%d日)",
            "共5行，可导入3行，有误2行 / 5 rows: 3 would be imported, 2 have "
            "problems (nothing was written)",
            "  2020-07  区公安局 (qj-gaj)  3",
        ])

        code, out, err = zwfw(addr, "cases", "import", path, "--mapping",
                              cases, token=self.admin)
        self.assertEqual(code, 3, err)
        # T-1 twice: the second is a duplicate; T-4 refused by intake's
        # rules, shown against its column.
        self.assertIn("accepted 1, updated 0, duplicate 1, rejected 3", out)
        self.assertIn("row 6: completed_at 办结时间 (column I): ", err)
        # Re-importing changes nothing.
        code, out, _ = zwfw(addr, "cases", "import", path, "--mapping", cases,
                            token=self.admin)
        self.assertIn("accepted 0, updated 0, duplicate 2, rejected 3", out)

        # A mapping of another record, a file that is not what it claims.
        code, _, err = zwfw(addr, "cases", "import", path, "--mapping",
                            mapping("return-visits.json"), token=self.admin)
        self.assertEqual(code, 2)
        self.assertIn("a mapping of visit records, not of case records", err)
        fake = self.write("fake.xlsx", header)
        code, _, err = zwfw(addr, "cases", "import", fake, "--mapping", cases,
                            token=self.admin)
        self.assertEqual(code, 2)
        self.assertIn("not an XLSX workbook", err)

    def test_ratings_and_return_visits_from_exports(self):
        servers, flags = self.start_services()
        zwfw(*flags, "directory", "import", demo_directory(),
             token=self.admin, check=0)
        ratings = self.write("ratings.csv", "\n".join([
            "评价编号,办理部门,办件编号,窗口编号,评价等级,评价渠道,评价时间,"
            "默认好评,评价内容",
            "E-1,区公安局,,,非常满意,评价器,2020-07-06 10:00:00,否,很好",
            "E-2,区公安局,,,不满意,短信,2020-07-07 11:00:00,否,\"等太久,"
            "没人管\"",
            "E-3,区税务局,,,满意,网上,2020/7/8 9:00,是,",
        ]) + "\n")
        code, out, err = zwfw(*flags, "evaluations", "import", ratings,
                              "--mapping", mapping(
                                  "haochaping-evaluations.json"),
                              token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("accepted 3, updated 0, duplicate 0, rejected 0", out)
        visits = self.write("visits.csv", "\n".join([
            "回访编号,办理部门,办件编号,回访时间,是否接通,满意度,备注",
            "V-1,区公安局,A-1,2020/7/20,是,满意,",
            "V-2,区公安局,A-2,2020/7/20,否,,未接通",
        ]) + "\n", encoding="gbk")
        code, out, err = zwfw(*flags, "visits", "import", visits, "--mapping",
                              mapping("return-visits.json"), token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("accepted 2, updated 0, duplicate 0, rejected 0", out)
        _, out, _ = zwfw(*flags, "satisfaction", "--period", "2020-07",
                         "--json", token=self.admin, check=0)
        stats = json.loads(out)
        self.assertEqual(stats["total"]["active_by_rating"],
                         ["0", "1", "0", "0", "1"])
        self.assertEqual(stats["rectifications"]["opened"], "1")  # the 不满意
        self.assertEqual((stats["return_visits"]["made"],
                          stats["return_visits"]["reached"]), ("2", "1"))


if __name__ == "__main__":
    zwfw_testlib.main()

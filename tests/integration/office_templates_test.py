#!/usr/bin/env python3
"""Other offices' bulletins from their templates (deploy/templates/), each
reproduced from data through the real processes and their APIs: seedgen's
directory, cases and ratings imported with the CLI, the template set with
`zwfw templates set`, the draft naming it, the bulletin rendered — and its
computed lines compared with ../shared/reference/bulletins/, character for
character (white space aside).

Where a reference is inconsistent in its own form, the template writes the
consistent form and the test lists each place (REFERENCE_FORM_FIXES)."""
import json
import os
import subprocess
import urllib.error
import urllib.request

import zwfw_testlib
from zwfw_testlib import zwfw

# (reference text, what the template writes): the reference's one-off forms.
REFERENCE_FORM_FIXES = {
    # Three counties' rates have two decimals; 港口区's alone one.
    "fangchenggang-2011-03.txt": [("实际办理提速89.5%。", "实际办理提速89.50%。")],
    # Every other count of the list has its 件.
    "yongchang-2023-q2.txt": [("县交通局320、", "县交通局320件、")],
}


def squeeze(text):
    return "".join(text.split())


def reference_lines(name):
    """The reference's lines after its header (source/title/note), with the
    listed form fixes applied; the [缺] gaps left out."""
    with open(os.path.join(zwfw_testlib.SOURCE_DIR, "..", "shared",
                           "reference", "bulletins", name),
              encoding="utf-8") as f:
        body = f.read().split("\n\n", 1)[1]
    for was, fixed in REFERENCE_FORM_FIXES[name]:
        assert was in body, was
        body = body.replace(was, fixed)
    return [squeeze(l) for l in body.splitlines() if l and "[缺" not in l]


class OfficeTemplatesTest(zwfw_testlib.ServicesTestCase):

    def load(self, office, template, draft):
        """The office's records and template through the servers; the
        rendered text bulletin of the draft's period."""
        _, flags = self.start_services()
        self.flags = flags
        files = {}
        for what in ("directory", "cases", "evaluations"):
            files[what] = os.path.join(self.dir, "%s-%s.json" % (office, what))
            with open(files[what], "w") as f:
                subprocess.run(
                    [os.path.join(zwfw_testlib.BUILD_DIR,
                                  "tools/seedgen/seedgen"), "--office=" + office, "--what=" + what,
                     "--calendar_dir=" + os.path.join(
                         zwfw_testlib.SOURCE_DIR, "deploy/calendar")],
                    stdout=f, check=True)
        zwfw(*flags, "directory", "import", files["directory"],
             token=self.admin, check=0)
        zwfw(*flags, "cases", "import", files["cases"], token=self.admin,
             check=0)
        zwfw(*flags, "evaluations", "import", files["evaluations"],
             token=self.admin, check=0)
        path = os.path.join(zwfw_testlib.SOURCE_DIR, "deploy/templates",
                            template + ".txt")
        zwfw("templates", "validate", path, check=0)
        _, out, _ = zwfw(*flags, "templates", "set", template, path,
                         token=self.admin, check=0)
        self.assertIn("template %s version 1" % template, out)
        draft_file = os.path.join(zwfw_testlib.SOURCE_DIR, "deploy/demo",
                                  draft)
        with open(draft_file, encoding="utf-8") as f:
            period = json.load(f)["period"]
        zwfw(*flags, "bulletin", "draft", "set", draft_file, token=self.admin,
             check=0)
        _, text, _ = zwfw(*flags, "bulletin", "render", "--period=" + period,
                          "--format=text", token=self.admin, check=0)
        return period, text

    def assert_reproduced(self, text, reference, skip=()):
        """Every computed line of the reference is a line of `text`."""
        lines = {squeeze(l) for l in text.splitlines()}
        for i, line in enumerate(reference_lines(reference)):
            if i in skip:
                continue
            self.assertIn(line, lines, "reference line %d not rendered:\n%s"
                          % (i + 1, text))

    def test_fangchenggang_2011_03(self):
        period, text = self.load("fangchenggang", "fangchenggang-monthly",
                                 "fangchenggang-2011-03-draft.json")
        # Every line but the signature's office and date, which are the
        # draft's (checked below).
        self.assert_reproduced(text, "fangchenggang-2011-03.txt")
        self.assertIn("本月无业务单位12个", text)

        # The figures behind the text, as the indicators endpoint gives
        # them for the template (the anonymous-free CLI, as an admin).
        code, out, err = zwfw(*self.flags, "indicators", "--period=" + period,
                              "--template=fangchenggang-monthly", "--json",
                              token=self.admin)
        self.assertEqual(code, 0, err)
        report = json.loads(out)
        names = [i["text"] for i in report["indicators"]]
        self.assertIn("speedup_rate", names)
        self.assertEqual(report["previous_period"], "2011-02")
        groups = {g["name"]: g for g in report["groups"]}
        accepted = names.index("accepted")
        self.assertEqual(groups["市本级"]["figures"][accepted]["text"], "5610")
        self.assertEqual(groups["市本级"]["change"][accepted],
                         "比上月增加75.42%")

        # The same over HTTP for the anonymous viewer (aggregates only), and
        # the template itself is not theirs to read.
        viewer_file = os.path.join(self.dir, "viewer.token")
        with open(viewer_file, "w") as f:
            f.write(self.viewer)
        gateway = self.start("gateway/gateway_server", self.flags + [
            "--anonymous_viewer", "--viewer_token_file=" + viewer_file])
        base = "http://127.0.0.1:%d" % gateway.port
        with urllib.request.urlopen(
                base + "/v1/periods/2011-03/indicators?template="
                "fangchenggang-monthly", timeout=60) as r:
            body = json.loads(r.read())
        self.assertEqual(body["previous_period"], "2011-02")
        self.assertEqual(len(body["indicators"]), len(report["indicators"]))
        with self.assertRaises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(base + "/v1/templates/fangchenggang-monthly",
                                   timeout=60)
        self.assertEqual(denied.exception.code, 401)

        # Every writer renders the template's document; XLSX and CSV are its
        # table (合计 first).
        code, csv_text, err = zwfw(*self.flags, "bulletin", "render",
                                   "--period=" + period, "--format=csv",
                                   token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("合计,8516,8317,", csv_text)
        for fmt in ("markdown", "html", "pdf", "xlsx"):
            out = os.path.join(self.dir, "b." + fmt)
            code, _, err = zwfw(*self.flags, "bulletin", "render",
                                "--period=" + period, "--format=" + fmt,
                                "--o=" + out, token=self.admin)
            self.assertEqual(code, 0, fmt + err)
            self.assertGreater(os.path.getsize(out), 500, fmt)

        # A template with a fault is refused with its line and column, and
        # the stored one stays.
        bad = os.path.join(self.dir, "bad.txt")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("period month\nparagraph 共受理{acepted}件\n")
        code, _, err = zwfw("templates", "validate", bad)
        self.assertEqual(code, 3)
        self.assertIn("line 2, column 15: ", err)
        code, _, err = zwfw(*self.flags, "templates", "set",
                            "fangchenggang-monthly", bad, token=self.admin)
        self.assertEqual(code, 1)
        self.assertIn("INVALID_ARGUMENT", err)
        self.assertIn("line 2, column 15", err)
        _, shown, _ = zwfw(*self.flags, "templates", "show",
                           "fangchenggang-monthly", token=self.admin, check=0)
        self.assertIn("版本 1", shown)
        # A quarter is refused: the template is monthly.
        code, _, err = zwfw(*self.flags, "indicators", "--period=2011-Q1",
                            "--template=fangchenggang-monthly",
                            token=self.admin)
        self.assertEqual(code, 1)
        self.assertIn("FAILED_PRECONDITION", err)

    def test_yongchang_2023_q2(self):
        period, text = self.load("yongchang", "yongchang-quarterly",
                                 "yongchang-2023-q2-draft.json")
        self.assertEqual(period, "2023-Q2")
        # The reference's section 三 breaks off ([缺]): its last line is the
        # draft's, not compared.
        self.assert_reproduced(text, "yongchang-2023-q2.txt")
        # The attachment: the windows and sub-centers in volume classes.
        table = [l.split("\t") for l in text.splitlines() if "\t" in l]
        self.assertEqual(table[0][:3], ["办件量分类", "窗口", "办件"])
        self.assertEqual(table[1][:3], ["合计", "", "6296"])
        self.assertEqual(table[2][:3], ["500件以上", "车驾管分中心窗口", "1190"])
        self.assertEqual(table[-1][:3], ["无办件", "国家电网永昌分公司", "0"])

        # Published: a quarter's months are closed in the services, and the
        # published text is returned byte for byte.
        code, out, err = zwfw(*self.flags, "bulletin", "publish",
                              "--period=" + period, token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("published 2023-Q2 version 1", out)
        code, published, err = zwfw(*self.flags, "bulletin", "get",
                                    "--period=" + period, "--format=text",
                                    token=self.viewer)
        self.assertEqual(code, 0, err)
        self.assertEqual(published, text)
        late = os.path.join(self.dir, "late.jsonl")
        with open(late, "w") as f:
            f.write('{"department_code": "yc-000", "case_no": "late-1", '
                    '"category": "ITEM_CATEGORY_APPROVAL", '
                    '"site": "HANDLING_SITE_CENTER", '
                    '"status": "CASE_STATUS_ACCEPTED", '
                    '"accepted_at": "2023-05-10T02:00:00Z"}\n')
        code, _, err = zwfw(*self.flags, "cases", "import", late,
                            token=self.admin)
        self.assertEqual(code, 3, err)
        self.assertIn("2023-05 is published and closed", err)


if __name__ == "__main__":
    zwfw_testlib.main()

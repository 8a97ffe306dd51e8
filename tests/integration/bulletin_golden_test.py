#!/usr/bin/env python3
"""The golden test: the four servers as real processes, the July 2020 data
pushed through their APIs by tools/load-demo, and the rendered bulletin
compared with ../shared/reference/qijiang-2020-07-bulletin.txt.

Sections 一, 四 and 五 must equal the reference character for character
(white space aside); the attachment table must equal it figure for figure,
department by department; the header, addressees, closing, signature, dates
and colophon are the draft's. Then publishing: the published version is
returned byte for byte after the data changes, and the draft is locked."""
import json
import os
import re
import subprocess
import time
import zipfile

import zwfw_testlib
from zwfw_testlib import zwfw


def squeeze(text):
    return re.sub(r"\s+", "", text)


def section(text, start, end):
    """The text between the heading `start` and the line `end`."""
    a = text.index(start) + len(start)
    return text[a:text.index(end, a)]


# The sections computed from data, each from its heading to the line
# that follows it.
COMPUTED_SECTIONS = (("一、事项办理情况", "二、工作推进情况"),
                     ("四、优质服务标兵评比", "五、绩效考核情况"),
                     ("五、绩效考核情况", "特此通报。"))


def reference_bulletin():
    """../shared/reference/qijiang-2020-07-bulletin.txt."""
    with open(os.path.join(zwfw_testlib.SOURCE_DIR, "..", "shared",
                           "reference", "qijiang-2020-07-bulletin.txt"),
              encoding="utf-8") as f:
        return f.read()


def assert_computed_sections(test, text, reference):
    """Sections 一, 四 and 五 of `text` equal the reference's, character for
    character, white space aside."""
    for start, end in COMPUTED_SECTIONS:
        test.assertEqual(squeeze(section(text, start, end)),
                         squeeze(section(reference, start, end)), start)


def table_rows(text):
    """{department: [figures]} of the attachment table, and the 合计 row."""
    rows, total, idle = {}, None, set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("\t")]
        if cells[0] == "合计":
            total = [c for c in cells[1:] if c]
        elif len(cells) >= 3 and cells[1] == "无办件":
            idle = set(cells[2].split("、"))
        elif len(cells) >= 9 and cells[0].isdigit():
            rows[cells[2]] = cells[3:9]
    return rows, total, idle


class BulletinGoldenTest(zwfw_testlib.ServicesTestCase):

    def setUp(self):
        super().setUp()
        self.reference = reference_bulletin()

    def test_july_2020(self):
        redis = zwfw_testlib.redis_flags()
        _, flags = self.start_services(redis)
        out = os.path.join(self.dir, "out")
        self.load_demo(flags)
        with open(os.path.join(out, "bulletin-2020-07.txt"),
                  encoding="utf-8") as f:
            text = f.read()
        ref = self.reference

        # Sections 一, 四 and 五, character for character.
        assert_computed_sections(self, text, ref)
        self.assertIn("本月回访办事群众230名，满意率100%。", text)

        # Header, addressees, closing, signature, dates, colophon.
        for line in ("重庆市綦江区政务服务管理办公室", "綦政服〔2020〕12号",
                     "重庆市綦江区政务服务管理办公室 2020年7月部门政务服务绩效考核通报",
                     "区级国家机关各部门，在綦市管单位：",
                     "现将2020年7月份政务服务绩效考核情况通报如下：",
                     "特此通报。", "附件：7月份行政审批服务办件情况表",
                     "2020年8月6日", "（此件公开发布）", "2020年8月17日印发"):
            self.assertIn(line, text.splitlines())
        # Sections 二 and 三 are the draft's.
        self.assertEqual(
            squeeze(section(text, "三、典型经验交流", "四、优质服务标兵评比")),
            squeeze(section(ref, "三、典型经验交流", "四、优质服务标兵评比")))

        # The attachment table, figure for figure, department by
        # department (names as the reference's table prints them).
        got, got_total, got_idle = table_rows(text)
        want, want_total, _ = table_rows(ref)
        self.assertEqual(got_total, want_total)
        self.assertEqual(got, want)
        self.assertEqual(got_idle, set(
            "区委办、区委宣传部、区委统战部、区网信办、区科技局、区气象局、区商务委"
            .split("、")))

        # HTML is one self-contained page; CSV is the table.
        with open(os.path.join(out, "bulletin-2020-07.html"),
                  encoding="utf-8") as f:
            html = f.read()
        self.assertIn("@page { size: A4;", html)
        self.assertIn('<td rowspan="10">1000件以上</td>', html)
        with open(os.path.join(out, "bulletin-2020-07.csv"),
                  encoding="utf-8-sig") as f:
            self.assertIn("合计,,,67354,35313,37879,22375,7100,55070",
                          f.read())

        # The PDF: A4, the key figures, page numbers; the XLSX: the table.
        pdf = os.path.join(out, "bulletin-2020-07.pdf")
        info = subprocess.run(["pdfinfo", pdf], capture_output=True,
                              text=True, check=True).stdout
        self.assertIn("595.276 x 841.89 pts (A4)", info)
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        self.assertGreaterEqual(pages, 5)
        pdf_text = squeeze(subprocess.run(["pdftotext", pdf, "-"],
                                          capture_output=True, text=True,
                                          check=True).stdout)
        for figure in ("共受理政务服务和便民服务事项84781件",
                       "即收即办件52740件，占95.4%", "中心办结55109件，占99.6%",
                       "本月回访办事群众230名，满意率100%",
                       "（三）98.5分以上的部门：区城市管理局、区人力社保局。",
                       "—1—", "—%d—" % pages, "2020年8月17日印发",
                       "6735435313378792237571005507"):
            self.assertIn(figure, pdf_text)
        with zipfile.ZipFile(os.path.join(out, "bulletin-2020-07.xlsx")) as z:
            sheet = z.read("xl/worksheets/sheet1.xml").decode()
            self.assertIn("<v>67354</v>", sheet)
            self.assertIn("<mergeCell ref=", sheet)

        # The same bulletin from the Qijiang template (deploy/templates):
        # every format byte for byte the built-in one's.
        self.assert_template_renders_the_builtin(flags)

        # An unknown format is refused by the client, naming the choices.
        code, _, err = zwfw(*flags, "bulletin", "render", "--period=2020-07",
                            "--format=docx", token=self.admin)
        self.assertEqual(code, 2)
        self.assertIn("is not one of text, markdown, html, pdf, xlsx, csv", err)

        # Publish; the published text survives later changes byte for byte.
        code, outp, err = zwfw(*flags, "bulletin", "publish",
                               "--period=2020-07", token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("published 2020-07 version 1", outp)
        code, _, err = zwfw(*flags, "bulletin", "draft", "set",
                            os.path.join(zwfw_testlib.SOURCE_DIR,
                                         "deploy/demo/qijiang-2020-07-draft.json"),
                            token=self.admin)
        self.assertEqual(code, 1)
        self.assertIn("FAILED_PRECONDITION", err)
        late = os.path.join(self.dir, "late.jsonl")
        with open(late, "w") as f:
            f.write('{"department_code": "qj-gaj", "case_no": "late-1", '
                    '"category": "ITEM_CATEGORY_APPROVAL", '
                    '"site": "HANDLING_SITE_CENTER", '
                    '"status": "CASE_STATUS_ACCEPTED", '
                    '"accepted_at": "2020-07-31T08:00:00Z"}\n')
        # Publishing closed July in intake: no case back-dated into it.
        code, _, err = zwfw(*flags, "cases", "import", late, token=self.admin)
        self.assertEqual(code, 3, err)
        self.assertIn("accepted_at: 2020-07 is published and closed", err)
        # The office corrects it, with a reason: written, and listed in the
        # bulletin of the month the correction is made in.
        code, out, err = zwfw(*flags, "cases", "import", late,
                              "--correction=补录漏报办件", token=self.admin)
        self.assertEqual(code, 0, err)
        this_month = time.strftime("%Y-%m",
                                   time.gmtime(time.time() + 8 * 3600))
        _, current, _ = zwfw(*flags, "bulletin", "render",
                             "--period=" + this_month, "--format=text",
                             token=self.admin, check=0)
        self.assertIn("本期更正已通报月份办件数据1件：2020年7月份区公安局办件"
                      "late-1（补录漏报办件）", current)
        # Publishing closed July in survey: a rating dated in it is refused.
        rating = os.path.join(self.dir, "late-rating.jsonl")
        with open(rating, "w") as f:
            f.write('{"evaluation_id": "late-r1", "department_code": "qj-gaj", '
                    '"rating": 5, "channel": "EVALUATION_CHANNEL_ONLINE", '
                    '"evaluated_at": "2020-07-31T08:00:00Z"}\n')
        code, _, err = zwfw(*flags, "evaluations", "import", rating,
                            token=self.admin)
        self.assertEqual(code, 3, err)
        self.assertIn("evaluated_at: 2020-07 is published and closed", err)
        code, published, _ = zwfw(*flags, "bulletin", "get",
                                  "--period=2020-07", "--format=text",
                                  token=self.viewer)
        self.assertEqual(code, 0)
        self.assertEqual(published, text)
        _, fresh, _ = zwfw(*flags, "bulletin", "render", "--period=2020-07",
                           "--format=text", token=self.admin, check=0)
        self.assertIn("审批服务事项67355件", fresh)  # with the correction
        # The scorecard was frozen by the publish step.
        code, _, err = zwfw(*flags, "adjustments", "add", "--period=2020-07",
                            "--department=区税务局", "--points=1",
                            "--reason=late", token=self.admin)
        self.assertIn("is frozen", err)
        for server in reversed(self.servers):
            self.assertEqual(server.terminate(), 0)
        self.servers = []

    def assert_template_renders_the_builtin(self, flags):
        """Renders July 2020 with the built-in format and with the draft
        naming deploy/templates/qijiang-monthly.txt: equal in every format
        but PDF (whose bytes carry a creation time); then the draft as it
        was."""
        source = os.path.join(zwfw_testlib.SOURCE_DIR, "deploy")
        zwfw(*flags, "templates", "set", "qijiang-monthly",
             os.path.join(source, "templates/qijiang-monthly.txt"),
             token=self.admin, check=0)
        formats = ("text", "markdown", "html", "csv", "xlsx")

        def render_all():
            out = {}
            for f in formats:
                path = os.path.join(self.dir, "render." + f)
                zwfw(*flags, "bulletin", "render", "--period=2020-07",
                     "--format=" + f, "-o", path, token=self.admin, check=0)
                if f == "xlsx":  # its properties carry the time made
                    with zipfile.ZipFile(path) as z:
                        out[f] = z.read("xl/worksheets/sheet1.xml").decode()
                else:
                    with open(path, encoding="utf-8-sig") as r:
                        out[f] = r.read()
            return out

        builtin = render_all()
        draft_file = os.path.join(source, "demo/qijiang-2020-07-draft.json")
        with open(draft_file, encoding="utf-8") as f:
            draft = json.load(f)
        templated_draft = os.path.join(self.dir, "templated-draft.json")
        with open(templated_draft, "w", encoding="utf-8") as f:
            json.dump(dict(draft, template="qijiang-monthly"), f,
                      ensure_ascii=False)
        zwfw(*flags, "bulletin", "draft", "set", templated_draft,
             token=self.admin, check=0)
        templated = render_all()
        for f in formats:
            self.assertEqual(templated[f], builtin[f], f)
        # It is the template that wrote it: its next version is used.
        edited = os.path.join(self.dir, "qijiang-edited.txt")
        with open(os.path.join(source, "templates/qijiang-monthly.txt"),
                  encoding="utf-8") as f, open(edited, "w",
                                               encoding="utf-8") as g:
            g.write(f.read().replace("closing 特此通报。", "closing 特此通报！"))
        zwfw(*flags, "templates", "set", "qijiang-monthly", edited,
             token=self.admin, check=0)
        _, text, _ = zwfw(*flags, "bulletin", "render", "--period=2020-07",
                          "--format=text", token=self.admin, check=0)
        self.assertIn("特此通报！", text.splitlines())
        zwfw(*flags, "bulletin", "draft", "set", draft_file, token=self.admin,
             check=0)


if __name__ == "__main__":
    zwfw_testlib.main()

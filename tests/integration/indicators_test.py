#!/usr/bin/env python3
"""The indicator library through the real processes: the July 2020 demo
loaded through the APIs, then its indicators read over HTTP by the
anonymous viewer (aggregates only), for a month and for the quarter and
the year that hold it (the same figures: the demo has July alone), with a
comparison, as `zwfw indicators` prints them; bad indicators and periods
refused naming what is wrong."""
import json
import os
import urllib.error
import urllib.parse
import urllib.request

import zwfw_testlib
from zwfw_testlib import zwfw


class IndicatorsTest(zwfw_testlib.ServicesTestCase):

    def get(self, period, indicators, **params):
        query = [("indicators", i) for i in indicators]
        query += [(k, v) for k, v in params.items()]
        url = "http://127.0.0.1:%d/v1/periods/%s/indicators?%s" % (
            self.gateway.port, period, urllib.parse.urlencode(query))
        try:
            with urllib.request.urlopen(url, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def test_the_july_2020_indicators(self):
        viewer_file = os.path.join(self.dir, "viewer.token")
        with open(viewer_file, "w") as f:
            f.write(self.viewer)
        _, peers = self.start_services()
        self.gateway = self.start("gateway/gateway_server", peers + [
            "--anonymous_viewer", "--viewer_token_file=" + viewer_file])
        self.load_demo(peers)

        names = ["accepted", "completed", "overtime",
                 "same_day_rate[site=center]", "accepted_share[online=yes]",
                 "visit_satisfaction_rate", "accepted[category=approval]",
                 "accepted[status=completed]"]
        status, july = self.get("2020-07", names)
        self.assertEqual(status, 200, july)
        self.assertEqual(july["period_name"], "2020年7月")
        total = [f["text"] for f in july["total"]["figures"]]
        # The attachment table's figures, from the cells.
        self.assertEqual(total[0], "84781")
        self.assertEqual(total[2], "7")
        self.assertEqual(total[3], "95.36%")  # 52740 / 55306
        self.assertEqual(total[5], "100.00%")  # 230 return visits reached
        self.assertEqual(total[6], "67354")
        rows = {d["name"]: d for d in july["departments"]}
        self.assertEqual(len(rows), 34)
        self.assertEqual(rows["区人力社保局"]["figures"][2]["text"], "5")
        self.assertEqual(rows["区科技局"]["figures"][0]["text"], "0")
        self.assertEqual(rows["区科技局"]["figures"][3]["text"], "—")
        self.assertEqual(sum(int(g["figures"][0]["numerator"])
                             for g in july["groups"]), 84781)

        # The quarter and the year holding July: the same sums, but for
        # the cases completed, which count in the month they were: July's
        # cases completed in August are the quarter's, not July's.
        done_in_july = int(total[1])
        self.assertLess(done_in_july, int(total[7]))
        for period, name in (("2020-Q3", "2020年第三季度"), ("2020", "2020年")):
            status, longer = self.get(period, names)
            self.assertEqual(status, 200, longer)
            self.assertEqual(longer["period_name"], name)
            figures = [f["text"] for f in longer["total"]["figures"]]
            self.assertEqual(figures[1], total[7], period)
            self.assertEqual(figures[:1] + figures[2:], total[:1] + total[2:],
                             period)

        # A comparison with June (nothing) and July 2019 (nothing).
        status, compared = self.get("2020-07", names[:2], compare="true")
        self.assertEqual(status, 200, compared)
        self.assertEqual(compared["previous_period"], "2020-06")
        self.assertEqual(compared["total"]["change"], ["—", "—"])
        status, august = self.get("2020-08", names[:1], compare="true")
        self.assertEqual(august["total"]["change"], ["比上月减少100.00%"])

        # Refused, naming what is wrong.
        status, body = self.get("2020-07", ["accepted", "acepted"])
        self.assertEqual(status, 400)
        self.assertIn('indicators[1]: indicator "acepted"', body["message"])
        status, body = self.get("2020-Q5", ["accepted"])
        self.assertEqual(status, 400)
        self.assertIn("a quarter (2023-Q2)", body["message"])
        status, body = self.get("2020-07", ["accepted[site=moon]"])
        self.assertEqual(status, 400)
        self.assertIn("site=moon is not one of", body["message"])

        # Rankings: 区人力社保局 is the one department with 5 overtime
        # cases; the seven departments without cases are at zero.
        status, ranked = self.get("2020-07", ["overtime", "accepted"], top="3")
        self.assertEqual(status, 200, ranked)
        codes = {d["code"]: d["name"] for d in july["departments"]}
        self.assertEqual(codes[ranked["rankings"][0]["top"][0]], "区人力社保局")
        self.assertEqual(len(ranked["rankings"][1]["zero"]), 7)

        # The CLI prints the same figures.
        _, out, _ = zwfw(*peers, "indicators", "--period=2020-Q3", "accepted",
                         "overtime", token=self.viewer, check=0)
        self.assertIn("2020年第三季度", out)
        first = [l for l in out.splitlines() if l.startswith("合计")][0]
        self.assertEqual(first.split(), ["合计", "84781", "7"])
        self.assertEqual(self.gateway.terminate(), 0)


if __name__ == "__main__":
    zwfw_testlib.main()

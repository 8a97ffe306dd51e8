#!/usr/bin/env python3
"""The real survey and intake servers and the zwfw CLI: ratings, visits and
the closed loop end to end, a restart that keeps everything, and a clear
UNAVAILABLE naming intake when the directory cannot be read."""
import json
import os
import shutil
import sqlite3
import tempfile
import unittest

import zwfw_testlib
from zwfw_testlib import Server, new_token, zwfw, demo_directory


def evaluation(eid, rating, case_no, when="2020-07-10T10:00:00+08:00", **extra):
    record = {"evaluation_id": eid, "department_code": "区公安局",
              "case_no": case_no, "window_code": "qj-w01",
              "staff_code": "qj-s001", "rating": rating,
              "channel": "EVALUATION_CHANNEL_WINDOW_DEVICE",
              "evaluated_at": when, "comment": "身份证号 500222199001011234"}
    record.update(extra)
    return json.dumps(record, ensure_ascii=False)


def case(case_no, accepted_at="2020-07-01T09:00:00+08:00"):
    return json.dumps({"department_code": "qj-gaj", "case_no": case_no,
                       "category": "ITEM_CATEGORY_APPROVAL",
                       "site": "HANDLING_SITE_CENTER",
                       "status": "CASE_STATUS_ACCEPTED",
                       "accepted_at": accepted_at})


class SurveyServerTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zwfw-survey-")
        tokens = os.path.join(self.dir, "tokens.txt")
        self.admin = new_token(tokens, "admin")
        # A window device, bound to its window (DESIGN.md, "Who may say
        # what"), and the online platform's integration.
        self.device = new_token(tokens, "evaluator:qj-w01")
        self.online = new_token(tokens, "channel:online")
        self.unbound = new_token(tokens, "evaluator")
        self.police = new_token(tokens, "department:qj-gaj")
        with open(os.path.join(self.dir, "service.token"), "w") as f:
            f.write(new_token(tokens, "service"))
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start_survey(self, intake_address):
        survey = Server(self.dir, binary="services/survey/survey_server",
                        extra=["--intake=" + intake_address,
                               "--service_token_file=" +
                               os.path.join(self.dir, "service.token")])
        self.servers.append(survey)
        return survey.wait_listening()

    def write(self, name, lines):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def test_ratings_visits_closed_loop_and_restart(self):
        intake = Server(self.dir).wait_listening()
        self.servers.append(intake)
        zwfw("--intake=" + intake.address, "directory", "import",
             demo_directory(), token=self.admin, check=0)
        # The cases the window device rates, as the department sent them.
        cases = self.write("cases.jsonl", [case("c%d" % i)
                                            for i in range(1, 7)])
        zwfw("--intake=" + intake.address, "cases", "import", cases,
             token=self.police, check=0)
        survey = self.start_survey(intake.address)
        at = "--survey=" + survey.address
        self.assertIn("1 evaluator tokens bound to no window are refused",
                      survey.logs())

        ratings = self.write("ratings.jsonl", [
            evaluation("e1", 5, "c1"),
            evaluation("e2", 4, "c2"),
            evaluation("e3", 2, "c3"),
            evaluation("e1-again", 1, "c1",
                       channel="EVALUATION_CHANNEL_SMS"),  # c1 already rated
            evaluation("e4", 6, "c4"),
            '{"evaluation_id": "e5", "stars": 5}',
            evaluation("e6", 5, "c6", when="2099-01-01T00:00:00Z"),
        ])
        code, out, err = zwfw(at, "evaluations", "import", ratings,
                              token=self.device)
        self.assertEqual(code, 3, err)
        self.assertIn("accepted 3, updated 0, duplicate 1, rejected 3", out)
        self.assertIn("line 5: rating:", err)
        self.assertIn("line 6: json:", err)
        self.assertIn("line 7: evaluated_at: is in the future", err)

        # Who may say what, through the real servers: the department may
        # not rate its own case; the online channel only cases intake
        # knows (one lookup a batch); the unbound device not at all.
        own = self.write("own.jsonl", [evaluation("own", 5, "c4")])
        code, out, err = zwfw(at, "evaluations", "import", own,
                              token=self.police)
        self.assertIn("never rates itself", err)
        online = self.write("online.jsonl", [
            evaluation("o4", 5, "c4", channel="EVALUATION_CHANNEL_ONLINE"),
            evaluation("o9", 5, "c9", channel="EVALUATION_CHANNEL_ONLINE")])
        code, out, err = zwfw(at, "evaluations", "import", online,
                              token=self.online)
        self.assertIn("accepted 1, updated 0, duplicate 0, rejected 1", out)
        self.assertIn("case c9 of department qj-gaj is not known to intake",
                      err)
        code, _, err = zwfw(at, "evaluations", "import", own,
                            token=self.unbound)
        self.assertIn("bound to no window", err)

        visits = self.write("visits.jsonl", [json.dumps({
            "visit_id": "v%d" % i, "department_code": "qj-gaj",
            "case_no": "c%d" % i, "visited_at": "2020-07-20T10:00:00+08:00",
            "reached": True, "rating": 5}) for i in range(230)])
        code, out, err = zwfw(at, "visits", "import", visits, token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("accepted 230", out)

        # The bad rating's closed loop, by the department and the citizen.
        code, out, _ = zwfw(at, "rectifications", "list", token=self.police)
        self.assertIn("e3", out)
        self.assertIn("pending_verification", out)
        for state in ("rectifying", "rectified"):
            zwfw(at, "rectifications", "update", "e3", state,
                 "--note=已与群众沟通", token=self.police, check=0)
        code, _, err = zwfw(at, "rectifications", "update", "e3", "closed",
                            token=self.police)
        self.assertEqual(code, 1)
        self.assertIn("follow_up_rating", err)
        follow = self.write("follow.jsonl", [
            evaluation("e3-follow", 5, "c3", rectified_evaluation_id="e3",
                       when="2020-07-15T10:00:00+08:00")])
        zwfw(at, "evaluations", "import", follow, token=self.device, check=0)

        code, out, err = zwfw(at, "satisfaction", "--period=2020-07",
                              token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("本月回访办事群众230名（回访230次），满意率100.0%", out)
        # Rectified today, long after its July 2020 due time: late.
        self.assertIn("差评整改：新增1件，按期办结0件，超期1件，未办结0件", out)
        police_row = next(l for l in out.splitlines()
                          if l.startswith("区公安局"))
        self.assertIn("75.0%", police_row)  # 好评率 3/4
        tax_row = next(l for l in out.splitlines() if l.startswith("区税务局"))
        self.assertIn("无数据", tax_row)

        # The records behind those figures, as the library says which:
        # 好评率 3/4 is three ratings of four, 回访满意率 230 of 230 visits,
        # the overdue rectification one; comments and notes never listed.
        for args, listed in (
                (("evaluations", "--indicator=good_rate"), "3 ratings"),
                (("evaluations", "--indicator=good_rate", "--denominator"),
                 "4 ratings"),
                (("visits", "--indicator=visit_satisfaction_rate"),
                 "230 return visits"),
                (("rectifications", "--indicator=rectifications_overdue"),
                 "1 rectifications")):
            code, out, err = zwfw(at, args[0], "list", "--period=2020-07",
                                  "--department=qj-gaj", *args[1:],
                                  token=self.admin)
            self.assertEqual(code, 0, err)
            self.assertTrue(out.endswith(listed + "\n"), (args, out[-80:]))
        code, _, err = zwfw(at, "visits", "list", "--period=2020-07",
                            "--indicator=good_rate", token=self.admin)
        self.assertEqual(code, 1)
        self.assertIn("its records are listed by ListEvaluations", err)

        # Every write is in the survey's audit trail: who, which RPC, which
        # records; the chain is intact, and an entry edited behind the
        # server's back (triggers dropped, a SQLite shell) is found.
        code, out, err = zwfw(at, "audit", "list", "survey", token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("evaluator:qj-w01", out)
        self.assertIn("SubmitEvaluations", out)
        self.assertIn("channel:online", out)
        self.assertIn("UpdateRectification", out)
        code, out, err = zwfw(at, "audit", "verify", "survey",
                              token=self.admin)
        self.assertEqual(code, 0, err)
        self.assertIn("chain intact", out)
        self.assertEqual(zwfw(at, "audit", "verify", "survey",
                              token=self.police)[0], 1)  # admin only

        # Comments are personal: never in a log line.
        self.assertNotIn("500222199001011234", survey.logs())
        self.assertNotIn("500222199001011234", intake.logs())

        _, before, _ = zwfw(at, "satisfaction", "--period=2020-07", "--json",
                            token=self.admin, check=0)
        self.assertEqual(survey.terminate(), 0)
        survey = self.start_survey(intake.address)
        _, after, _ = zwfw("--survey=" + survey.address, "satisfaction",
                           "--period=2020-07", "--json", token=self.admin,
                           check=0)
        self.assertEqual(json.loads(after), json.loads(before))
        db = sqlite3.connect(os.path.join(self.dir, "data", "survey.db"))
        db.executescript("DROP TRIGGER audit_log_no_update; "
                         "UPDATE audit_log SET who = 'admin 00000000' "
                         "WHERE seq = 1;")
        db.close()
        code, out, _ = zwfw("--survey=" + survey.address, "audit", "verify",
                            "survey", token=self.admin)
        self.assertEqual(code, 3, out)
        self.assertIn("NOT intact after 0 entries: entry 1: edited", out)
        self.assertEqual(survey.terminate(), 0)

    def test_unavailable_names_intake(self):
        nowhere = "127.0.0.1:%d" % zwfw_testlib.free_port()
        survey = self.start_survey(nowhere)
        ratings = self.write("r.jsonl", [evaluation("e1", 5, "c1")])
        code, _, err = zwfw("--survey=" + survey.address, "evaluations",
                            "import", ratings, token=self.device)
        self.assertEqual(code, 1)
        self.assertIn("UNAVAILABLE: intake at " + nowhere, err)
        self.assertEqual(survey.terminate(), 0)


if __name__ == "__main__":
    zwfw_testlib.main()

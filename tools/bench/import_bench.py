#!/usr/bin/env python3
"""import_bench: an office's CSV export against the JSON-lines import.

Writes N cases (default 1,000,000, over the demo's 34 departments) twice —
as JSON lines and as a GBK CSV with a title row and Chinese headers read by
deploy/import/qijiang-cases.json — then, each round, imports each into a
fresh intake_server through the real CLI (one SubmitCases stream) and
measures cases/s and the CLI's peak RSS. Medians and the ratio are printed.
Goal (issue 20): CSV at >= 50% of the JSON-lines rate, peak RSS < 100 MB.

  tools/bench/import_bench.py [--cases N] [--rounds 3]
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.environ.get("ZWFW_BUILD_DIR", os.path.join(ROOT, "build"))
ZWFW = os.path.join(BUILD, "tools/zwfw/zwfw")
DIRECTORY = os.path.join(ROOT, "deploy/demo/qijiang-directory.json")
MAPPING = os.path.join(ROOT, "deploy/import/qijiang-cases.json")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_files(work, n):
    with open(DIRECTORY) as f:
        departments = [(d["code"], d["name"])
                       for d in json.load(f)["departments"]]
    jsonl = os.path.join(work, "cases.jsonl")
    csv = os.path.join(work, "cases.csv")
    sites = [("HANDLING_SITE_CENTER", "中心"), ("HANDLING_SITE_DEPARTMENT", "部门"),
             ("HANDLING_SITE_GRASSROOTS", "镇街")]
    with open(jsonl, "w") as j, open(csv, "w", encoding="gbk",
                                     newline="") as c:
        c.write("綦江区办件明细\r\n办件编号,办理部门,事项类别,办理地点,即办件,是否网办,"
                "办件状态,受理时间,办结时间,中心办结,申请人类型,承诺办结时间\r\n")
        for i in range(n):
            code, name = departments[i % len(departments)]
            site, site_zh = sites[i % 3]
            day, minute = 1 + i % 28, i % 600
            hour, minute = 9 + minute // 60, minute % 60
            no = "bench-%08d" % i
            j.write(json.dumps({
                "department_code": code, "case_no": no,
                "category": "ITEM_CATEGORY_APPROVAL", "site": site,
                "instant": i % 2 == 0, "online": i % 3 == 0,
                "status": "CASE_STATUS_COMPLETED",
                "accepted_at": "2020-07-%02dT%02d:%02d:00Z" % (
                    day, hour - 8, minute),
                "completed_at": "2020-07-%02dT%02d:%02d:00Z" % (
                    day, hour - 7, minute),
                "completed_in_center": site == "HANDLING_SITE_CENTER",
                "applicant_kind": "APPLICANT_KIND_PERSON"},
                ensure_ascii=False) + "\n")
            c.write("%s,%s,审批,%s,%s,%s,办结,2020/7/%d %d:%02d,"
                    "2020/7/%d %d:%02d,%s,个人,\r\n" % (
                        no, name, site_zh, "是" if i % 2 == 0 else "否",
                        "是" if i % 3 == 0 else "否", day, hour, minute, day,
                        hour + 1, minute,
                        "是" if site == "HANDLING_SITE_CENTER" else "否"))
    return jsonl, csv


def run_import(work, path, mapping):
    """A fresh intake_server, the directory, one import: (cases/s, RSS MB)."""
    data = tempfile.mkdtemp(dir=work)
    tokens = os.path.join(data, "tokens.txt")
    admin = subprocess.run([ZWFW, "tokens", "add", "--token_file=" + tokens,
                            "admin"], capture_output=True, text=True,
                           check=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen(
        [os.path.join(BUILD, "services/intake/intake_server"),
         "--listen=127.0.0.1:%d" % port, "--data_dir=" + data,
         "--token_file=" + tokens,
         "--calendar_dir=" + os.path.join(ROOT, "deploy/calendar")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        addr = "--intake=127.0.0.1:%d" % port
        for _ in range(100):
            if subprocess.run([ZWFW, addr, "health"],
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        subprocess.run([ZWFW, addr, "--token=" + admin, "directory", "import",
                        DIRECTORY], capture_output=True, check=True)
        # GNU time reports the CLI's own peak RSS (kilobytes, last line).
        cmd = ["/usr/bin/time", "-f", "%M", ZWFW, addr, "--token=" + admin,
               "cases", "import", path, "--batch=5000"]
        if mapping:
            cmd += ["--mapping", mapping]
        start = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.time() - start
        if p.returncode != 0:
            raise SystemExit("import failed: " + p.stdout + p.stderr)
        rss = int(p.stderr.strip().splitlines()[-1]) / 1024
        accepted = int(p.stdout.split("accepted ")[1].split(",")[0])
        return accepted / seconds, rss
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="zwfw-import-bench-")
    try:
        jsonl, csv = write_files(work, args.cases)
        print("import_bench: %d cases; JSON lines %.0f MB, GBK CSV %.0f MB" % (
            args.cases, os.path.getsize(jsonl) / 1e6,
            os.path.getsize(csv) / 1e6))
        rates = {"jsonl": [], "csv": []}
        peak = {"jsonl": 0.0, "csv": 0.0}
        for r in range(args.rounds):
            j, jrss = run_import(work, jsonl, None)
            c, rss = run_import(work, csv, MAPPING)
            peak["jsonl"] = max(peak["jsonl"], jrss)
            peak["csv"] = max(peak["csv"], rss)
            rates["jsonl"].append(j)
            rates["csv"].append(c)
            print("round %d: JSON lines %.0f cases/s, CSV %.0f cases/s, "
                  "ratio %.2f" % (r + 1, j, c, c / j))
        j, c = statistics.median(rates["jsonl"]), statistics.median(
            rates["csv"])
        print("median: JSON lines %.0f cases/s, CSV %.0f cases/s, ratio %.2f "
              "(goal >= 0.50); peak RSS of the CLI: CSV %.0f MB (goal < 100), "
              "JSON lines %.0f MB" % (j, c, c / j, peak["csv"],
                                      peak["jsonl"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fills a Drover run store with a long history, fast: direct SQLite inserts
in one transaction into a store whose schema `drover` itself created (run
any drover command with DROVER_HOME set first, so the migrations are the
real ones).

  generate_store.py DROVER_HOME [--runs 10000] [--hosts-per-run 20] [--tasks 5] [--fleet 500]

Runs x hosts-per-run x tasks results (default 1,000,000 over 10,000 runs).
Each run covers `hosts-per-run` consecutive hosts of a fleet of `fleet`
(web001...), so every host appears in runs*hosts_per_run/fleet runs. One
run in ten gathers facts (a `setup` result carrying `ansible_facts`).
`run_hosts` gets the per-host counts computed from the results written, as
the run recorder leaves them, so the API's precomputed counts are right.
"""
import argparse
import datetime
import json
import os
import random
import sqlite3
import sys
import time

TEMPLATES = ["upgrade", "diagnostics", "regression", "deploy-web", "rotate-logs", "patch-kernel", "restart-app", "backup",
             "inventory-sweep", "cert-renew"]
TASKS = [("command", "check uptime"), ("shell", "collect disk usage"), ("copy", "install motd"),
         ("command", "restart service"), ("command", "smoke test")]
STATUS_FIELDS = ["ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored", "cancelled"]


def grdb_date(moment):
    """GRDB's text format for Date columns (UTC, milliseconds)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def facts(host, index):
    return {"ansible_hostname": host, "ansible_distribution": "Debian", "ansible_distribution_version": "13",
            "ansible_kernel": f"6.12.{index % 40}-amd64", "ansible_memtotal_mb": 4096 + index % 8 * 1024,
            "ansible_processor_vcpus": 2 + index % 4, "ansible_default_ipv4": {"address": f"10.0.{index // 250}.{index % 250}"}}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("home")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--hosts-per-run", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=5)
    parser.add_argument("--fleet", type=int, default=500)
    args = parser.parse_args()
    path = os.path.join(args.home, "drover.sqlite")
    if not os.path.exists(path):
        sys.exit(f"{path} does not exist: run a drover command with DROVER_HOME={args.home} first")
    random.seed(13)
    hosts = [f"web{i:03d}" for i in range(1, args.fleet + 1)]
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    first_run = (db.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0]) + 1
    result_id = (db.execute("SELECT COALESCE(MAX(id), 0) FROM task_results").fetchone()[0]) + 1
    start = datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc)
    began = time.monotonic()
    results = 0
    for n in range(args.runs):
        run_id = first_run + n
        started = start + datetime.timedelta(minutes=10 * n)
        template = TEMPLATES[n % len(TEMPLATES)] if n % 5 else None  # one run in five is the CLI's
        gathers = n % 10 == 0
        roll = random.random()
        run_status = "cancelled" if roll < 0.01 else "failed" if roll < 0.05 else "succeeded"
        first_host = (n * args.hosts_per_run) % args.fleet
        run_hosts = [hosts[(first_host + k) % args.fleet] for k in range(args.hosts_per_run)]
        db.execute("""INSERT INTO runs (id, kind, playbook, playbook_sha256, inventory, limit_pattern, extra_vars, user, host_name, pid,
                                        check_mode, started_at, ended_at, status, template)
                      VALUES (?, 'run', ?, ?, 'inventory', NULL, ?, ?, 'controller', 4242, 0, ?, ?, ?, ?)""",
                   (run_id, f"/srv/drover/{template or 'adhoc'}.yml", f"{run_id:064x}", json.dumps({"batch": 5}),
                    "alice" if n % 3 else "bob", grdb_date(started), grdb_date(started + datetime.timedelta(seconds=90)),
                    run_status, template))
        rows = []
        counts = {host: dict.fromkeys(STATUS_FIELDS, 0) for host in run_hosts}
        seq = 0
        for t, (module, title) in enumerate(TASKS[:args.tasks], start=1):
            if t == 1 and gathers:
                module, title = "setup", "Gathering Facts"
            for h, host in enumerate(run_hosts):
                seq += 1
                roll = random.random()
                status = "failed" if run_status == "failed" and h == 0 and t == args.tasks else \
                    "changed" if roll < 0.09 else "ok"
                counts[host][status] += 1
                if module == "setup":
                    result = {"changed": False, "ansible_facts": facts(host, hosts.index(host))}
                    stdout = None
                else:
                    stdout = f"{host}: {title} done\nline two of {seq}\n".encode()
                    result = {"changed": status == "changed", "rc": 1 if status == "failed" else 0}
                moment = grdb_date(started + datetime.timedelta(seconds=t * 10 + h * 0.01))
                rows.append((result_id, run_id, seq, t, "fleet", title, f"site.yml:{t * 4}", module, host, status, 0,
                             1 if status == "failed" else 0, stdout, b"error\n" if status == "failed" else None,
                             "non-zero return code" if status == "failed" else None, json.dumps(result), moment, moment, f"p1.t{t}"))
                result_id += 1
        db.executemany("""INSERT INTO task_results (id, run_id, seq, task_index, play, task, location, module, host, status, ignored,
                                                    rc, stdout, stderr, msg, result, started_at, ended_at, task_id)
                          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
        db.executemany(f"INSERT INTO run_hosts (run_id, host, {', '.join(STATUS_FIELDS)}) VALUES (?, ?, {', '.join('?' * len(STATUS_FIELDS))})",
                       [(run_id, host, *[c[f] for f in STATUS_FIELDS]) for host, c in counts.items()])
        results += len(rows)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"generated {args.runs} runs, {results} results over {args.fleet} hosts in {time.monotonic() - began:.1f} s "
          f"(runs {first_run}-{first_run + args.runs - 1})")


if __name__ == "__main__":
    main()

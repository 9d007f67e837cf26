#!/usr/bin/env python3
"""The live measurements of bench/server/run, against a running `drover serve`.

  measure.py sse SERVER TOKEN        # launch `tick`, follow its events: output-line latency
  measure.py parallel SERVER TOKEN [N]  # `fleet` on r1 alone, then on r1…rN (default 20) at once: per-run times

Prints one `key value` line per number (bench/server/run reads them).
Python's standard library only.
"""
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse


class API:
    def __init__(self, server, token):
        url = urllib.parse.urlparse(server)
        self.host, self.port = url.hostname, url.port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=self.headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        if response.status >= 300:
            sys.exit(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data)

    def events(self, run):
        """Yields (arrival time, event name, data) as the frames arrive."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=300)
        connection.request("GET", f"/api/v1/runs/{run}/events", headers=self.headers)
        response = connection.getresponse()
        name, data = "message", None
        while True:
            line = response.readline()
            if not line:
                return
            now = time.time()
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "" and data is not None:
                yield now, name, data
                name, data = "message", None

    def wait(self, run):
        """The run's final status and duration (s), from its run_finished event."""
        for _, name, data in self.events(run):
            if name == "run_finished":
                return data["status"], data["duration"]
        return None, None


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def sse(api):
    """`tick` writes `date +%s.%N` lines 250 ms apart on a test host (same
    clock as here); each line's delay is its arrival here minus its stamp."""
    run = api.call("POST", "/api/v1/templates/tick/launch", {})["id"]
    delays = []
    status = None
    for arrival, name, data in api.events(run):
        if name == "output":
            for line in data.get("text", "").splitlines():
                try:
                    delays.append((arrival - float(line)) * 1000)
                except ValueError:
                    pass
        if name == "run_finished":
            status = data["status"]
            break
    if not delays:
        sys.exit(f"run {run} ({status}): no timestamped output line arrived")
    print(f"sse_run {run}")
    print(f"sse_status {status}")
    print(f"sse_lines {len(delays)}")
    print(f"sse_p50_ms {statistics.median(delays):.1f}")
    print(f"sse_p99_ms {percentile(delays, 99):.1f}")
    print(f"sse_max_ms {max(delays):.1f}")


def parallel(api, count=20):
    """`fleet` (5 tasks, 2 s of sleeps) on the N hosts of group r1, alone;
    then on groups r1…r20 (the same N sshd hosts under 20 names each, so
    no run waits for another's host locks), all launched at once."""
    alone = api.call("POST", "/api/v1/templates/fleet/launch", {"limit": "r1"})["id"]
    status, duration = api.wait(alone)
    print(f"alone_status {status}")
    print(f"alone_s {duration:.2f}")
    began = time.time()
    runs = []
    for group in range(1, count + 1):
        runs.append(api.call("POST", "/api/v1/templates/fleet/launch", {"limit": f"r{group}"})["id"])
    outcomes = [(None, None)] * count

    def follow(index, run):
        outcomes[index] = api.wait(run)
    threads = [threading.Thread(target=follow, args=(i, run)) for i, run in enumerate(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.time() - began
    durations = [d for _, d in outcomes if d is not None]
    statuses = [s for s, _ in outcomes]
    print(f"parallel_runs {count}")
    print(f"parallel_statuses {','.join(f'{statuses.count(s)}_{s}' for s in sorted(set(map(str, statuses))))}")
    print(f"parallel_median_s {statistics.median(durations):.2f}")
    print(f"parallel_min_s {min(durations):.2f}")
    print(f"parallel_max_s {max(durations):.2f}")
    print(f"parallel_wall_s {wall:.2f}")


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in ("sse", "parallel"):
        sys.exit(__doc__)
    api = API(sys.argv[2], sys.argv[3])
    if sys.argv[1] == "sse":
        sse(api)
    else:
        parallel(api, int(sys.argv[4]) if len(sys.argv) == 5 else 20)

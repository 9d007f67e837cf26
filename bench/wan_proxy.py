#!/usr/bin/env python3
"""A latency-adding TCP proxy for bench/wan: a WAN round trip on loopback.

    wan_proxy.py [--rtt MS] --map LISTEN=TARGET [--map ...] [options]
    wan_proxy.py --selftest [--rtt MS] [--pings N]

Each --map ADDR:PORT=ADDR:PORT listens on the first address and forwards every
connection to the second. Every chunk read from one side is written to the
other side RTT/2 after it was read, in both directions, so a request and its
answer cost one RTT. Each direction keeps a queue of (deadline, chunk): chunks
leave in order, each at its own read time + RTT/2, so chunks sent back to back
arrive back to back (the delay does not add up, and throughput is not capped
by it). No bandwidth limit, no loss, no TCP slow start: only latency.

A TCP connect costs a round trip on a real network before the client can send
(SYN, SYN-ACK) and the server accepts it another RTT/2 later (ACK). The proxy
accepts at once, so it plays that part too: the connection to the target is
opened RTT * 1.5 after the accept, the client's bytes are taken as sent no
earlier than RTT after it, and the server's first bytes reach the client 2 RTT
after the connect, as on a real link (--no-handshake turns this off).

Only loopback addresses (127.0.0.0/8) are accepted, for listening and for the
targets; anything else is refused. The proxy stops on SIGTERM/SIGINT, when its
parent dies (or the --parent PID), and after --max-seconds (default 3600). At
exit it prints one summary line on stderr: connections, bytes, and how late
chunks left against their deadlines (the event loop's lag; a loaded machine
shows here).

--selftest starts an echo server and a proxy on 127.0.0.1 (ephemeral ports),
then measures through it: a connect plus the first echo (median of 5
connections; expected 2 RTT with the handshake), N one-byte pings (the median must be within max(3 ms, 10%) of
RTT), a burst of 50 small messages written 2 ms apart (the last echo must come
about RTT after the last write, not 50 delays later) and 8 MiB back to back
(throughput). Exit status 0 when all hold.

Python 3 standard library only.
"""

import argparse
import asyncio
import ipaddress
import os
import signal
import socket
import statistics
import sys
import time

CHUNK = 65536
QUEUE_LIMIT = 16 * 1024 * 1024  # bytes in flight per direction before reading pauses


def loopback_endpoint(text, what):
    """'127.0.9.1:22' -> ('127.0.9.1', 22); refuses anything but 127.0.0.0/8."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise SystemExit(f"wan_proxy: {what} {text!r}: expected ADDRESS:PORT")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise SystemExit(f"wan_proxy: {what} {text!r}: not an IP address (names are not resolved)")
    if address.version != 4 or address not in ipaddress.ip_network("127.0.0.0/8"):
        raise SystemExit(f"wan_proxy: {what} {text!r}: refused, only loopback addresses 127.x.x.x are allowed")
    port = int(port)
    if not 0 <= port <= 65535:
        raise SystemExit(f"wan_proxy: {what} {text!r}: bad port")
    return str(address), port


def set_nodelay(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


class Stats:
    """Counters and a histogram of lateness (0.1 ms buckets)."""

    def __init__(self):
        self.connections = 0
        self.failed = 0
        self.chunks = 0
        self.bytes = 0
        self.late = {}  # bucket (0.1 ms) -> count

    def record_late(self, seconds):
        bucket = max(0, int(seconds * 10000))
        self.late[bucket] = self.late.get(bucket, 0) + 1

    def percentile(self, p):
        total = sum(self.late.values())
        if not total:
            return 0.0
        rank, seen = p * (total - 1), 0
        for bucket in sorted(self.late):
            seen += self.late[bucket]
            if seen > rank:
                return bucket / 10.0
        return max(self.late) / 10.0

    def summary(self, rtt_ms):
        return (f"wan_proxy: rtt {rtt_ms:g} ms, {self.connections} connections ({self.failed} failed), "
                f"{self.chunks} chunks, {self.bytes} bytes; chunks left late by: median "
                f"{self.percentile(0.5):.1f} ms, p99 {self.percentile(0.99):.1f} ms, "
                f"max {(max(self.late) / 10.0 if self.late else 0):.1f} ms")


class Proxy:
    def __init__(self, rtt_ms, handshake=True, stats=None):
        self.half = rtt_ms / 2000.0
        self.rtt = rtt_ms / 1000.0
        self.handshake = handshake
        self.stats = stats or Stats()
        self.tasks = set()

    async def start(self, listen, target):
        server = await asyncio.start_server(
            lambda r, w: self._spawn(self.serve(r, w, target)), listen[0], listen[1],
            reuse_address=True, backlog=512, limit=CHUNK * 4)
        return server

    def _spawn(self, coro):
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def serve(self, creader, cwriter, target):
        loop = asyncio.get_running_loop()
        accepted = loop.time()
        self.stats.connections += 1
        set_nodelay(cwriter)
        # The client may send before the target is open; its bytes count as
        # sent no earlier than the end of its (simulated) connect.
        earliest = accepted + self.rtt if self.handshake else accepted
        up_queue = asyncio.Queue()
        up_space = [0, asyncio.Event()]
        up_space[1].set()
        up_reader = self._spawn(self.pump_in(creader, up_queue, up_space, earliest))
        swriter = None
        try:
            if self.handshake:
                await asyncio.sleep(max(0.0, accepted + 1.5 * self.rtt - loop.time()))
            try:
                sreader, swriter = await asyncio.open_connection(target[0], target[1], limit=CHUNK * 4)
            except OSError as error:
                self.stats.failed += 1
                print(f"wan_proxy: connect {target[0]}:{target[1]}: {error}", file=sys.stderr)
                return
            set_nodelay(swriter)
            down_queue = asyncio.Queue()
            down_space = [0, asyncio.Event()]
            down_space[1].set()
            down_reader = self._spawn(self.pump_in(sreader, down_queue, down_space, 0.0))
            up_writer = self._spawn(self.pump_out(up_queue, up_space, swriter))
            down_writer = self._spawn(self.pump_out(down_queue, down_space, cwriter))
            # Done when both directions have delivered their end (or failed).
            await asyncio.gather(up_writer, down_writer, return_exceptions=True)
            for task in (up_reader, down_reader):
                task.cancel()
        finally:
            up_reader.cancel()
            for writer in (cwriter, swriter):
                if writer is not None:
                    writer.close()

    async def pump_in(self, reader, queue, space, earliest):
        """Read chunks and queue them with their deadline; None marks the end."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                if space[0] >= QUEUE_LIMIT:
                    space[1].clear()
                    await space[1].wait()
                data = await reader.read(CHUNK)
                now = loop.time()
                deadline = max(now, earliest) + self.half
                if not data:
                    queue.put_nowait((deadline, None))
                    return
                space[0] += len(data)
                queue.put_nowait((deadline, data))
        except (OSError, asyncio.IncompleteReadError):
            queue.put_nowait((loop.time(), OSError))

    async def pump_out(self, queue, space, writer):
        """Write each chunk at its deadline, in order."""
        loop = asyncio.get_running_loop()
        while True:
            deadline, data = await queue.get()
            wait = deadline - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is OSError:  # the other side failed: drop this one too
                writer.transport.abort()
                return
            self.stats.record_late(loop.time() - deadline)
            if data is None:
                if writer.can_write_eof():
                    try:
                        writer.write_eof()
                    except OSError:
                        pass
                return
            self.stats.chunks += 1
            self.stats.bytes += len(data)
            try:
                writer.write(data)
                space[0] -= len(data)
                if space[0] < QUEUE_LIMIT:
                    space[1].set()
                await writer.drain()
            except (OSError, RuntimeError):
                return


def parent_gone(parent, original_ppid):
    if parent is not None:
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        return False
    return os.getppid() != original_ppid


async def run_proxy(args):
    maps = []
    for text in args.map:
        listen, sep, target = text.partition("=")
        if not sep:
            raise SystemExit(f"wan_proxy: --map {text!r}: expected LISTEN=TARGET")
        maps.append((loopback_endpoint(listen, "listen address"), loopback_endpoint(target, "target")))
    if not maps:
        raise SystemExit("wan_proxy: nothing to do: give --map LISTEN=TARGET (or --selftest)")
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    why = ["stopped"]

    def request_stop(reason):
        why[0] = reason
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, request_stop, signal.Signals(sig).name)
    proxy = Proxy(args.rtt, handshake=not args.no_handshake)
    servers = []
    for listen, target in maps:
        try:
            servers.append(await proxy.start(listen, target))
        except OSError as error:
            raise SystemExit(f"wan_proxy: listen on {listen[0]}:{listen[1]}: {error}")
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.replace(args.ready_file + ".tmp", args.ready_file)
    print(f"wan_proxy: pid {os.getpid()}, rtt {args.rtt:g} ms, {len(servers)} listener(s) "
          f"({maps[0][0][0]}:{maps[0][0][1]} -> {maps[0][1][0]}:{maps[0][1][1]}, ...)", file=sys.stderr, flush=True)
    original_ppid = args.original_ppid
    end = loop.time() + args.max_seconds
    while not stop.is_set():
        if parent_gone(args.parent, original_ppid):
            request_stop("parent gone")
        elif loop.time() >= end:
            request_stop(f"max lifetime {args.max_seconds:g} s reached")
        else:
            try:
                await asyncio.wait_for(stop.wait(), 0.5)
            except asyncio.TimeoutError:
                pass
    for server in servers:
        server.close()
    for task in list(proxy.tasks):
        task.cancel()
    await asyncio.gather(*proxy.tasks, return_exceptions=True)
    print(f"wan_proxy: {why[0]}", file=sys.stderr)
    print(proxy.stats.summary(args.rtt), file=sys.stderr, flush=True)


# --- self-check ---------------------------------------------------------------

async def echo(reader, writer):
    set_nodelay(writer)
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()


async def selftest(args):
    loop = asyncio.get_running_loop()
    echo_server = await asyncio.start_server(echo, "127.0.0.1", 0)
    echo_port = echo_server.sockets[0].getsockname()[1]
    proxy = Proxy(args.rtt, handshake=not args.no_handshake)
    server = await proxy.start(("127.0.0.1", 0), ("127.0.0.1", echo_port))
    port = server.sockets[0].getsockname()[1]
    rtt = args.rtt
    tolerance = max(3.0, rtt * 0.1)
    ok = True

    def check(name, measured, expected, tol):
        nonlocal ok
        good = abs(measured - expected) <= tol
        ok = ok and good
        print(f"  {name}: {measured:.1f} ms (expected {expected:.1f} ± {tol:.1f}) {'ok' if good else 'FAILED'}")

    print(f"wan_proxy selftest: target RTT {rtt:g} ms{'' if not args.no_handshake else ', no handshake'}")
    try:
        # Five fresh connections: connect + the first echo, median.
        firsts = []
        for i in range(5):
            start = time.perf_counter()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            set_nodelay(writer)
            writer.write(b"x")
            await writer.drain()
            await reader.readexactly(1)
            firsts.append((time.perf_counter() - start) * 1000)
            if i < 4:
                writer.close()
        check("connect + first echo (median of 5)", statistics.median(firsts),
              rtt if args.no_handshake else 2 * rtt, tolerance)

        samples = []
        for _ in range(args.pings):
            start = time.perf_counter()
            writer.write(b"p")
            await writer.drain()
            await reader.readexactly(1)
            samples.append((time.perf_counter() - start) * 1000)
        median = statistics.median(samples)
        print(f"  {args.pings} pings: min {min(samples):.1f}, median {median:.1f}, max {max(samples):.1f} ms")
        check("median ping", median, rtt, tolerance)

        # 50 small writes 2 ms apart: the last echo is due RTT after the last
        # write (a serial per-chunk delay would make it 50 * RTT / 2).
        burst, gap = 50, 0.002
        start = time.perf_counter()
        for i in range(burst):
            writer.write(b"b")
            await writer.drain()
            if i < burst - 1:
                await asyncio.sleep(gap)
        last_write = time.perf_counter()
        await reader.readexactly(burst)
        after_last = (time.perf_counter() - last_write) * 1000
        check(f"burst of {burst} writes, last echo after the last write", after_last, rtt, tolerance)

        # Throughput: 8 MiB written back to back and echoed back.
        size = 8 * 1024 * 1024
        payload = os.urandom(size)
        start = time.perf_counter()

        async def send():
            writer.write(payload)
            await writer.drain()

        sender = asyncio.ensure_future(send())
        received = await reader.readexactly(size)
        await sender
        elapsed = (time.perf_counter() - start) * 1000
        same = received == payload
        ok = ok and same and elapsed < rtt + 2000
        rate = size / 1048576 / max(elapsed - rtt, 1) * 1000
        print(f"  8 MiB echoed in {elapsed:.0f} ms (RTT + {elapsed - rtt:.0f} ms, about {rate:.0f} MiB/s"
              f"{'' if same else ', DATA DIFFERS'}) {'ok' if same and elapsed < rtt + 2000 else 'FAILED'}")
        writer.close()
    finally:
        server.close()
        echo_server.close()
        for task in list(proxy.tasks):
            task.cancel()
        await asyncio.gather(*proxy.tasks, return_exceptions=True)
    print(f"  {proxy.stats.summary(rtt)}")
    print(f"wan_proxy selftest: {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rtt", type=float, default=50.0, help="round trip time to add, in ms (default 50)")
    parser.add_argument("--map", action="append", default=[], metavar="LISTEN=TARGET",
                        help="listen on ADDR:PORT, forward to ADDR:PORT (both 127.x.x.x); repeatable")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="stop after this long (default 3600)")
    parser.add_argument("--parent", type=int, help="stop when this process is gone (default: when the parent changes)")
    parser.add_argument("--ready-file", help="write the pid here once every listener is bound")
    parser.add_argument("--no-handshake", action="store_true", help="do not add the TCP connect's round trip")
    parser.add_argument("--selftest", action="store_true", help="measure the added RTT with a local echo server")
    parser.add_argument("--pings", type=int, default=20, help="pings of the self-check (default 20)")
    args = parser.parse_args()
    args.original_ppid = os.getppid()  # before anything slow: a parent that dies early still counts
    if not 0 <= args.rtt <= 10000:
        raise SystemExit("wan_proxy: --rtt must be 0..10000 ms")
    if args.max_seconds <= 0:
        raise SystemExit("wan_proxy: --max-seconds must be positive")
    if args.selftest:
        sys.exit(asyncio.run(selftest(args)))
    asyncio.run(run_proxy(args))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The scale rows of issue 12, measured the way its closing notes give them (loopback only).

  scale.py rss100k  LAUNCHER|knot   RSS at 100,000 services (dns-compare's names), 12 s after
                                    2,000 UDP and 200 TCP queries and 3 /metrics scrapes
  scale.py file1m   LAUNCHER [N]    1,000,000-service catalog file: start until svc-999999.mesh
                                    answers, N (2) services added one by one, live heap, restart
  scale.py cp1m     LAUNCHER CP     1,000,000 services from a control plane started with the
                                    launcher CP: initial sync, then restart while it is down
  scale.py tcp10k   LAUNCHER [N]    TCP at 10,000 services (dns-compare's names), N (15) rounds of
                                    dnsperf against Knot DNS and LAUNCHER in turn: queries/s, the
                                    queries' latency and, apart, the connections' set-up latency

LAUNCHER is a mesh-dns launcher (./mesh-dns of a checkout); JAVA_OPTS passes through. Work files go
to --workdir (default /tmp/meshdns-scale). rss100k takes its names from dns-compare (--dns-compare,
default ../shared/bench/dns-compare beside the checkout). Run one at a time: both cores are measured.
"""
import argparse, json, os, shutil, signal, socket, statistics, struct, subprocess, sys, time, urllib.request
from importlib.machinery import SourceFileLoader

HERE = os.path.dirname(os.path.abspath(__file__))
DNS_COMPARE = os.path.join(HERE, "..", "..", "..", "shared", "bench", "dns-compare")
PORT = 15353
PORTS = ["--dns-listen", f"127.0.0.1:{PORT}", "--admin-listen", "127.0.0.1:19153", "--grpc-listen", "127.0.0.1:15678"]


def query(name, tcp=False, timeout=0.3):
    """(rcode, answer count) of one query for name A, or None."""
    q = struct.pack(">HHHHHH", 4242, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split("."))
    q += b"\0\0\1\0\1"
    try:
        if tcp:
            with socket.create_connection(("127.0.0.1", PORT), 2) as s:
                s.sendall(struct.pack(">H", len(q)) + q)
                n = struct.unpack(">H", s.recv(2))[0]
                d = b""
                while len(d) < n:
                    d += s.recv(n - len(d))
        else:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(timeout)
                s.sendto(q, ("127.0.0.1", PORT))
                d = s.recv(4096)
        return d[3] & 0xF, struct.unpack(">H", d[6:8])[0]
    except OSError:
        return None


def answered_after(name, since, limit=300, step=0.05):
    """Seconds from since until name has an answer."""
    while time.time() - since < limit:
        r = query(name)
        if r and r[0] == 0 and r[1] > 0:
            return time.time() - since
        time.sleep(step)
    raise SystemExit(f"{name} did not answer within {limit} s")


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024


def serve(launcher, work, n, *args):
    return subprocess.Popen([launcher, "serve", "--data-dir", f"{work}/data", *PORTS, *args],
                            stdout=open(f"{work}/serve-{n}.log", "w"), stderr=subprocess.STDOUT)


def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait()


def catalog_1m(work):
    path = f"{work}/catalog-1m.yaml"
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write("services:\n")
            f.writelines(f"  - service: svc-{i}\n" for i in range(1_000_000))
    return path


def rss100k(a):
    g = f"{a.workdir}/dc100k"
    if not os.path.exists(a.dns_compare):
        raise SystemExit(f"--dns-compare {a.dns_compare}: no such file (rss100k takes its names from dns-compare)")
    dc = SourceFileLoader("dc", a.dns_compare).load_module()
    if not os.path.exists(f"{g}/catalog.yaml"):
        os.makedirs(g, exist_ok=True)
        dc.generate(g, 100_000)
    last = json.load(open(f"{g}/services.json"))[-1]
    names = [line.split()[0] for line in open(f"{g}/queries-mix.txt")][:2000]
    start = time.time()
    if a.launcher == "knot":
        global PORT
        p, PORT = dc.start_knot(g)
    else:
        work = f"{a.workdir}/rss"
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        p = serve(a.launcher, work, 1, "--catalog-file", f"{g}/catalog.yaml")
    took = answered_after(f"{last['name']}.{last['namespace']}.svc.{last['port']}.mesh", start)
    for name in names:
        query(name, timeout=1)
    for name in names[:200]:
        query(name, tcp=True)
    if a.launcher != "knot":
        for _ in range(3):
            urllib.request.urlopen("http://127.0.0.1:19153/metrics").read()
    time.sleep(12)
    print(f"answered after {took:.1f} s; RSS {rss_mb(p.pid):.1f} MB")
    stop(p)


def tcp_dnsperf(port, qfile, seconds):
    """Queries/s, the queries' average latency and the connections' (ms) of one dnsperf TCP run. dnsperf
    prints "Average Latency" twice over TCP: first the queries', then under "Connection Statistics"
    the time from opening each of its 4 sockets to its sender first finding it connected (its own
    start-up, whatever the server)."""
    out = subprocess.run(["dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", qfile, "-l", str(seconds), "-c", "4",
                          "-q", "100", "-t", "2", "-m", "tcp"], capture_output=True, text=True).stdout
    lat = [float(line.split()[3]) * 1000 for line in out.splitlines() if line.strip().startswith("Average Latency")]
    qps = [float(line.split()[-1]) for line in out.splitlines() if line.strip().startswith("Queries per second:")]
    if len(lat) != 2 or not qps:
        raise SystemExit("dnsperf printed no TCP result:\n" + out)
    return qps[0], lat[0], lat[1]


def tcp10k(a):
    g = f"{a.workdir}/dc10k"
    dc = SourceFileLoader("dc", a.dns_compare).load_module()
    if not os.path.exists(f"{g}/catalog.yaml"):
        os.makedirs(g, exist_ok=True)
        dc.generate(g, 10_000)
    qfile = f"{g}/queries-mix.txt"
    work = f"{a.workdir}/tcp"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    knot, kport = dc.start_knot(g)
    p = serve(a.launcher, work, 1, "--catalog-file", f"{g}/catalog.yaml")
    try:
        if not dc.wait_answering(kport, 30) or not dc.wait_answering(PORT, 180):
            raise SystemExit(f"knotd or mesh-dns did not answer; see {g}/knot/log and {work}/serve-1.log")
        tcp_dnsperf(PORT, qfile, 3)  # warm-up (JIT)
        rows = {"knot": [], "mesh-dns": []}
        print(f"{'round':>5} {'server':>8} {'queries/s':>10} {'query ms':>9} {'connect ms':>10}")
        for r in range(a.rounds):
            for name, port in (("knot", kport), ("mesh-dns", PORT)):
                rows[name].append(tcp_dnsperf(port, qfile, 2))
                print(f"{r + 1:>5} {name:>8} {rows[name][-1][0]:>10.0f} {rows[name][-1][1]:>9.3f} {rows[name][-1][2]:>10.3f}")
        med = {name: [statistics.median(row[i] for row in rows[name]) for i in range(3)] for name in rows}
        for name in rows:
            print(f"median {name}: {med[name][0]:.0f} queries/s, query latency {med[name][1]:.3f} ms, "
                  f"connection set-up {med[name][2]:.3f} ms")
        print(f"ratio mesh-dns/knot: queries/s {med['mesh-dns'][0] / med['knot'][0]:.2f}, "
              f"query latency {med['mesh-dns'][1] / med['knot'][1]:.2f}")
    finally:
        stop(p)
        knot.terminate()
        knot.wait()


def file1m(a):
    work = f"{a.workdir}/file1m"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    catalog = f"{work}/catalog.yaml"
    shutil.copy(catalog_1m(a.workdir), catalog)
    start = time.time()
    p = serve(a.launcher, work, 1, "--catalog-file", catalog)
    print(f"start until answered {answered_after('svc-999999.mesh', start):.2f} s", flush=True)
    time.sleep(5)
    for k in range(1, a.adds + 1):
        with open(catalog, "a") as f:
            f.write(f"  - service: added-{k}\n")
        print(f"added-{k} answered after {answered_after(f'added-{k}.mesh', time.time(), step=0.01):.2f} s", flush=True)
        time.sleep(4)
    time.sleep(5)
    rss = rss_mb(p.pid)
    live = subprocess.run(["jmap", "-histo:live", str(p.pid)], capture_output=True, text=True).stdout.split()
    print(f"RSS {rss:.0f} MB; live heap {int(live[-1]) / 2**30:.3f} GiB (jmap -histo:live)", flush=True)
    stop(p)
    start = time.time()
    p = serve(a.launcher, work, 2, "--catalog-file", catalog)
    print(f"restart until answered {answered_after('svc-999999.mesh', start):.2f} s", flush=True)
    if a.adds:
        answered_after(f"added-{a.adds}.mesh", start)  # the edits survived the restart
    stop(p)


def cp1m(a):
    work = f"{a.workdir}/cp1m"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cp = subprocess.Popen([a.control_plane, "control-plane", "--catalog-file", catalog_1m(a.workdir),
                           "--listen", "127.0.0.1:18000"], stdout=open(f"{work}/cp.log", "w"), stderr=subprocess.STDOUT)
    start = time.time()
    while True:
        try:
            socket.create_connection(("127.0.0.1", 18000), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    print(f"control plane listening after {time.time() - start:.1f} s", flush=True)
    time.sleep(3)
    start = time.time()
    p = serve(a.launcher, work, 1, "--control-plane", "127.0.0.1:18000")
    print(f"initial sync: svc-999999.mesh answered after {answered_after('svc-999999.mesh', start):.2f} s", flush=True)
    time.sleep(20)  # the first sync's saves
    stop(p)
    stop(cp)
    start = time.time()
    p = serve(a.launcher, work, 2, "--control-plane", "127.0.0.1:18000")
    print(f"restart while the control plane is down: answered after {answered_after('svc-999999.mesh', start):.2f} s")
    stop(p)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workdir", default="/tmp/meshdns-scale")
    ap.add_argument("--dns-compare", default=DNS_COMPARE)
    sub = ap.add_subparsers(dest="what", required=True)
    r = sub.add_parser("rss100k")
    r.add_argument("launcher")
    f = sub.add_parser("file1m")
    f.add_argument("launcher")
    f.add_argument("adds", nargs="?", type=int, default=2)
    c = sub.add_parser("cp1m")
    c.add_argument("launcher")
    c.add_argument("control_plane")
    t = sub.add_parser("tcp10k")
    t.add_argument("launcher")
    t.add_argument("rounds", nargs="?", type=int, default=15)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    {"rss100k": rss100k, "file1m": file1m, "cp1m": cp1m, "tcp10k": tcp10k}[a.what](a)


if __name__ == "__main__":
    main()

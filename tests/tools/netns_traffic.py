#!/usr/bin/python3
"""Test traffic between two network namespaces made by tests/e2e/live.sh.

  netns_traffic.py serve SECONDS ADDR...
      TCP echo on port 8080 and UDP echo on port 5300 on each ADDR (UDP
      answers from the address asked) for at most SECONDS; prints "ready"
      once bound. Its UDP sockets ask for receive timestamps (SO_TIMESTAMP),
      which turns on the kernel's stamping of every packet as it enters or
      leaves the stack, once for all packet sockets: two captures of the
      same interface then see the same timestamps (without it each packet
      socket reads the clock itself for packets with no stamp).
  netns_traffic.py client SERVER PEER BURSTS GAP
      BURSTS bursts, GAP seconds apart, each: two TCP connections to
      SERVER:8080 with data both ways, three UDP request/response exchanges
      with SERVER:5300, and a device-to-device exchange with PEER (one TCP
      connection, one UDP exchange). Prints "burst K START_US" per burst.

Only the addresses given are used; every socket has a timeout, so a lost
packet ends the run with an error instead of a hang.
"""
import select
import socket
import sys
import time

TCP_PORT, UDP_PORT = 8080, 5300
SO_TIMESTAMP = getattr(socket, "SO_TIMESTAMP", 29)  # Linux asm-generic/socket.h
TIMEOUT = 3.0


def serve(seconds, addrs):
    listeners, udps = [], []
    for a in addrs:
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tcp.bind((a, TCP_PORT))
        tcp.listen(16)
        listeners.append(tcp)
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
        udp.bind((a, UDP_PORT))
        udps.append(udp)
    time.sleep(0.2)  # the kernel turns stamping on from a work queue
    print("ready", flush=True)
    conns = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r, _, _ = select.select(listeners + udps + conns, [], [], 0.2)
        for s in r:
            if s in listeners:
                c, _ = s.accept()
                conns.append(c)
            elif s in udps:
                data, addr = s.recvfrom(65535)
                s.sendto(b"re:" + data, addr)
            else:
                data = s.recv(65535)
                if data:
                    s.sendall(data)
                else:
                    conns.remove(s)
                    s.close()


def tcp_exchange(addr, messages):
    with socket.create_connection((addr, TCP_PORT), timeout=TIMEOUT) as s:
        for m in messages:
            s.sendall(m)
            got = b""
            while len(got) < len(m):
                chunk = s.recv(65535)
                if not chunk:
                    raise RuntimeError("connection closed early")
                got += chunk
            if got != m:
                raise RuntimeError("echo differs")


def udp_exchange(addr, payload):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        s.sendto(payload, (addr, UDP_PORT))
        data, _ = s.recvfrom(65535)
        if data != b"re:" + payload:
            raise RuntimeError("udp reply differs")


def client(server, peer, bursts, gap):
    for k in range(bursts):
        start = time.time()
        print(f"burst {k} {int(start * 1e6)}", flush=True)
        for c in range(2):
            tcp_exchange(server, [bytes([65 + k + c]) * n for n in (100, 1400, 3000)])
        for u in range(3):
            udp_exchange(server, f"query {k}.{u}".encode() * (u + 1))
        tcp_exchange(peer, [b"hello device " * 5])
        udp_exchange(peer, b"device ping %d" % k)
        left = start + gap - time.time()
        if k + 1 < bursts and left > 0:
            time.sleep(left)


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "serve":
        serve(float(sys.argv[2]), sys.argv[3:])
    elif len(sys.argv) == 6 and sys.argv[1] == "client":
        client(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

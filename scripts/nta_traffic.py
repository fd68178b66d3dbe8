#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
"""Kernel side of the l3fwd test (scripts/l3fwd_lib.sh): writes IPv4/UDP
frames into one net_tap interface with AF_PACKET, counts the routed ones
coming out of the other, and reads DPDK's port counters over telemetry.

  nta_traffic.py send IFACE DST_MAC COUNT FRAME_LEN PPS
      -> "sent=N secs=S enobufs=E"          (PPS 0: as fast as possible)
  nta_traffic.py recv IFACE READY_FILE PROGRESS_FILE
      -> on SIGTERM/SIGINT: "matched=N ttl_ok=N csum_ok=N other=N
         sockdrop=N rx_secs=S rx_pps=P"
  nta_traffic.py ethstats TELEMETRY_SOCKET
      -> "ipackets0=N ... rx_nombuf1=N"     (DPDK ports 0 and 1)

Every result is one line of key=value pairs, read by nta_kv in the shell.
Python standard library only: the test machines have no pip. The frame
building, frame checking, counting and output formatting are functions of
their own, without sockets, so tests/test_nta_traffic.py can check them
without root or network.
"""

import errno
import json
import os
import signal
import socket
import struct
import sys
import time

# Every test frame carries this payload (repeated), so the receiver counts
# only what the sender wrote, never kernel chatter on the interface.
MAGIC = b"NTA-L3FWD-TEST\x00\x01"
ETH_P_ALL, PACKET_OUTGOING = 0x0003, 4
SOL_PACKET, PACKET_STATISTICS, SO_RCVBUFFORCE = 263, 6, 33
# Distinct UDP source ports and addresses, so that l3fwd sees more than
# one flow; frames are built once per flow and sent round robin.
FLOWS = 16
SRC_MAC = bytes([2, 0, 0, 0, 0, 0x10])
HDR_LEN = 14 + 20 + 8  # Ethernet + IPv4 (no options) + UDP
# Frames per burst before the sender checks its pace.
BURST = 32
# The DPDK port counters ethstats prints, per port, in this order.
ETHSTATS_KEYS = ("ipackets", "opackets", "ibytes", "obytes", "ierrors",
                 "oerrors", "imissed", "rx_nombuf")
ETHSTATS_PORTS = (0, 1)

USAGE = """usage: nta_traffic.py send IFACE DST_MAC COUNT FRAME_LEN PPS
       nta_traffic.py recv IFACE READY_FILE PROGRESS_FILE
       nta_traffic.py ethstats TELEMETRY_SOCKET"""


def csum(data):
    """The Internet checksum (RFC 1071) of data; 0 over a header that
    already carries its valid checksum."""
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def parse_mac(text):
    """"02:00:00:00:00:01" -> 6 bytes."""
    mac = bytes(int(x, 16) for x in text.split(":"))
    if len(mac) != 6:
        raise ValueError("not a MAC address: %r" % text)
    return mac


def frame(dst_mac, flow, frame_len):
    """Ethernet/IPv4/UDP from 198.18.0.x to 198.18.1.x (l3fwd's default
    LPM route 198.18.1.0/24 -> port 1), TTL 64, valid IPv4 and UDP
    checksums, payload MAGIC repeated up to frame_len bytes (no FCS)."""
    src, dst = bytes([198, 18, 0, 1 + flow]), bytes([198, 18, 1, 1 + flow])
    plen = max(frame_len - HDR_LEN, len(MAGIC))
    payload = (MAGIC * (plen // len(MAGIC) + 1))[:plen]
    sport, ulen = 1024 + flow, 8 + plen
    udp = struct.pack("!HHHH", sport, 9, ulen, 0) + payload
    # 0 in the UDP checksum field means "none": a sum of 0 is sent as 0xFFFF
    uc = csum(src + dst + struct.pack("!BBH", 0, 17, ulen) + udp) or 0xFFFF
    udp = struct.pack("!HHHH", sport, 9, ulen, uc) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, flow, 0x4000,
                     64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return parse_mac(dst_mac) + SRC_MAC + b"\x08\x00" + ip + udp


def is_test_frame(data):
    """True for a frame this tool sent: IPv4, UDP, to 198.18.1.x, with
    MAGIC right after the UDP header. Says nothing of routing: see
    check_routed."""
    return (len(data) >= HDR_LEN + len(MAGIC) and data[12:14] == b"\x08\x00"
            and data[23] == 17 and data[30:33] == b"\xc6\x12\x01"
            and data[HDR_LEN:HDR_LEN + len(MAGIC)] == MAGIC)


def check_routed(data):
    """(ttl_ok, csum_ok) of a test frame received after l3fwd: it must
    have decremented the TTL (64 -> 63) and fixed the IPv4 checksum."""
    return data[22] == 63, csum(data[14:34]) == 0


class RecvCounter:
    """What recv counts, apart from the socket: frames that carry the test
    payload (and of them, the routed ones), other frames, and the time from
    the first matched frame to the last."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.matched = self.ttl_ok = self.csum_ok = self.other = 0
        self.first = self.last = 0.0

    def account(self, data, pkttype):
        # on a packet socket bound to an interface the kernel also shows
        # what is sent on it; those are not received frames
        if pkttype == PACKET_OUTGOING:
            return
        if not is_test_frame(data):
            self.other += 1
            return
        now = self.clock()
        if self.matched == 0:
            self.first = now
        self.last = now
        self.matched += 1
        ttl_ok, csum_ok = check_routed(data)
        self.ttl_ok += ttl_ok
        self.csum_ok += csum_ok

    def summary(self, sockdrop):
        """The result line; sockdrop: frames the socket's buffer lost."""
        secs = self.last - self.first
        # rate over the intervals between matched frames, hence matched - 1
        pps = (self.matched - 1) / secs if secs > 0 else 0
        return ("matched=%d ttl_ok=%d csum_ok=%d other=%d sockdrop=%d "
                "rx_secs=%.6f rx_pps=%.0f" % (self.matched, self.ttl_ok,
                                              self.csum_ok, self.other,
                                              sockdrop, secs, pps))


def send_frames(send, frames, count, pps, clock=time.perf_counter,
                sleep=time.sleep):
    """Calls send(frame) count times, cycling through frames, at most pps
    frames a second (pps 0: no limit). A full qdisc (EAGAIN, ENOBUFS) is
    not a loss: back off and send the same frame again. Returns
    (sent, secs, enobufs), enobufs counting the back-offs."""
    sent, enobufs, t0 = 0, 0, clock()
    while sent < count:
        n = min(BURST, count - sent)
        i = 0
        while i < n:
            try:
                send(frames[(sent + i) % len(frames)])
                i += 1
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.ENOBUFS):
                    raise
                enobufs += 1
                sleep(0.0002)
        sent += n
        if pps > 0:
            ahead = sent / pps - (clock() - t0)
            if ahead > 0:
                sleep(ahead)
    return sent, clock() - t0, enobufs


def send_line(sent, secs, enobufs):
    return "sent=%d secs=%.6f enobufs=%d" % (sent, secs, enobufs)


def do_send(iface, dst_mac, count, frame_len, pps):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    frames = [frame(dst_mac, f, frame_len) for f in range(FLOWS)]
    print(send_line(*send_frames(s.send, frames, count, pps)))


def write_progress(path, matched):
    # written aside and renamed: the shell polling it never reads half a line
    with open(path + ".tmp", "w") as f:
        f.write("%d\n" % matched)
    os.replace(path + ".tmp", path)


def do_recv(iface, ready_file, progress_file):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    # a burst at full speed must fit in the socket buffer: force a large
    # one (root), else take what rmem_max allows
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 256 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
    s.bind((iface, 0))
    counter = RecvCounter()
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))

    def account(data, addr):
        counter.account(data, addr[2])

    s.settimeout(0.05)
    write_progress(progress_file, counter.matched)
    with open(ready_file, "w") as f:
        f.write("ready\n")
    last = time.monotonic()
    while not stop:
        try:
            account(*s.recvfrom(65535))
        except (socket.timeout, InterruptedError):
            pass
        now = time.monotonic()
        if now - last > 0.05:
            last = now
            write_progress(progress_file, counter.matched)
    # what arrived before the signal is still queued: count it too
    s.setblocking(False)
    try:
        while True:
            account(*s.recvfrom(65535))
    except OSError:
        pass
    drops = struct.unpack("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS,
                                            8))[1]
    print(counter.summary(drops))


def ethstats_port(reply):
    """One telemetry reply to /ethdev/stats,N (bytes) -> its counters."""
    return json.loads(reply.decode())["/ethdev/stats"]


def ethstats_line(stats):
    """stats: port -> counters (ETHSTATS_PORTS all present) -> the result
    line, keys suffixed with the port number."""
    return " ".join("%s%d=%d" % (k, port, stats[port][k])
                    for port in ETHSTATS_PORTS for k in ETHSTATS_KEYS)


def do_ethstats(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    s.recv(16384)  # the greeting (version, pid, max output length)
    stats = {}
    for port in ETHSTATS_PORTS:
        s.send(("/ethdev/stats,%d" % port).encode())
        stats[port] = ethstats_port(s.recv(65536))
    print(ethstats_line(stats))


class UsageError(Exception):
    pass


# command -> (function, converters of its arguments, in order)
COMMANDS = {
    "send": (do_send, (str, str, int, int, float)),
    "recv": (do_recv, (str, str, str)),
    "ethstats": (do_ethstats, (str,)),
}


def parse_args(argv):
    """argv without the program name -> (function, converted arguments);
    UsageError for an unknown command, a wrong argument count or a number
    that does not parse."""
    if not argv or argv[0] not in COMMANDS:
        raise UsageError("unknown command" if argv else "no command")
    fn, conv = COMMANDS[argv[0]]
    args = argv[1:]
    if len(args) != len(conv):
        raise UsageError("%s takes %d arguments, not %d"
                         % (argv[0], len(conv), len(args)))
    try:
        return fn, [c(a) for c, a in zip(conv, args)]
    except ValueError as e:
        raise UsageError("%s: %s" % (argv[0], e)) from None


def main(argv=None):
    try:
        fn, args = parse_args(sys.argv[1:] if argv is None else argv)
    except UsageError as e:
        sys.exit("nta_traffic.py: %s\n%s" % (e, USAGE))
    fn(*args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
"""Unit tests of scripts/nta_traffic.py, the kernel side of the l3fwd test:
the parts that need no socket (frame building and checking, counting,
pacing, telemetry parsing, arguments), so they run anywhere, without root,
interfaces or DPDK. Run by tests/apps/traffic_py.sh:
    python3 -m unittest -v test_nta_traffic      (from tests/)
"""

import errno
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(os.path.dirname(HERE), "scripts")
sys.path.insert(0, SCRIPTS)

import nta_traffic as nt  # noqa: E402 (needs the path above)

MAC = "02:00:00:00:00:01"


def routed(data):
    """data as l3fwd forwards it: TTL decremented, IPv4 checksum redone."""
    b = bytearray(data)
    b[22] -= 1
    b[24:26] = b"\x00\x00"
    b[24:26] = struct.pack("!H", nt.csum(bytes(b[14:34])))
    return bytes(b)


class Checksum(unittest.TestCase):
    def test_rfc1071_example(self):
        # RFC 1071, section 3: the words sum to 0xddf2, so the checksum is
        # its complement
        self.assertEqual(nt.csum(bytes.fromhex("0001f203f4f5f6f7")), 0x220D)

    def test_odd_length_is_padded_with_zero(self):
        self.assertEqual(nt.csum(b"\x12\x34\x56"), nt.csum(b"\x12\x34\x56\x00"))

    def test_carry_folds(self):
        self.assertEqual(nt.csum(b"\xff\xff\x00\x01"), 0xFFFE)

    def test_header_with_its_checksum_sums_to_zero(self):
        ip = nt.frame(MAC, 3, 100)[14:34]
        self.assertEqual(nt.csum(ip), 0)


class Frame(unittest.TestCase):
    def test_layout(self):
        for flow in (0, 7, nt.FLOWS - 1):
            f = nt.frame("de:ad:be:ef:00:7f", flow, 128)
            self.assertEqual(len(f), 128)
            self.assertEqual(f[0:6], bytes.fromhex("deadbeef007f"))
            self.assertEqual(f[6:12], nt.SRC_MAC)
            self.assertEqual(f[12:14], b"\x08\x00")
            (vihl, _, tot, ident, frag, ttl, proto, _, src,
             dst) = struct.unpack("!BBHHHBBH4s4s", f[14:34])
            self.assertEqual((vihl, tot, ident, frag, ttl, proto),
                             (0x45, 128 - 14, flow, 0x4000, 64, 17))
            # l3fwd's default LPM table routes 198.18.1.0/24 to port 1
            self.assertEqual(src, bytes([198, 18, 0, 1 + flow]))
            self.assertEqual(dst, bytes([198, 18, 1, 1 + flow]))
            sport, dport, ulen, _ = struct.unpack("!HHHH", f[34:42])
            self.assertEqual((sport, dport, ulen), (1024 + flow, 9, 128 - 34))

    def test_checksums_valid(self):
        for flen in (60, 128, 1514, 8000):
            f = nt.frame(MAC, 5, flen)
            self.assertEqual(nt.csum(f[14:34]), 0, flen)
            pseudo = f[26:34] + struct.pack("!BBH", 0, 17, len(f) - 34)
            self.assertEqual(nt.csum(pseudo + f[34:]), 0, flen)
            self.assertNotEqual(f[40:42], b"\x00\x00")  # 0 would mean "none"

    def test_payload_is_magic_repeated(self):
        f = nt.frame(MAC, 0, 1000)
        payload = f[nt.HDR_LEN:]
        m = len(nt.MAGIC)
        self.assertEqual(payload, (nt.MAGIC * (len(payload) // m + 1))[:len(payload)])

    def test_short_frame_still_holds_the_magic(self):
        for flen in (0, 42, 57):
            f = nt.frame(MAC, 0, flen)
            self.assertEqual(len(f), nt.HDR_LEN + len(nt.MAGIC))
            self.assertTrue(nt.is_test_frame(f))

    def test_bad_mac(self):
        for bad in ("02:00:00:00:01", "02:00:00:00:00:01:02", "xx:00:00:00:00:01"):
            with self.assertRaises(ValueError):
                nt.frame(bad, 0, 64)


class Matching(unittest.TestCase):
    def setUp(self):
        self.f = nt.frame(MAC, 2, 128)

    def mutated(self, off, value):
        b = bytearray(self.f)
        b[off:off + len(value)] = value
        return bytes(b)

    def test_own_frame_matches(self):
        self.assertTrue(nt.is_test_frame(self.f))
        self.assertTrue(nt.is_test_frame(routed(self.f)))

    def test_foreign_frames_do_not_match(self):
        for what, data in (
                ("IPv6", self.mutated(12, b"\x86\xdd")),
                ("TCP", self.mutated(23, b"\x06")),
                ("other network", self.mutated(32, b"\x02")),
                ("other payload", self.mutated(nt.HDR_LEN, b"X")),
                ("truncated", self.f[:nt.HDR_LEN + len(nt.MAGIC) - 1]),
                ("empty", b"")):
            self.assertFalse(nt.is_test_frame(data), what)

    def test_check_routed(self):
        self.assertEqual(nt.check_routed(self.f), (False, True))
        self.assertEqual(nt.check_routed(routed(self.f)), (True, True))
        # TTL decremented but the checksum left as it was
        self.assertEqual(nt.check_routed(self.mutated(22, b"\x3f")), (True, False))


class Counting(unittest.TestCase):
    def test_counts_and_summary(self):
        ticks = iter([10.0, 10.5, 12.0])
        c = nt.RecvCounter(clock=lambda: next(ticks))
        f = nt.frame(MAC, 1, 128)
        c.account(routed(f), 0)
        c.account(f, 0)                        # not routed
        c.account(routed(f), nt.PACKET_OUTGOING)  # our own sending: ignored
        c.account(b"\x00" * 60, 0)             # kernel chatter
        c.account(routed(f), 0)
        self.assertEqual((c.matched, c.ttl_ok, c.csum_ok, c.other), (3, 2, 3, 1))
        # three frames over 2 s: two intervals, 1 frame/s
        self.assertEqual(c.summary(7), "matched=3 ttl_ok=2 csum_ok=3 other=1 "
                         "sockdrop=7 rx_secs=2.000000 rx_pps=1")

    def test_nothing_received(self):
        c = nt.RecvCounter(clock=lambda: self.fail("no clock without frames"))
        c.account(b"junk", 0)
        self.assertEqual(c.summary(0), "matched=0 ttl_ok=0 csum_ok=0 other=1 "
                         "sockdrop=0 rx_secs=0.000000 rx_pps=0")

    def test_progress_file(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "progress")
            nt.write_progress(p, 0)
            nt.write_progress(p, 1234)
            with open(p) as f:
                self.assertEqual(f.read(), "1234\n")
            self.assertEqual(os.listdir(d), ["progress"])


class FakeClock:
    def __init__(self):
        self.t = 100.0
        self.sleeps = []

    def clock(self):
        return self.t

    def sleep(self, s):
        self.sleeps.append(s)
        self.t += s


class Sending(unittest.TestCase):
    def test_round_robin_over_flows(self):
        out = []
        frames = [bytes([i]) for i in range(3)]
        fc = FakeClock()
        sent, secs, eb = nt.send_frames(out.append, frames, 70, 0,
                                        clock=fc.clock, sleep=fc.sleep)
        self.assertEqual((sent, secs, eb), (70, 0.0, 0))
        self.assertEqual(out, [frames[i % 3] for i in range(70)])
        self.assertEqual(fc.sleeps, [])  # pps 0: never waits

    def test_full_queue_resends_the_same_frame(self):
        out, fails = [], {2: errno.ENOBUFS, 5: errno.EAGAIN}
        calls = [0]

        def send(data):
            calls[0] += 1
            e = fails.pop(calls[0], None)
            if e:
                raise OSError(e, os.strerror(e))
            out.append(data)

        frames = [bytes([i]) for i in range(nt.FLOWS)]
        fc = FakeClock()
        sent, _, eb = nt.send_frames(send, frames, 10, 0,
                                     clock=fc.clock, sleep=fc.sleep)
        self.assertEqual((sent, eb), (10, 2))
        self.assertEqual(out, frames[:10])  # nothing lost, nothing doubled
        self.assertEqual(len(fc.sleeps), 2)

    def test_other_errors_propagate(self):
        def send(_):
            raise OSError(errno.ENETDOWN, "down")
        with self.assertRaises(OSError):
            nt.send_frames(send, [b"x"], 1, 0)

    def test_paced(self):
        fc = FakeClock()
        sent, secs, _ = nt.send_frames(lambda _: None, [b"x"], 100, 1000,
                                       clock=fc.clock, sleep=fc.sleep)
        # bursts of 32, 32, 32, 4: each waits until its last frame is due
        self.assertEqual(sent, 100)
        self.assertEqual([round(s, 9) for s in fc.sleeps],
                         [0.032, 0.032, 0.032, 0.004])
        self.assertAlmostEqual(secs, 0.1)

    def test_send_line(self):
        self.assertEqual(nt.send_line(5, 0.25, 1), "sent=5 secs=0.250000 enobufs=1")


class Ethstats(unittest.TestCase):
    def stats(self, base):
        return {k: base + i for i, k in enumerate(nt.ETHSTATS_KEYS)}

    def test_reply_parsing(self):
        st = dict(self.stats(10), q_ipackets=[0] * 16)  # extra fields are fine
        reply = json.dumps({"/ethdev/stats": st}).encode()
        self.assertEqual(nt.ethstats_port(reply), st)

    def test_line(self):
        line = nt.ethstats_line({0: self.stats(0), 1: self.stats(100)})
        kv = dict(x.split("=") for x in line.split())
        self.assertEqual(len(kv), 2 * len(nt.ETHSTATS_KEYS))
        self.assertEqual(line.split()[0], "ipackets0=0")
        self.assertEqual((kv["rx_nombuf0"], kv["ipackets1"], kv["rx_nombuf1"]),
                         ("7", "100", "107"))
        # every counter the l3fwd test reads (scripts/l3fwd_lib.sh)
        for k in ("ipackets0", "ierrors0", "rx_nombuf0", "opackets1",
                  "oerrors1", "rx_nombuf1", "opackets0", "ipackets1"):
            self.assertIn(k, kv)

    def test_missing_counter_is_an_error(self):
        st = self.stats(0)
        del st["imissed"]
        with self.assertRaises(KeyError):
            nt.ethstats_line({0: st, 1: self.stats(0)})


class Arguments(unittest.TestCase):
    def test_send(self):
        fn, args = nt.parse_args(["send", "ntap0", MAC, "20000", "128", "5e4"])
        self.assertIs(fn, nt.do_send)
        self.assertEqual(args, ["ntap0", MAC, 20000, 128, 50000.0])
        self.assertIsInstance(args[2], int)
        self.assertIsInstance(args[4], float)

    def test_recv_and_ethstats(self):
        self.assertEqual(nt.parse_args(["recv", "ntap1", "r", "p"]),
                         (nt.do_recv, ["ntap1", "r", "p"]))
        self.assertEqual(nt.parse_args(["ethstats", "/s"]), (nt.do_ethstats, ["/s"]))

    def test_usage_errors(self):
        for argv in ([], ["bogus"], ["send", "ntap0", MAC, "1", "64"],
                     ["recv", "a", "b", "c", "d"], ["send", "i", MAC, "x", "64", "0"],
                     ["send", "i", MAC, "1", "64", "fast"]):
            with self.assertRaises(nt.UsageError, msg=argv):
                nt.parse_args(argv)

    def test_main_exits_nonzero_with_usage(self):
        with self.assertRaises(SystemExit) as cm:
            nt.main(["bogus"])
        self.assertIn("usage:", str(cm.exception.code))

    def test_runs_as_a_program(self):
        script = os.path.join(SCRIPTS, "nta_traffic.py")
        self.assertTrue(os.access(script, os.X_OK), "not executable")
        r = subprocess.run([sys.executable, script], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("usage:", r.stderr)

    def test_l3fwd_lib_finds_it_from_anywhere(self):
        # the shell library resolves the tool from its own path, not the
        # caller's working directory
        lib = os.path.join(SCRIPTS, "l3fwd_lib.sh")
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run(
                ["bash", "-c", 'NTA_BUILD=/nonexistent; . "$1"; echo "$NTA_L3FWD_TOOL"',
                 "_", os.path.relpath(lib, d)], cwd=d, capture_output=True,
                text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.path.realpath(r.stdout.strip()),
                         os.path.realpath(os.path.join(SCRIPTS, "nta_traffic.py")))


if __name__ == "__main__":
    unittest.main()

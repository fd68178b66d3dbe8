#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
"""Write the hand-made seed inputs of tests/fuzz/corpus/ (see README.md).

Input format (fuzz_nta.c): a 16-byte header, then operations.
  f0: bit0 pool B on ring_mp_mc (else nta); bit1 A populate_anon;
      bit2 A NO_IOVA_CONTIG; bit3 A NO_CACHE_ALIGN; bit4 B populate_anon;
      bit5 A default params (NULL); bit6 B NO_IOVA_CONTIG;
      bit7 fail driver allocation number f1 + 1
  f1: see bit7
  pool A, then B, 7 bytes each:
      size (u16 LE, 1 + v % 1024 for A, 1 + v % 256 for B), element
      size index (elt_tab[v & 15]), cache index (cache_tab[v & 7]) |
      contig index << 3 | populate again after an injected failure << 6 |
      first try invalid params << 7, arena index (| invalid param choice
      << 3), lifo index, ring index
  operations: op, a, b  (op 12 reads one more byte)
      op & 15: 0/1 get, 2/3 put, 4 bad free, 5 put with a bad pointer
      mixed in, 6 same object 2 to 12 times, 7 lcore switch (a % 5; 4 = none),
      8 flush, 9 audit, 10 contiguous blocks, 11 stats/dump, 12 thread
      that registers, 13 get straight from the handler, 14/15 get here and
      put on the next lcore
      op >> 4 & 1: pool A (0) or B (1); op >> 5: variant
"""
import os
import struct
import sys

ELT = {0: 0, 8: 1, 24: 2, 40: 3, 64: 4, 100: 5, 128: 6, 200: 7, 256: 8,
       500: 9, 1000: 10, 2048: 11, 2100: 12, 4096: 13, 9000: 14, 17000: 15}


def pool(n, elt, cache=0, contig=0, arena=0, lifo=0, ring=0, retry=0,
         badprm=0):
    return struct.pack('<HBBBBB', n - 1, ELT[elt],
                       cache | contig << 3 | retry << 6 | badprm << 7,
                       arena, lifo, ring)


def op(code, a=0, b=0, pool_b=0, v=0, extra=None):
    out = bytes([code | pool_b << 4 | v << 5, a, b])
    return out + (bytes([extra]) if extra is not None else b'')


GET, PUT, BAD, MIXED, TWICE, SWITCH, FLUSH, AUDIT, CONTIG, STATS, THREAD, \
    DIRECT, BURST = 0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14
ALL = 200  # put: every held object

seeds = {
    # get and put back on lcore 0, no cache
    'basic': bytes([0, 0]) + pool(100, 64) + pool(50, 128) +
    op(GET, 10) + op(GET, 5, v=1) + op(PUT, 7) + op(AUDIT) + op(PUT, ALL) +
    op(STATS),
    # small LIFO (2) and ring (2): remote frees overflow to the depot
    'remote': bytes([0, 0]) + pool(256, 128, lifo=3, ring=3) +
    pool(16, 64) + op(SWITCH, 1) + op(GET, 40) + op(SWITCH, 2) +
    op(PUT, ALL, v=1) + op(SWITCH, 1) + op(GET, 40) + op(AUDIT) +
    op(SWITCH, 3) + op(PUT, 20) + op(FLUSH, v=1) + op(STATS),
    # every kind of bad free, alone and mixed with good ones
    'bad_frees': bytes([0, 0]) + pool(128, 256) + pool(32, 256) +
    op(GET, 20) + op(GET, 3, pool_b=1) + op(BAD, 1, 0, v=0) +
    op(BAD, 9, 0, v=1) + op(BAD, 0, 0, v=2) + op(BAD, 0, 1, v=2) +
    op(BAD, 0, 2, v=6) + op(BAD, 0, 3, v=2) + op(BAD, 2, 0, v=3) +
    op(MIXED, 5, 4, v=1) + op(MIXED, 3, 2, v=3) + op(TWICE, 1) +
    op(TWICE, 2, v=1) + op(TWICE, 3, v=2) + op(AUDIT),
    # mempool cache of 32 on lcores 0..3 and an unregistered thread
    'cache': bytes([0, 0]) + pool(300, 64, cache=6) + pool(64, 64, cache=4) +
    op(GET, 50) + op(SWITCH, 1) + op(GET, 33) + op(SWITCH, 4) +
    op(PUT, 60) + op(SWITCH, 3) + op(BURST, 30, 1) + op(FLUSH, v=0) +
    op(AUDIT) + op(GET, 12, pool_b=1) + op(PUT, ALL, pool_b=1),
    # registered threads that leave while objects are out
    'threads': bytes([0, 0]) + pool(200, 100, cache=4, lifo=5, ring=4) +
    pool(20, 8) + op(GET, 30) + op(THREAD, 20, 5, extra=3) +
    op(THREAD, 40, 12, extra=0x80 | 10) + op(GET, 10) + op(AUDIT) +
    op(THREAD, 5, 0, extra=0),
    # contiguous blocks of 8
    'contig': bytes([0, 0]) + pool(128, 64, contig=4) + pool(8, 64) +
    op(CONTIG, 3) + op(CONTIG, 7) + op(PUT, 13) + op(CONTIG, 2) +
    op(AUDIT) + op(PUT, ALL),
    # exhaustion: too big a bulk fails and changes nothing
    'exhaust': bytes([0, 0]) + pool(64, 40) + pool(10, 40) +
    op(GET, 200, 30) + op(GET, 64, v=1) + op(GET, 1) + op(DIRECT, 0) +
    op(SWITCH, 2) + op(PUT, ALL) + op(SWITCH, 0) + op(GET, 64, v=1) +
    op(STATS, v=1),
    # the 11th driver allocation fails: lcore 0's first use of pool A
    'alloc_fail': bytes([0x80, 10]) + pool(500, 64, arena=2) + pool(30, 64) +
    op(GET, 10) + op(SWITCH, 1) + op(GET, 10) + op(PUT, ALL) + op(AUDIT),
    # the 3rd driver allocation fails: pool A's populate, which must free
    # all it took
    'alloc_fail_populate': bytes([0x80, 2]) + pool(500, 64) + pool(30, 64) +
    op(GET, 10),
    # pool A's populate fails, then succeeds when tried again (the driver
    # forgets the arenas of the failed one); invalid params refused first
    'repopulate': bytes([0x80, 4]) +
    pool(300, 128, retry=1, badprm=1, arena=2 | 3 << 3) + pool(30, 64) +
    op(GET, 30) + op(SWITCH, 1) + op(GET, 30) + op(PUT, ALL) + op(AUDIT),
    # big objects, 4 KiB arenas (combined), anon memory, no IOVA contig
    'big_anon': bytes([0x02 | 0x04, 0]) + pool(40, 17000, arena=2) +
    pool(20, 9000) + op(GET, 10) + op(SWITCH, 1) + op(PUT, 5) +
    op(BAD, 3, 0, v=1) + op(AUDIT),
    # B on ring_mp_mc: objects of another handler's pool refused
    'ring_other': bytes([0x01, 0]) + pool(64, 200) + pool(64, 200) +
    op(GET, 10, pool_b=1) + op(BAD, 4, 0, v=3) + op(MIXED, 2, 3, v=3) +
    op(PUT, ALL, pool_b=1) + op(GET, 5),
    # zero-sized objects
    'zero_size': bytes([0, 0]) + pool(100, 0) + pool(10, 0) +
    op(GET, 20) + op(BAD, 3, 0, v=1) + op(BAD, 1, 0, v=3) + op(TWICE, 1) +
    op(AUDIT) + op(PUT, ALL),
    # unregistered-thread frees of objects from lcores, then flushes
    'any_lcore': bytes([0x20, 0]) + pool(400, 24) + pool(30, 24) +
    op(SWITCH, 1) + op(GET, 100) + op(SWITCH, 4) + op(PUT, 60) +
    op(GET, 30) + op(SWITCH, 1) + op(PUT, ALL) + op(FLUSH, v=1) +
    op(AUDIT),
}

# Reproducers of fixed defects: replayed once by fuzz_short.sh, not given
# to the fuzzer as a corpus to mutate (so that the short CI run is not led
# to the known limit next to what they fixed; see README.md).
regress = {
    # found by a 10-minute run: driver allocations fail from the 35th on
    # (lanes and overflow magazines cannot be made), and bursts put on
    # the other lcore at ever new epochs of the home: before overflow
    # magazines held runs of several epochs, each send took one of the
    # magazines the depot lends, they ran out and frees were lost
    'ovf_many_epochs': bytes.fromhex(
        '80220dfeffff000000f70000ffffffffffffffffffffffffffffffffffffff7f'),
    # the same, harder: every driver allocation fails from the 19th on,
    # lcore 0 gets one object at a time while lcore 1 frees two, each send
    # at a new epoch of lcore 0 with a run header of its own: headers and
    # partly filled magazines used up what the depot lends and frees were
    # lost; now the overflow lists are judged again under one epoch and
    # packed before the depot lends (nta_ovf_squeeze_locked())
    'ovf_single_sends': bytes([0x80, 18]) +
    pool(256, 64, lifo=5, retry=1) + pool(16, 64) + op(GET, 204, 0) +
    (op(BURST, 1, 2) + op(SWITCH, 0)) * 190,
    # found by review of that fix: copies of one object (an application's
    # double free) waiting together in an overflow list used up what the
    # depot lends, and a good free after them was lost; now copies are
    # dropped (and counted) when repacking was not enough. Magazines of 1,
    # allocations failing from the 20th on; an unregistered thread frees
    # 14 objects, then one object five times and another one
    'ovf_copies': bytes([0x80, 0x13]) + pool(16, 64, lifo=2, retry=1) +
    pool(16, 64) + op(GET, 16, v=1) + op(SWITCH, 4) + op(PUT, 14, v=1) +
    op(TWICE, 0, v=6),
    # found by review of that fix: the depot lent its empty magazines to
    # overflow lists before repacking them, and frees it had to take in
    # itself (to the home of a registered thread that left) found none and
    # were lost; the depot now takes them back (nta_depot_reclaim_locked())
    'ovf_dead_home': bytes([0x80, 22]) + pool(256, 64, lifo=5, retry=1) +
    pool(16, 64) + op(THREAD, 20, 12, extra=0) + op(GET, 204, 0) +
    (op(BURST, 1, 2) + op(SWITCH, 0)) * 165,
    # and copies of one object within the send that found no magazine
    # (nine of them) used up what the depot lends after the repack
    'ovf_copies_send': bytes([0x80, 0x13]) + pool(16, 64, lifo=2, retry=1) +
    pool(16, 64) + op(GET, 16, v=1) + op(SWITCH, 4) + op(PUT, 14, v=1) +
    op(TWICE, 0, 7, v=6),
}

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus')
for d, inputs in ((out, seeds), (os.path.join(here, 'regress'), regress)):
    os.makedirs(d, exist_ok=True)
    for name, data in inputs.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)
    print(f'{len(inputs)} inputs in {d}')

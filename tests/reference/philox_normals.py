#!/usr/bin/env python3
"""Independent pure-Python reference for PortraitBooth.Inference.Randomness.PhiloxRandom.

Prints the first 16 standard normals for seed 42, which PhiloxRandomTests pins as a golden vector.
Standard library only (no numpy). Run: python3 tests/reference/philox_normals.py

The stream, as documented in PhiloxRandom.cs:
  key      = (seed & 0xffffffff, seed >> 32)
  counter  = 128-bit little-endian block index (word 0 least significant), starting at 0
  words    = each block's four output words in order 0, 1, 2, 3
  uniform  = ((second_word << 32 | first_word) >> 11) / 2**53, in [0, 1)
  normal   = Box-Muller on two uniforms u1, u2: r = sqrt(-2 ln(1 - u1)), cos(2 pi u2) * r first, then sin(2 pi u2) * r
"""
import math

MASK = 0xFFFFFFFF
M0, M1 = 0xD2511F53, 0xCD9E8D57   # Philox4x32 multipliers (Salmon et al. 2011)
W0, W1 = 0x9E3779B9, 0xBB67AE85   # Weyl key increments


def philox4x32_10(counter, key):
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for round_index in range(10):
        if round_index > 0:
            k0, k1 = (k0 + W0) & MASK, (k1 + W1) & MASK
        p0, p1 = M0 * c0, M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0), p1 & MASK, ((p0 >> 32) ^ c3 ^ k1), p0 & MASK
    return c0, c1, c2, c3


def words(seed):
    key = (seed & MASK, seed >> 32)
    block = 0
    while True:
        counter = tuple((block >> (32 * i)) & MASK for i in range(4))
        yield from philox4x32_10(counter, key)
        block += 1


def uniforms(seed):
    stream = words(seed)
    while True:
        low, high = next(stream), next(stream)
        yield ((high << 32 | low) >> 11) / 2.0**53


def normals(seed):
    stream = uniforms(seed)
    while True:
        u1, u2 = next(stream), next(stream)
        radius = math.sqrt(-2.0 * math.log(1.0 - u1))
        yield radius * math.cos(2.0 * math.pi * u2)
        yield radius * math.sin(2.0 * math.pi * u2)


def check_known_answers():
    # Random123 tests/kat_vectors, philox4x32 10: (counter, key) -> output.
    cases = [
        ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
        ((MASK,) * 4, (MASK, MASK), (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
        ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
         (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
    ]
    for counter, key, expected in cases:
        assert philox4x32_10(counter, key) == expected, (counter, key)


if __name__ == "__main__":
    check_known_answers()
    stream = normals(42)
    for _ in range(16):
        print(repr(next(stream)))

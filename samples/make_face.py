#!/usr/bin/env python3
"""Draws samples/face.png: a simple synthetic face (no real person) used as the README's --face input.
Pure Python (zlib + struct), so it runs anywhere: python3 samples/make_face.py"""
import math, struct, zlib, os

W = H = 256

def inside_ellipse(x, y, cx, cy, rx, ry):
    return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0

def pixel(x, y):
    bg = (70 + y // 6, 110 + y // 8, 160)
    colour = bg
    if inside_ellipse(x, y, 128, 230, 110, 60):                     # shoulders
        colour = (40, 60, 90)
    if inside_ellipse(x, y, 128, 115, 78, 98):                      # hair
        colour = (60, 40, 25)
    if inside_ellipse(x, y, 128, 135, 64, 84):                      # face
        shade = int(20 * (x - 128) / 64)
        colour = (224 - shade, 180 - shade, 150 - shade)
    for ex in (102, 154):                                           # eyes
        if inside_ellipse(x, y, ex, 120, 12, 7):
            colour = (250, 250, 250)
        if inside_ellipse(x, y, ex, 120, 5, 5):
            colour = (50, 35, 25)
        if inside_ellipse(x, y, ex, 104, 14, 3):                    # brows
            colour = (60, 40, 25)
    if inside_ellipse(x, y, 128, 148, 6, 14) and x > 126:           # nose
        colour = (200, 150, 125)
    if inside_ellipse(x, y, 128, 178, 24, 9) and y > 176:           # mouth
        colour = (170, 70, 70)
    return colour

rows = b"".join(b"\x00" + bytes(c for x in range(W) for c in pixel(x, y)) for y in range(H))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "face.png"), "wb") as f:
    f.write(png)

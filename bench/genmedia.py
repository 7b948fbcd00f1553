#!/usr/bin/env python3
"""genmedia.py OUTDIR [MEGABYTES=80] [SEED=1] - a news collection heavy with media, for
bench/media.sh: English and Korean Markdown articles, most with one to three photos, and
radio programmes (a WebVTT transcript beside its audio file of the same name).

Photos are random bytes behind a JPEG header and audio random bytes behind an Ogg page
header: incompressible, as real photos and Opus audio are, so the bundle is about as large
as the folder. About 85% of the bytes are photos (80-700 KB each), 15% audio (1-4 MB
each). Deterministic for a given size and seed (random.Random(seed)); standard library only.
"""
import os
import random
import sys

EN = ("river harvest market rail school water winter price grain village report weather "
      "bridge clinic power road season family radio council").split()
KO = "강 수확 장마당 철도 학교 물 겨울 값 곡식 마을 소식 날씨 다리 병원 전기 길 철 가족 라디오".split()


def jpeg_like(rnd, n):
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return head + rnd.randbytes(n).replace(b"\xff", b"\xfe") + b"\xff\xd9"


def ogg_like(rnd, n):
    return b"OggS\x00\x02" + bytes(20) + b"\x01\x13OpusHead" + rnd.randbytes(n)


def text(rnd, words, n):
    return " ".join(rnd.choice(words) for _ in range(n))


def main():
    out = sys.argv[1]
    mb = int(sys.argv[2]) if len(sys.argv) > 2 else 80
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    budget = mb * 1000000
    os.makedirs(out + "/articles")
    os.makedirs(out + "/images")
    os.makedirs(out + "/radio")
    used, i = 0, 0
    while used < budget:
        date = "2026-%02d-%02d" % (1 + i % 12, 1 + (i * 7) % 28)
        if i % 8 == 7:  # a radio programme: transcript and its audio
            name = "%s/radio/%s-r%04d" % (out, date, i)
            audio = ogg_like(rnd, rnd.randint(1000000, 4000000))
            with open(name + ".ogg", "wb") as f:
                f.write(audio)
            cues = "".join("00:%02d:%02d.000 --> 00:%02d:%02d.500\n%s\n\n" %
                           (k // 60, k % 60, k // 60, k % 60, text(rnd, KO, 12))
                           for k in range(0, 600, 10))
            with open(name + ".vtt", "w") as f:
                f.write("WEBVTT 라디오 %d\n\nNOTE\ndate: %s\nlang: ko\n\n%s" % (i, date, cues))
            used += len(audio)
        else:
            ko = i % 5 < 3
            pics = ""
            for k in range(rnd.choice((0, 1, 1, 2, 3))):
                data = jpeg_like(rnd, rnd.randint(80000, 700000))
                with open("%s/images/p%04d-%d.jpg" % (out, i, k), "wb") as f:
                    f.write(data)
                pics += "\n![photo %d](../images/p%04d-%d.jpg)\n" % (k, i, k)
                used += len(data)
            body = "\n\n".join(text(rnd, KO if ko else EN, rnd.randint(40, 120))
                               for _ in range(rnd.randint(3, 8)))
            with open("%s/articles/a%04d.md" % (out, i), "w") as f:
                f.write("---\ntitle: %s %d\ndate: %s\nlang: %s\n---\n%s\n%s\n" %
                        ("소식" if ko else "Report", i, date, "ko" if ko else "en", body, pics))
            used += len(body)
        i += 1


if __name__ == "__main__":
    main()

# audit-disk.sh: mkdisk, the disk images with MBR or GPT partition tables that the shell tests build.

# mkdisk OUT SCHEME PART...: a disk image with partitions TYPE:START_SECTOR:SECTORS[:IMAGE]
# (MBR: TYPE is the type byte in hex; GPT: "data" or "linux", START/SECTORS in 512-byte sectors).
mkdisk() {
	python3 - "$@" <<'EOF'
import struct, sys, uuid, zlib
out, scheme, parts = sys.argv[1], sys.argv[2], [p.split(":") for p in sys.argv[3:]]
end = max(int(p[1]) + int(p[2]) for p in parts)
nsec = end + 2048
GUIDS = {"data": "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7",
         "linux": "0FC63DAF-8483-4772-8E79-3D69D8477DE4"}
with open(out, "wb") as f:
    f.truncate(nsec * 512)
    mbr = bytearray(512)
    mbr[510:512] = b"\x55\xaa"
    if scheme == "mbr":
        for i, p in enumerate(parts):
            mbr[446 + 16 * i:462 + 16 * i] = struct.pack(
                "<B3sB3sII", 0, b"\xfe\xff\xff", int(p[0], 16), b"\xfe\xff\xff", int(p[1]), int(p[2]))
    else:
        mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", 0xEE, b"\xff\xff\xff", 1, nsec - 1)
        ents = bytearray(128 * 128)
        for i, p in enumerate(parts):
            name = ("part%d" % (i + 1)).encode("utf-16-le")
            ents[128 * i:128 * (i + 1)] = struct.pack(
                "<16s16sQQQ72s", uuid.UUID(GUIDS[p[0]]).bytes_le,
                uuid.UUID(int=i + 1).bytes_le, int(p[1]), int(p[1]) + int(p[2]) - 1, 0, name)
        ecrc = zlib.crc32(ents)
        def header(cur, backup, entries_lba):
            h = bytearray(struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x10000, 92, 0, 0,
                                      cur, backup, 34, nsec - 34, uuid.UUID(int=99).bytes_le,
                                      entries_lba, 128, 128, ecrc))
            h[16:20] = struct.pack("<I", zlib.crc32(h))
            return bytes(h) + bytes(512 - len(h))
        f.seek(512); f.write(header(1, nsec - 1, 2)); f.write(ents)
        f.seek((nsec - 33) * 512); f.write(ents); f.write(header(nsec - 1, 1, nsec - 33))
    f.seek(0); f.write(mbr)
    for p in parts:
        if len(p) > 3:
            f.seek(int(p[1]) * 512); f.write(open(p[3], "rb").read())
EOF
}

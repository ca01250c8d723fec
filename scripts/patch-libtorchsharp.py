#!/usr/bin/env python3
"""Lets TorchSharp 0.107.0's libLibTorchSharp.so load with GCC 12's libstdc++ (Debian 12).

It requires GLIBCXX_3.4.32 for one symbol, std::ios_base_library_init, that no relocation uses
(GCC 13's <iostream> names it only to record the requirement). This rewrites that one version
requirement (.gnu.version_r) to GLIBCXX_3.4.30, in place, when the system's libstdc++ lacks 3.4.32;
otherwise, or when already done, it changes nothing. Usage: patch-libtorchsharp.py LIB.so
"""
import glob
import struct
import sys

WANTED, AVAILABLE = b"GLIBCXX_3.4.32", b"GLIBCXX_3.4.30"


def system_has(version):
    for path in glob.glob("/usr/lib/*/libstdc++.so.6") + glob.glob("/lib/*/libstdc++.so.6"):
        with open(path, "rb") as f:
            if version in f.read():
                return True
    return False


def main(path):
    if system_has(WANTED):
        return
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit(f"{path} is not a 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]

    def string(section, offset):
        start = sections[section][4] + offset
        return bytes(data[start:data.index(b"\0", start)])

    changed = False
    for _, kind, _, _, offset, _, strings, count, _, _ in sections:
        if kind != 0x6FFFFFFE:  # SHT_GNU_verneed
            continue
        need = offset
        for _ in range(count):
            _, auxes, _, aux, following = struct.unpack_from("<HHIII", data, need)
            entries, at = [], need + aux
            for _ in range(auxes):
                entries.append(at)
                at += struct.unpack_from("<IHHII", data, at)[4]
            names = {entry: string(strings, struct.unpack_from("<IHHII", data, entry)[3]) for entry in entries}
            donor = next((entry for entry, name in names.items() if name == AVAILABLE), None)
            for entry, name in names.items():
                if name == WANTED and donor is not None:
                    donor_hash, _, _, donor_name, _ = struct.unpack_from("<IHHII", data, donor)
                    _, flags, other, _, after = struct.unpack_from("<IHHII", data, entry)
                    struct.pack_into("<IHHII", data, entry, donor_hash, flags, other, donor_name, after)
                    changed = True
            need += following
    if changed:
        with open(path, "wb") as f:
            f.write(data)
        print(f"{path}: requirement {WANTED.decode()} rewritten to {AVAILABLE.decode()} (this system's libstdc++ lacks it)")


if __name__ == "__main__":
    main(sys.argv[1])

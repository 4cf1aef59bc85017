#!/usr/bin/env python3
"""Writes python-unicode.json: fingerprints of the character properties the
reference tokenizers take from Python (3.11, unicodedata 14.0.0), for
TestPythonUnicode. Each property is a list of lines over every code point
but the surrogates, "XXXX" for a code point that has it, or "XXXX YYYY ..."
for one whose mapping differs from itself; the JSON gives the count and the
SHA-256 of those lines. With --list NAME it prints one list instead, to
compare with what the Go test prints."""
import hashlib, json, sys, unicodedata

CODE_POINTS = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]

def cat(c):
    return unicodedata.category(c)

def strip(s, keep):
    return "".join(x for x in s if keep(x))

SETS = {
    # transformers' _is_control, _is_whitespace, _is_punctuation (above ASCII)
    "category C": lambda c: cat(c).startswith("C"),
    "whitespace": lambda c: c in " \t\n\r" or cat(c) == "Zs",
    "category P above ASCII": lambda c: ord(c) >= 0x80 and cat(c).startswith("P"),
    "category Mn": lambda c: cat(c) == "Mn",
    "category Cn": lambda c: cat(c) == "Cn",
    "isspace": str.isspace,
    "isdigit": str.isdigit,
}
MAPS = {
    "lower": str.lower,
    "NFKD without combining": lambda c: strip(unicodedata.normalize("NFKD", c), lambda x: not unicodedata.combining(x)),
    # the BERT pipeline deletes unassigned characters before it strips accents
    "NFD without Mn, assigned": lambda c: c if cat(c) == "Cn" else strip(unicodedata.normalize("NFD", c), lambda x: cat(x) != "Mn"),
}

def lines(name):
    if name in SETS:
        return ["%X\n" % cp for cp in CODE_POINTS if SETS[name](chr(cp))]
    out = []
    for cp in CODE_POINTS:
        m = MAPS[name](chr(cp))
        if m != chr(cp):
            out.append("%X%s\n" % (cp, "".join(" %X" % ord(x) for x in m)))
    return out

if len(sys.argv) == 3 and sys.argv[1] == "--list":
    sys.stdout.write("".join(lines(sys.argv[2])))
    sys.exit()
props = {}
for name in list(SETS) + list(MAPS):
    ls = lines(name)
    props[name] = {"count": len(ls), "sha256": hashlib.sha256("".join(ls).encode()).hexdigest()}
json.dump({"python": sys.version.split()[0], "unidata_version": unicodedata.unidata_version, "properties": props},
          open("python-unicode.json", "w"), indent=1)

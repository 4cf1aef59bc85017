#!/usr/bin/env python3
"""Check every WORD-encoded instruction of the arm64 kernels against GNU as.

usage: scripts/check-arm64-encodings.py [HEADER] [--binary ARM64_ELF]

Each macro in HEADER (default kernels/encodings_arm64.h) that emits one
instruction is preceded by a comment giving it in GNU syntax, e.g.

    // SDOT Vd.4S, Vn.16B, Vm.4B[i] (dot product, by element): ...
    #define SDOT_ELEM(d, n, m, i) WORD $(0x4F80E000 | (d) | ...)

For every register number 0-31 in each register operand (the others fixed)
and every element index, plus random combinations, the script evaluates the
macro's expression and assembles the comment's instruction with
aarch64-linux-gnu-as; the words must be equal.

With --binary, it also disassembles the kernels package's functions in a
built arm64 binary (`CGO_ENABLED=0 GOARCH=arm64 go test -c ./kernels`) with
aarch64-linux-gnu-objdump and fails if any word in them does not decode as an
instruction (objdump prints `.inst`, `udf` or `undefined` for those; the
zero words that pad a function's end are skipped).
"""
import os
import random
import re
import subprocess
import sys
import tempfile

AS = os.environ.get("AS", "aarch64-linux-gnu-as")
OBJDUMP = os.environ.get("OBJDUMP", "aarch64-linux-gnu-objdump")
OPERAND = re.compile(r"\b(V|S)([dnm])\b")  # Vd, Vn, Vm (vector) and Sd (scalar) register slots


def macros(header):
    """(name, params, expr, gnu template) for each single-instruction macro."""
    text = open(header).read()
    out = []
    for m in re.finditer(r"^// ([A-Z][A-Z0-9]* [^:(]*?)\s*(?:\(.*?\))?:.*\n#define (\w+)\(([^)]*)\) WORD \$(.*)$",
                         text, re.M):
        template, name, params, expr = m.group(1), m.group(2), m.group(3), m.group(4)
        out.append((name, [p.strip() for p in params.split(",")], expr, template))
    return out


def render(template, args):
    """The GNU syntax of template with the register numbers and index in args."""
    asm = OPERAND.sub(lambda m: f"{'v' if m.group(1) == 'V' else 's'}{args[m.group(2)]}", template)
    asm = asm.replace("[i]", f"[{args['i']}]") if "i" in args else asm
    return asm.lower()


def cases(params):
    """Argument sets: each register 0-31 with the others fixed, each index, and random mixes."""
    rng = random.Random(1)
    regs = [p for p in params if p != "i"]
    indexes = range(4) if "i" in params else [None]
    base = {p: 7 + 3 * k for k, p in enumerate(regs)}
    out = []
    for p in regs:
        for v in range(32):
            for i in indexes:
                a = dict(base, **{p: v})
                if i is not None:
                    a["i"] = i
                out.append(a)
    for _ in range(200):
        a = {p: rng.randrange(32) for p in regs}
        if "i" in params:
            a["i"] = rng.randrange(4)
        out.append(a)
    return out


def assemble(lines):
    """The 32-bit words GNU as produces for lines, in order."""
    with tempfile.TemporaryDirectory() as d:
        src, obj = os.path.join(d, "x.s"), os.path.join(d, "x.o")
        with open(src, "w") as f:
            f.write(".arch armv8.6-a+dotprod+i8mm+fp16\n" + "".join(f"  {line}\n" for line in lines))
        subprocess.run([AS, "-o", obj, src], check=True)
        dump = subprocess.run([OBJDUMP, "-d", obj], check=True, capture_output=True, text=True).stdout
    return [int(w, 16) for w in re.findall(r"^\s*[0-9a-f]+:\s+([0-9a-f]{8})\s", dump, re.M)]


def check_header(header):
    failures, total = 0, 0
    for name, params, expr, template in macros(header):
        args = cases(params)
        want = assemble([render(template, a) for a in args])
        for a, w in zip(args, want):
            e = expr
            for p in params:
                e = re.sub(rf"\b{p}\b", str(a[p]), e)
            got = eval(e)  # the macro's C expression: |, <<, & and integers only
            total += 1
            if got != w:
                failures += 1
                print(f"{name}{tuple(a[p] for p in params)}: macro {got:#010x}, as {w:#010x} ({render(template, a)})")
        print(f"{name:<12} {len(args):4} cases  {render(template, args[-1])}")
    print(f"{total} encodings checked against {AS}, {failures} differ")
    return failures == 0


def check_binary(binary):
    syms = subprocess.run(["go", "tool", "nm", "-size", "-sort", "address", binary],
                          check=True, capture_output=True, text=True).stdout
    bad = 0
    funcs = 0
    for line in syms.splitlines():
        v = line.split(None, 3)
        if len(v) != 4 or v[2] not in "Tt" or not re.search(r"kernels\.\w+\.abi0$", v[3]):
            continue
        start, size = int(v[0], 16), int(v[1])
        dump = subprocess.run([OBJDUMP, "-d", f"--start-address={start:#x}", f"--stop-address={start + size:#x}",
                               binary], check=True, capture_output=True, text=True).stdout
        funcs += 1
        for m in re.finditer(r"^\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(\.inst|udf|undefined).*$", dump, re.M):
            if m.group(2) == "00000000":
                continue  # the zero padding after a function's last instruction
            bad += 1
            print(f"{v[3]}: {m.group(0).strip()}")
    print(f"{funcs} assembly functions disassembled, {bad} undecodable words")
    return bad == 0


def main():
    args = sys.argv[1:]
    binary = None
    if "--binary" in args:
        k = args.index("--binary")
        binary = args[k + 1]
        del args[k:k + 2]
    header = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "kernels", "encodings_arm64.h")
    ok = check_header(header)
    if binary:
        ok = check_binary(binary) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

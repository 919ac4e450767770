#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every non-static function defined in the given .c files must have a
kernel-doc comment right above it ("/**" ... " * name() - summary").
scripts/kernel-doc checks the comments that exist but says nothing about
the ones that are missing; this does.  Prints one line per function
without one and exits 1 if there is any."""
import re
import sys

# A definition: at the start of a line, a return type that is not static,
# the name, the parameters (maybe over several lines), and "{" on the next
# line, as the kernel's coding style has it.
DEF = re.compile(r'^(?!static\b|typedef\b|struct\s+\w+\s*\{)[A-Za-z_][\w \t*]*?'
                 r'\b(\w+)\(([^;{}()]|\([^()]*\))*\)\s*\n\{', re.M)

missing = 0
for path in sys.argv[1:]:
    text = open(path).read()
    for m in DEF.finditer(text):
        name = m.group(1)
        above = text[:m.start()].rstrip('\n').split('\n')
        ok = False
        if above and above[-1].strip() == '*/':
            i = len(above) - 1
            while i > 0 and not above[i].lstrip().startswith('/*'):
                i -= 1
            block = above[i:]
            ok = (block[0].strip() == '/**' and len(block) > 1 and
                  re.match(r'\s*\*\s+' + re.escape(name) + r'\(\)\s+-\s+\S',
                           block[1]) is not None)
        if not ok:
            line = text.count('\n', 0, m.start()) + 1
            print(f'{path}:{line}: {name}() has no kernel-doc comment')
            missing += 1
sys.exit(1 if missing else 0)

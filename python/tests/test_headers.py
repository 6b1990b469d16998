"""The extension is a client of the public header only: no file of
python/src includes a library header other than customflow.h."""

import os
import re

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def test_only_the_public_header():
    own = set(os.listdir(SRC))
    bad = []
    for name in sorted(own):
        with open(os.path.join(SRC, name), encoding="utf-8") as f:
            for line in f:
                m = re.match(r'\s*#\s*include\s*"([^"]+)"', line)
                if m and m.group(1) not in own and m.group(1) != "customflow.h":
                    bad.append("%s: %s" % (name, m.group(1)))
    assert bad == []
    assert any(n.endswith(".c") for n in own)

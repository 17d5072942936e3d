"""The static scan flags kernel tampering and leaves ordinary data work alone."""

from __future__ import annotations

import pytest

from grader.autograde.static import scan, scan_source

HONEST = [
    "import pandas as pd\ndf = pd.read_csv('parking.csv')\ndf.groupby('ward').size()",
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])",
    "from IPython.display import display\ndisplay(df.head())",
    "pd.options.display.max_rows = 20\ntotal = sum(x for x in range(3))",
    "def clean(s):\n    return s.strip().lower()\nclass Point:\n    def __init__(self, x):\n"
    "        self.x = x\n    def __eq__(self, other):\n        return self.x == other.x",
    "this is not valid python (",
]
CHEATS = {
    "get_ipython().input_transformers_cleanup.append(f)": "tampering:kernel-hook",
    "ip = get_ipython()\nip.ast_transformers.append(t)": "tampering:kernel-hook",
    "import builtins\nbuiltins.len = lambda x: 3": "suspicious:imports-builtins",
    "class A:\n    def __eq__(self, o):\n        return True": "tampering:always-equal",
    "import os\nos._exit(0)": "tampering:exit",
    "raise SystemExit": "tampering:exit",
    "import os\nos.getenv('NBGRADER_EXECUTION')": "suspicious:grader-environment",
    "exec(open('x').read())": "suspicious:dynamic-code",
    "import ctypes": "suspicious:imports-ctypes",
}


def test_honest_code_is_not_flagged() -> None:
    assert scan(HONEST) == ()


@pytest.mark.parametrize("source,prefix", CHEATS.items())
def test_cheats_are_flagged(source: str, prefix: str) -> None:
    assert any(flag.startswith(prefix) for flag in scan_source(source)), scan_source(source)

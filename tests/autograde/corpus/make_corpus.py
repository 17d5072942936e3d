"""Regenerate the cheat and abuse corpus: `python tests/autograde/corpus/make_corpus.py`.

Writes the instructor notebook (source/squares.ipynb), its student version, honest
submissions and one notebook per cheat or abuse. expected.yml (hand-written) says what each
must give.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.preprocessors import (
    ClearHiddenTests,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    LockCells,
)

HERE = Path(__file__).parent
SUBMISSIONS = HERE / "submissions"
# The network test listens here on the host's loopback; nothing may arrive.
LISTENER_PORT = 47321


def meta(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    data = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        data["points"] = points
    return {"nbgrader": data}


SQUARES = '''def squares(n):
    ### BEGIN SOLUTION
    return [i * i for i in range(1, n + 1)]
    ### END SOLUTION'''
TOTAL = '''def total():
    ### BEGIN SOLUTION
    with open("numbers.csv") as handle:
        return sum(int(x) for x in handle.read().split())
    ### END SOLUTION'''


def instructor() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Squares\nWrite `squares(n)`: the squares of 1 to n, as a list.",
                          metadata=meta("intro", locked=True)),
        new_code_cell(SQUARES, metadata=meta("squares", solution=True)),
        new_code_cell("assert squares(1) == [1]\nassert squares(3) == [1, 4, 9]",
                      metadata=meta("test_squares", grade=True, points=2)),
        new_code_cell("assert isinstance(squares(2), list)\n### BEGIN HIDDEN TESTS\n"
                      "# Message: Check your answer against the task again.\n"
                      "assert squares(10)[-1] == 100\n### END HIDDEN TESTS",
                      metadata=meta("test_squares_hidden", grade=True, points=1)),
        new_code_cell(TOTAL, metadata=meta("total", solution=True)),
        new_code_cell("assert total() == 15", metadata=meta("test_total", grade=True, points=1)),
        new_markdown_cell("Explain your answer.\n\n### BEGIN SOLUTION\nBecause.\n"
                          "### END SOLUTION",
                          metadata=meta("explain", grade=True, solution=True, points=1)),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def release(nb):
    nb = copy.deepcopy(nb)
    resources: dict = {}
    for step in (LockCells, ClearSolutions, ClearOutput, ComputeChecksums, ClearHiddenTests,
                 ComputeChecksums):
        nb, resources = step().preprocess(nb, resources)
    return nb


def answer(nb, grade_id: str, source: str):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


def correct(student):
    nb = answer(student, "squares", "def squares(n):\n    return [i * i for i in range(1, n + 1)]")
    nb = answer(nb, "total", "def total():\n    return sum(int(x) for x in "
                "open('numbers.csv').read().split())")
    return answer(nb, "explain", "Squares grow fast.")


def prepend(nb, source: str, index: int = 1):
    nb = copy.deepcopy(nb)
    nb.cells.insert(index, new_code_cell(source))
    return nb


def cheats(student) -> dict[str, object]:
    good = correct(student)
    wrong = answer(student, "squares", "def squares(n):\n    return None")
    out: dict[str, object] = {
        "honest_correct.ipynb": good,
        "honest_partial.ipynb": answer(good, "total", "def total():\n    return 0"),
        "honest_wrong.ipynb": wrong,
        "honest_unanswered.ipynb": student,
        "ex (1).ipynb": good,
        "cheat_transformer_blank.ipynb": prepend(
            student, "get_ipython().input_transformers_cleanup.append(lambda l: ['pass\\n'])"),
        "cheat_transformer_try.ipynb": prepend(student, (
            "def wrap(lines):\n    body = ''.join('    ' + l for l in lines)\n"
            "    return ['try:\\n', body + '\\n', 'except BaseException:\\n', '    pass\\n']\n"
            "get_ipython().input_transformers_post.append(wrap)")),
        "cheat_ast_transformer.ipynb": prepend(student, (
            "import ast\nclass NoAssert(ast.NodeTransformer):\n"
            "    def visit_Assert(self, node):\n        return ast.Pass()\n"
            "get_ipython().ast_transformers.append(NoAssert())")),
        "cheat_shadow_builtins.ipynb": prepend(wrong, (
            "def isinstance(*args):\n    return True\n")),
        "cheat_builtins_module.ipynb": prepend(wrong, (
            "import builtins\nbuiltins.isinstance = lambda *a: True")),
        "cheat_always_equal.ipynb": answer(answer(student, "squares", (
            "class Anything(list):\n    def __eq__(self, other):\n        return True\n"
            "    def __getitem__(self, i):\n        return self\n"
            "def squares(n):\n    return Anything()")), "total",
            "class Eq(int):\n    __eq__ = lambda self, other: True\n"
            "def total():\n    return Eq()"),
        "cheat_showtraceback.ipynb": prepend(wrong, (
            "import IPython.core.interactiveshell as ish\n"
            "ish.InteractiveShell.showtraceback = lambda *a, **k: None")),
        "cheat_event_hook.ipynb": prepend(wrong, (
            "def hide(result):\n    result.error_in_exec = None\n"
            "get_ipython().events.register('post_run_cell', hide)")),
        "cheat_excepthook_trace.ipynb": prepend(wrong, (
            "import sys\nsys.settrace(lambda *a: None)\nsys.excepthook = lambda *a: None")),
        "cheat_sys_exit.ipynb": prepend(wrong, "import sys\nsys.exit(0)"),
        "cheat_os_exit.ipynb": prepend(wrong, "import os\nos._exit(0)"),
        "cheat_kill_kernel.ipynb": prepend(wrong, "import os, signal\n"
                                           "os.kill(os.getpid(), signal.SIGKILL)"),
        "cheat_env_detect.ipynb": prepend(wrong, (
            "import os\nif os.environ.get('NBGRADER_EXECUTION'):\n"
            "    get_ipython().input_transformers_cleanup.append(lambda l: ['pass\\n'])")),
        "cheat_read_source.ipynb": prepend(student, (
            "import glob, json\nfound = []\n"
            "for path in glob.glob('/**/*.ipynb', recursive=True) + "
            "glob.glob('../**/*.ipynb', recursive=True):\n"
            "    try:\n        nb = json.load(open(path))\n"
            "    except Exception:\n        continue\n"
            "    for cell in nb['cells']:\n        src = ''.join(cell['source'])\n"
            "        if 'BEGIN SOLUTION' in src or 'HIDDEN' in src:\n"
            "            found.append(src)\n            exec(src)\nprint(len(found))")),
        "cheat_write_gradebook.ipynb": prepend(student, (
            "import sqlite3, os\n"
            "for d in ['..', '../..', '/work', '/tmp', os.path.expanduser('~')]:\n"
            "    for name in ['gradebook.db', 'nbgrader_config.py']:\n"
            "        try:\n            p = os.path.join(d, name)\n"
            "            if name.endswith('.db'):\n"
            "                sqlite3.connect(p).execute('create table if not exists x (y)')\n"
            "            else:\n                open(p, 'a').write('\\nprint(1)\\n')\n"
            "        except Exception as e:\n            print(p, e)")),
        "abuse_network.ipynb": prepend(good, (
            f"import socket\nfor host, port in [('127.0.0.1', {LISTENER_PORT}),"
            " ('10.0.2.2', 80), ('1.1.1.1', 53)]:\n"
            "    try:\n        socket.create_connection((host, port), timeout=2).sendall(b'leak')\n"
            "        print('connected', host)\n"
            "    except OSError as e:\n        print('blocked', e)")),
        "abuse_fork_bomb.ipynb": prepend(good, (
            "import os\nif os.fork() == 0:\n    try:\n        while True:\n            os.fork()\n"
            "    finally:\n        os._exit(0)")),
        "abuse_memory_hog.ipynb": prepend(wrong, (
            "chunks = []\nwhile True:\n    chunks.append(b'x' * (50 * 1024 * 1024))")),
        "abuse_memory_big_alloc.ipynb": prepend(good, "x = bytearray(16 * 1024 ** 3)"),
        "abuse_infinite_loop.ipynb": prepend(good, (
            "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
            "    except KeyboardInterrupt:\n        pass")),
        "abuse_detached_process.ipynb": prepend(good, (
            "import subprocess\nsubprocess.Popen(['sleep', '1000'], start_new_session=True)\n"
            "subprocess.Popen('nohup sleep 1001 &', shell=True)")),
        "abuse_huge_output.ipynb": prepend(good, "print('x' * 30_000_000)"),
        "abuse_write_big_file.ipynb": prepend(good, (
            "try:\n    open('big.bin', 'wb').write(b'0' * (200 * 1024 * 1024))\n"
            "except OSError as e:\n    print(e)")),
    }
    faked = copy.deepcopy(wrong)
    for cell in faked.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            forged = {"output_type": "stream", "name": "stdout", "text": "ok\n"}
            cell.outputs = [nbformat.from_dict(forged)]
            cell.execution_count = 3
    out["cheat_faked_outputs.ipynb"] = faked
    edited = copy.deepcopy(wrong)
    for cell in edited.cells:
        meta_ = cell.metadata.get("nbgrader", {})
        if meta_.get("grade") and not meta_.get("solution"):
            cell.source = "pass"
            meta_["points"] = 100
    out["cheat_edited_tests.ipynb"] = edited
    markdown = copy.deepcopy(wrong)
    for cell in markdown.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_squares":
            cell.cell_type = "markdown"
            del cell["outputs"], cell["execution_count"]
    out["cheat_test_to_markdown.ipynb"] = markdown
    dup = copy.deepcopy(good)
    dup.cells.append(copy.deepcopy(dup.cells[2]))
    out["reject_duplicate_id.ipynb"] = dup
    unknown = copy.deepcopy(good)
    unknown.cells.append(new_code_cell("x = 1", metadata=meta("bogus", solution=True)))
    out["reject_unknown_id.ipynb"] = unknown
    deleted = copy.deepcopy(good)
    deleted.cells = [c for c in deleted.cells
                     if c.metadata.get("nbgrader", {}).get("grade_id") != "test_total"]
    out["reject_deleted_test.ipynb"] = deleted
    out["reject_deep_json.ipynb"] = "[" * 100_000 + "]" * 100_000
    out["reject_not_json.ipynb"] = "PK\x03\x04 this is a zip file, not a notebook"
    return out


def large_cases(student) -> dict[str, object]:
    """Too big to keep in git: written by the tests into a temporary folder."""
    good = correct(student)
    out: dict[str, object] = {}
    many = copy.deepcopy(good)
    many.cells += [new_code_cell("") for _ in range(50_000)]
    out["reject_50k_cells.ipynb"] = many
    out["reject_huge_file.ipynb"] = json.dumps(
        {**json.loads(nbformat.writes(good)), "padding": "x" * (6 * 1024 * 1024)})
    return out


def main() -> None:
    source = HERE / "source"
    source.mkdir(exist_ok=True)
    nb = instructor()
    write_cases({"squares.ipynb": nb}, source)
    (source / "numbers.csv").write_text("1 2 3 4 5\n")
    student = release(nb)
    SUBMISSIONS.mkdir(exist_ok=True)
    write_cases(cheats(student), SUBMISSIONS)


def write_cases(cases: dict[str, object], folder: Path) -> None:
    for name, content in cases.items():
        path = folder / name
        if isinstance(content, str):
            path.write_text(content)
        else:
            for number, cell in enumerate(content.cells):  # stable ids: quiet diffs
                cell.id = f"cell-{number}"
            nbformat.write(content, path)


if __name__ == "__main__":
    main()

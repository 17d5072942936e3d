"""The notebook a learner meets: JupyterLite settings and the academy's own plugin.

`apply(lite_dir)` runs at the end of `jupyterlite._prepare_lite_dir`. It adds to the
`jupyter-lite.json` and `overrides.json` written there, and puts the academy's labextension
(`labextension/`: a hand-written federated extension, no webpack build, see the comment at
the top of its `academy-notebook.js`) where the build picks up extensions.

Why each setting is here (axe-core on the live notebook, and what a learner does not need):
- the notebook toolbar loses the kernel name (it switches kernels) and the minimap toggle
  (axe: aria-allowed-attr, `aria-pressed` on an element that has no such state);
- the "Trusted" badge, the kernel logo and "open the file browser" plugins are left out;
- the notebook attaches every cell (`windowingMode: none`): the academy's notebooks are short,
  and a cell that is not in the page cannot be reached by a screen reader or by a test.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

EXTENSION_DIR = Path(__file__).resolve().parent / "labextension"
EXTENSION_SCRIPT = "academy-notebook.js"
EXTENSION_NAME = "@camden-data-academy/notebook"

#: Plugins a learner does not need (added to `disabledExtensions`).
DISABLED_PLUGINS = (
    "@jupyter-notebook/notebook-extension:trusted",
    "@jupyter-notebook/notebook-extension:kernel-logo",
    "@jupyter-notebook/notebook-extension:open-tree-tab",
)
#: Whole extensions a learner does not need, whose code then never loads: consoles, the text
#: editor, help, the log console, language servers, cell tag and metadata editors, and the
#: renderers of Mermaid diagrams, Vega charts and JavaScript output (an exercise shows none;
#: leaving JavaScript output out also means a cell's output can never run script).
DISABLED_EXTENSIONS = (
    "@jupyterlab/console-extension",
    "@jupyter-notebook/console-extension",
    "@jupyterlab/fileeditor-extension",
    "@jupyterlab/help-extension",
    "@jupyter-notebook/help-extension",
    "@jupyterlab/logconsole-extension",
    "@jupyterlab/lsp-extension",
    "@jupyterlab/celltags-extension",
    "@jupyterlab/metadataform-extension",
    "@jupyterlab/mermaid-extension",
    "@jupyterlab/vega5-extension",
    "@jupyterlab/javascript-extension",
)
#: Notebook toolbar items left out: kernel switching and the minimap toggle.
HIDDEN_TOOLBAR_ITEMS = ("kernelName", "scrollbar")
#: Added to `overrides.json` (plugin id -> settings).
SETTINGS_OVERRIDES: dict[str, dict[str, Any]] = {
    "@jupyterlab/notebook-extension:panel": {
        "toolbar": [{"name": name, "disabled": True} for name in HIDDEN_TOOLBAR_ITEMS]
    },
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


def cache_input() -> bytes:
    """Everything here that changes the build, for `jupyterlite.cache_key`."""
    parts = [Path(__file__).read_bytes()]
    parts += [p.read_bytes() for p in sorted(EXTENSION_DIR.iterdir()) if p.is_file()]
    return b"\0".join(parts)


def _update_json(path: Path, change: Any) -> None:
    data = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    change(data)
    path.write_text(json.dumps(data, indent=2), "utf-8")


def _add_config(config: dict[str, Any]) -> None:
    data = config["jupyter-config-data"]
    disabled = list(data.get("disabledExtensions", []))
    wanted = (*DISABLED_PLUGINS, *DISABLED_EXTENSIONS)
    data["disabledExtensions"] = disabled + [p for p in wanted if p not in disabled]


def _add_overrides(overrides: dict[str, Any]) -> None:
    for plugin, settings in SETTINGS_OVERRIDES.items():
        overrides[plugin] = {**overrides.get(plugin, {}), **settings}


def write_extension(labextensions: Path) -> Path:
    """Write the academy's extension into `labextensions`; the script is named by its hash
    so a browser never runs a cached old copy."""
    folder = labextensions / EXTENSION_NAME
    (folder / "static").mkdir(parents=True)
    script = (EXTENSION_DIR / EXTENSION_SCRIPT).read_bytes()
    load = f"static/remoteEntry.{hashlib.sha256(script).hexdigest()[:12]}.js"
    (folder / load).write_bytes(script)
    package = json.loads((EXTENSION_DIR / "package.json").read_text("utf-8"))
    package["jupyterlab"]["_build"]["load"] = load
    (folder / "package.json").write_text(json.dumps(package, indent=2), "utf-8")
    return folder


def apply(lite_dir: Path, labextensions: Path) -> None:
    """Add the academy's settings to the JupyterLite source folder `lite_dir` and its
    extension to `labextensions` (a folder the build takes extensions from)."""
    _update_json(lite_dir / "jupyter-lite.json", _add_config)
    _update_json(lite_dir / "overrides.json", _add_overrides)
    write_extension(labextensions)

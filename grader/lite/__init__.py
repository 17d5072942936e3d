"""JupyterLite with a self-hosted Pyodide: version pins, vendoring, the cached build."""

// Byte-compile the Python of the self-hosted Pyodide inside that same Pyodide, in Node, at
// build time (grader/lite/precompile.py writes the job and runs this script).
//
//     node precompile.mjs <job.json>
//
// The job names the Pyodide folder to run (its own core files, so the bytecode is made by
// the Python the browser runs), the work folder holding the unpacked archives (mounted at
// job.mount), and what to do in it. The Python side is pyodide_compile.py, beside this file.
// Progress goes to stdout, Pyodide's errors to stderr; any failure exits with status 1.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

async function run(job) {
  const { loadPyodide } = await import(pathToFileURL(join(job.pyodide, "pyodide.mjs")).href);
  const pyodide = await loadPyodide({
    indexURL: job.pyodide + "/",
    // A fixed hash seed: set and frozenset constants are marshalled in hash order, and the
    // same sources must give the same bytes.
    env: { PYTHONHASHSEED: "0" },
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
  });
  pyodide.mountNodeFS(job.mount, job.work);
  if (job.packages.length) {
    await pyodide.loadPackage(job.packages, {
      messageCallback: () => {},
      errorCallback: (message) => console.error(message),
    });
  }
  const compiler = new URL("./pyodide_compile.py", import.meta.url);
  const namespace = pyodide.globals.get("dict")();
  pyodide.runPython(readFileSync(compiler, "utf8"), {
    globals: namespace,
    filename: "pyodide_compile.py",
  });
  namespace.get("main")(JSON.stringify(job));
  namespace.destroy();
}

try {
  await run(JSON.parse(readFileSync(process.argv[2], "utf8")));
} catch (error) {
  // The message only: Node's default report quotes a line of Pyodide's minified code.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

#!/usr/bin/env python3
"""Executes every notebook in Notebooks/ top to bottom and fails on the first error.

    python3 Notebooks/run_notebooks.py [--output-dir DIR] [--check-clean] [NOTEBOOK ...]

Each notebook runs from the repository root with a fresh Python kernel (nbclient); the executed
copies, with their outputs, go to --output-dir (default /tmp/pipecast-notebooks), never back into
the repository. --check-clean first checks that the committed notebooks have no outputs or
execution counts (they are committed cleared). Environment: PIPECAST (binary), PIPECAST_DATA,
PIPECAST_TRIALS are passed through to the notebooks.
"""
import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def dirty_cells(nb) -> list[int]:
    """Indices of code cells that carry outputs or an execution count."""
    return [
        i for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--output-dir", type=Path, default=Path("/tmp/pipecast-notebooks"))
    parser.add_argument("--check-clean", action="store_true")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args()

    paths = args.notebooks or sorted(HERE.glob("*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    args.output_dir.mkdir(parents=True, exist_ok=True)
    failures = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if args.check_clean and (dirty := dirty_cells(nb)):
            print(f"{path}: cells {dirty} have outputs; clear them before committing "
                  f"(jupyter nbconvert --clear-output --inplace {path})", file=sys.stderr)
            failures += 1
            continue
        started = time.monotonic()
        client = NotebookClient(
            nb, timeout=args.timeout, kernel_name="python3", allow_errors=False,
            resources={"metadata": {"path": str(ROOT)}})
        out = args.output_dir / path.name
        try:
            client.execute()
        except CellExecutionError as error:
            failures += 1
            print(f"{path}: FAILED\n{error}", file=sys.stderr)
        else:
            print(f"{path}: ok ({time.monotonic() - started:.1f} s)")
        finally:
            nbformat.write(nb, out)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""`python cli.py ...` runs the same CLI as the installed `sepgen` command."""
import sys

from sepgen.cli import main

if __name__ == "__main__":
    sys.exit(main())

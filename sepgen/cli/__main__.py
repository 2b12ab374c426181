"""`python -m sepgen.cli`: the sepgen command."""
import sys

from . import main

sys.exit(main())

"""`python -m bench`: gateway versus baseline throughput (see bench/README.md)."""

from bench.harness import main

raise SystemExit(main())

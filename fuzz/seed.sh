#!/usr/bin/env bash
# Seeds both fuzz targets with every corpus document and fixture of at most 64 KiB (larger
# ones only slow the fuzzer down; -max_len caps inputs at that size anyway).
set -euo pipefail
cd "$(dirname "$0")"
for target in load_lower generate; do
  mkdir -p "corpus/$target"
  find ../../shared/corpus/specs ../tests/fixtures ../spec -type f \( -name '*.yaml' -o -name '*.json' \) -size -64k \
    -exec cp {} "corpus/$target/" \;
done

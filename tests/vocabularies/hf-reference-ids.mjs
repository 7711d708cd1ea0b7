#!/usr/bin/env node
// Prints the token ids Hugging Face's own tokenizer gives, as the reference for a vocabulary converted to GGUF.
// The tokenizer is the JavaScript port (transformers.js, via @lenml/tokenizers) that the npm package
// @lenml/tokenizer-FAMILY@3.7.2 ships with its tokenizer.json; it is installed on first use into a cache outside the
// repository (never committed).
// Usage: node hf-reference-ids.mjs FAMILY INPUTS.inp OUTPUT.out [CACHE_DIR]
//   INPUTS.inp: texts each followed by "\n__ggml_vocab_test__\n" (llama.cpp's tokenizer-test format);
//   OUTPUT.out: one line per text, " id id ...", from encode(text, {add_special_tokens: false}) (written atomically).
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const [family, inputs, output, cacheArg] = process.argv.slice(2);
if (!family || !inputs || !output) {
  console.error("usage: node hf-reference-ids.mjs FAMILY INPUTS.inp OUTPUT.out [CACHE_DIR]");
  process.exit(2);
}
const version = "3.7.2";
const cache = cacheArg ?? process.env.LLM_TEST_CACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "llm-tests");
const prefix = join(cache, "node", `tokenizer-${family}-${version}`);
const name = `@lenml/tokenizer-${family}`;
if (!existsSync(join(prefix, "node_modules", name, "package.json"))) {
  mkdirSync(prefix, { recursive: true });
  execFileSync("npm", ["install", "--silent", "--no-audit", "--no-fund", "--prefix", prefix, `${name}@${version}`], { stdio: ["ignore", "ignore", "inherit"] });
}
const require = createRequire(join(prefix, "package.json"));
const { fromPreTrained } = require(name);
const tokenizer = fromPreTrained();

const texts = readFileSync(inputs, "utf8").split("\n__ggml_vocab_test__\n");
texts.pop(); // the file ends with a separator
const lines = texts.map((text) => tokenizer.encode(text, { add_special_tokens: false }).map((id) => ` ${id}`).join(""));
const temp = `${output}.${process.pid}.tmp`;
writeFileSync(temp, lines.join("\n") + "\n");
renameSync(temp, output);

// Oracle for tests/tests/dmp_differential.rs: Sanity's own diff-match-patch
// (the version @sanity/mutator depends on), driven by NDJSON on stdin. Each
// input line is one of
//
//   {"text": "...", "patch": "..."}  -> {"result": "..."} | {"error": "..."}
//   {"a": "...", "b": "..."}         -> {"patch": "..."}  | {"error": "..."}
//
// The first applies a patch exactly as @sanity/mutator does for a
// diffMatchPatch operation: applyPatches(parsePatch(patch), text,
// {allowExceedingIndices: true})[0]. The result can hold half of a surrogate
// pair (a fuzzy hunk landing inside an emoji); it is made well-formed (U+FFFD)
// as any UTF-8 JSON encoder would, and as a Rust String must. The second
// makes a patch: stringifyPatches(makePatches(a, b)).
//
// One output line per input line, in order. The package resolves from
// tests/node_modules (`npm ci` in tests/).
import {applyPatches, makePatches, parsePatch, stringifyPatches} from '@sanity/diff-match-patch'
import {createInterface} from 'node:readline'

function handle(input) {
  try {
    if ('patch' in input) {
      const [result] = applyPatches(parsePatch(input.patch), input.text, {
        allowExceedingIndices: true,
      })
      return {result: result.toWellFormed()}
    }
    return {patch: stringifyPatches(makePatches(input.a, input.b))}
  } catch (err) {
    return {error: String(err && err.message ? err.message : err)}
  }
}

const out = []
for await (const line of createInterface({input: process.stdin, crlfDelay: Infinity})) {
  if (line.trim() === '') continue
  out.push(JSON.stringify(handle(JSON.parse(line))))
}
process.stdout.write(out.length ? out.join('\n') + '\n' : '')

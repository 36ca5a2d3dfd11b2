// Oracle for tests/tests/mendoza_differential.rs: the `mendoza` npm package's
// decoder (what Sanity's clients run on listener events), driven by NDJSON on
// stdin. Each input line is {"left": ..., "patch": [...]}; each output line is
// {"result": ...} or {"error": "..."}, in input order.
//
// The decoder returns parts of `left` by reference, so each result is
// serialized before the next case runs.
import {applyPatch} from 'mendoza'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const out = []
for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
  if (line.trim() === '') continue
  const {left, patch} = JSON.parse(line)
  try {
    const result = applyPatch(left, patch)
    // `undefined` (a patch that leaves nothing) is not JSON: report it.
    out.push(result === undefined ? JSON.stringify({error: 'undefined result'}) : JSON.stringify({result}))
  } catch (err) {
    out.push(JSON.stringify({error: String(err && err.message ? err.message : err)}))
  }
}
process.stdout.write(out.length ? out.join('\n') + '\n' : '')

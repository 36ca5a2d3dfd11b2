// Applies patches with Sanity's own JS mutator, as the oracle for the
// differential suite. Reads NDJSON lines {doc, patch} on stdin (doc has an
// _id; patch is one patch object or an array of them) and writes one NDJSON
// line per input: {ok: <patched doc>} or {error: <message>}.
import { createInterface } from 'node:readline'
import { Mutation } from '@sanity/mutator'

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
const out = []
for await (const line of lines) {
  if (!line.trim()) continue
  const { doc, patch } = JSON.parse(line)
  const patches = Array.isArray(patch) ? patch : [patch]
  try {
    const mutation = new Mutation({
      mutations: patches.map((p) => ({ patch: { ...p, id: doc._id } })),
    })
    out.push(JSON.stringify({ ok: mutation.apply(doc) }))
  } catch (err) {
    out.push(JSON.stringify({ error: String(err && err.message ? err.message : err) }))
  }
}
process.stdout.write(out.join('\n') + '\n')

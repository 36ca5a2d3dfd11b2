// GROQ benchmark: the same queries on the same 10,000 documents, timed in one
// run for groq-js (evaluateSync), Qanat's core compiled to wasm (in this Node
// process), and native core (timings read from core's groq_bench example).
// Prints each time and the ratios groq-js / Qanat.
//
// Every engine is timed from query text to the JSON text of the result, what
// a server sends: groq-js's result through JSON.stringify, the wasm module's
// response as the string it returns, native core's through serde_json.
//
// node tests/bench/groq-bench.mjs <dataset.ndjson> <native-results.ndjson> <qanat_core.wasm> [iterations]
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { parse, evaluateSync } from 'groq-js'

const [datasetPath, nativePath, wasmPath, iterArg] = process.argv.slice(2)
const iterations = Number(iterArg || 20)
const dataset = readFileSync(datasetPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
const native = readFileSync(nativePath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))

// The median of `iterations` timed runs (shared machines: a median shrugs
// off a neighbour's burst), after enough warm-up runs for V8 to optimize the
// code, so groq-js is measured at its best.
function time(fn) {
  for (let i = 0; i < 10; i++) fn()
  const times = []
  for (let i = 0; i < Math.max(1, iterations); i++) {
    const start = performance.now()
    fn()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

// Core's wasm module: a C ABI (qanat_alloc / qanat_call / qanat_dealloc), no imports.
const module = new WebAssembly.Module(readFileSync(wasmPath))
if (WebAssembly.Module.imports(module).length !== 0) throw new Error('core.wasm must not import anything')
const core = new WebAssembly.Instance(module, {}).exports
const encoder = new TextEncoder()
const decoder = new TextDecoder()
// The response as JSON text, as a host would forward it.
function callText(request) {
  const bytes = encoder.encode(JSON.stringify(request))
  const ptr = core.qanat_alloc(bytes.length)
  new Uint8Array(core.memory.buffer, ptr, bytes.length).set(bytes)
  const packed = core.qanat_call(ptr, bytes.length)
  core.qanat_dealloc(ptr, bytes.length)
  const outPtr = Number(packed >> 32n)
  const outLen = Number(packed & 0xffffffffn)
  const text = decoder.decode(new Uint8Array(core.memory.buffer, outPtr, outLen))
  core.qanat_dealloc(outPtr, outLen)
  return text
}
function call(request) {
  const response = JSON.parse(callText(request))
  if (response.error) throw new Error(JSON.stringify(response.error))
  return response.result
}
call({ op: 'setDataset', dataset })

const rows = []
for (const { name, query, ms: nativeMs } of native) {
  const tree = parse(query)
  const jsResult = evaluateSync(tree, { dataset }).data
  const wasmResult = call({ op: 'query', query })
  if (JSON.stringify(jsResult) !== JSON.stringify(wasmResult)) {
    throw new Error(`results differ for ${name}: groq-js ${JSON.stringify(jsResult).slice(0, 200)} / qanat ${JSON.stringify(wasmResult).slice(0, 200)}`)
  }
  const jsMs = time(() => JSON.stringify(evaluateSync(tree, { dataset }).data))
  const wasmMs = time(() => callText({ op: 'query', query }))
  rows.push({ name, jsMs, wasmMs, nativeMs })
}

const f = (n) => n.toFixed(2).padStart(9)
console.log(`GROQ on ${dataset.length} documents, median of ${iterations} runs (ms); ratios are groq-js time / Qanat time`)
console.log(`${'query'.padEnd(26)} ${'groq-js'.padStart(9)} ${'wasm'.padStart(9)} ${'native'.padStart(9)}  wasm x   native x`)
for (const r of rows) {
  console.log(`${r.name.padEnd(26)} ${f(r.jsMs)} ${f(r.wasmMs)} ${f(r.nativeMs)}  ${(r.jsMs / r.wasmMs).toFixed(1).padStart(6)}  ${(r.jsMs / r.nativeMs).toFixed(1).padStart(8)}`)
}

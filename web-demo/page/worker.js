// The playground's engine in a Web Worker, so that a slow query never
// freezes the page: Qanat's core (WebAssembly, built with wasm-bindgen)
// holding the dataset. Messages: {id, op: 'load' | 'query' | 'event', ...};
// every answer is {id, ...}.
import init, { Playground } from './qanat_web_demo.js'

const ready = init()
let playground

self.onmessage = async ({ data }) => {
  await ready
  playground ??= new Playground()
  try {
    if (data.op === 'load') {
      self.postMessage({ id: data.id, size: playground.load(data.text) })
    } else if (data.op === 'query') {
      const start = performance.now()
      const answer = playground.query(data.query, data.params, data.perspective)
      self.postMessage({ id: data.id, answer, ms: performance.now() - start })
    } else if (data.op === 'event') {
      self.postMessage({ id: data.id, changed: playground.apply_event(data.event), size: playground.size() })
    }
  } catch (e) {
    self.postMessage({ id: data.id, failure: String(e?.message ?? e) })
  }
}

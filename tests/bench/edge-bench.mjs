// Edge Worker against the native host on the same documents: query and
// mutation latency (p50/p99), printed side by side with the ratio edge /
// native. scripts/bench-edge.sh starts both servers and runs this with
// EDGE_URL, EDGE_TOKEN, NATIVE_URL and NATIVE_TOKEN set.
//
// node tests/bench/edge-bench.mjs [--docs N] [--iterations N] [--transactions N]
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '2000' },
    iterations: { type: 'string', default: '200' },
    transactions: { type: 'string', default: '200' },
  },
})
const docs = Number(args.docs)
const iterations = Number(args.iterations)
const transactions = Number(args.transactions)
for (const [name, n] of Object.entries({ docs, iterations, transactions })) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number above 0, not ${args[name]}`)
}

const hosts = ['EDGE', 'NATIVE'].map((name) => {
  const url = process.env[`${name}_URL`]
  const token = process.env[`${name}_TOKEN`]
  if (!url || !token) throw new Error(`${name}_URL and ${name}_TOKEN must be set (see scripts/bench-edge.sh)`)
  return { name: name.toLowerCase(), url, headers: { authorization: `Bearer ${token}` }, ping: [], query: [], cached: [], mutate: [] }
})
const [edge, native] = hosts

const DATA = '/v2025-02-19/data'
const CATEGORIES = ['tech', 'science', 'sports', 'culture', 'travel']
const QUERY = '*[_type == "article" && category == $c] | order(publishedAt desc)[0...20]'

async function call(host, path, init = {}) {
  // `wrangler dev` reloads the Worker when edge/build changes under it,
  // dropping the connection: name the host so that reads as what it is.
  const res = await fetch(host.url + path, { ...init, headers: { ...host.headers, ...init.headers } }).catch((e) => {
    throw new Error(`${host.name}: ${init.method || 'GET'} ${path.split('?')[0]} failed: ${e.cause?.message || e.message}`)
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${host.name}: ${init.method || 'GET'} ${path} answered ${res.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text)
}

// `n`, a parameter the query does not use, makes each request a new one to
// the edge's cache of answers (keyed by the query and its parameters).
const query = (host, c, n = 0) =>
  call(
    host,
    `${DATA}/query/production?query=${encodeURIComponent(QUERY)}&%24c=${encodeURIComponent(JSON.stringify(c))}&%24n=${n}`,
  )

const mutate = (host, documents) =>
  call(host, `${DATA}/mutate/production`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mutations: documents.map((doc) => ({ createOrReplace: doc })) }),
  })

// A distinct publishedAt per document, so `order(publishedAt desc)` has no
// ties and both hosts must agree on the exact page.
const START = Date.UTC(2024, 0, 1)
const article = (i, title = `Article ${i}`) => ({
  _id: `article-${i}`,
  _type: 'article',
  category: CATEGORIES[i % CATEGORIES.length],
  publishedAt: new Date(START + i * 60_000).toISOString(),
  title,
  wordCount: 300 + ((i * 37) % 2000),
})

for (let i = 0; i < docs; i += 100) {
  const batch = Array.from({ length: Math.min(100, docs - i) }, (_, k) => article(i + k))
  await Promise.all(hosts.map((host) => mutate(host, batch)))
}

const ids = (answer) => answer.result.map((doc) => doc._id)
const [edgeIds, nativeIds] = await Promise.all(hosts.map(async (host) => ids(await query(host, CATEGORIES[0]))))
if (JSON.stringify(edgeIds) !== JSON.stringify(nativeIds) || nativeIds.length === 0) {
  console.error(`the hosts disagree on the query:\n  edge   ${edgeIds.join(' ')}\n  native ${nativeIds.join(' ')}`)
  process.exit(1)
}

// Round i runs one request on each host, the first host swapped every
// round, so a burst of load on this shared machine lands on both and
// neither always gets the warmer caches. Unrecorded rounds warm up both
// (workerd instantiating the wasm, pooled connections, SQLite's page cache).
async function rounds(count, kind, request) {
  const warmup = 10
  for (let i = 0; i < warmup + count; i++) {
    for (const host of i % 2 ? [native, edge] : [edge, native]) {
      const start = performance.now()
      await request(host, i)
      if (i >= warmup) host[kind].push(performance.now() - start)
    }
  }
}
// The floor: a request that reads nothing (wrangler dev's local proxy and
// workerd against axum).
await rounds(iterations, 'ping', async (host) => {
  const res = await fetch(`${host.url}/ping`)
  await res.text()
})
// Every query new to the cache (what D1 and core cost), then the same five
// again and again (the edge answers from its cache; the native host, which
// has none, evaluates each).
await rounds(iterations, 'query', (host, i) => query(host, CATEGORIES[i % CATEGORIES.length], i + 1))
await rounds(iterations, 'cached', (host, i) => query(host, CATEGORIES[i % CATEGORIES.length]))
// Edits of loaded documents, so the dataset keeps its size.
await rounds(transactions, 'mutate', (host, i) => mutate(host, [article(i % docs, `Edited ${i}`)]))

// Nearest-rank percentile.
function percentile(times, p) {
  const sorted = [...times].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]
}
const ms = (n) => `${n.toFixed(1)} ms`
console.log(`${docs} documents, ${iterations} queries and ${transactions} one-document transactions per host, sequential`)
for (const [kind, label] of [['ping', 'ping'], ['query', 'query'], ['cached', 'repeated'], ['mutate', 'mutations']]) {
  const [e50, e99, n50, n99] = [edge, native].flatMap((host) => [0.5, 0.99].map((p) => percentile(host[kind], p)))
  console.log(
    `${label.padEnd(10)} edge p50 ${ms(e50)} p99 ${ms(e99)} | native p50 ${ms(n50)} p99 ${ms(n99)} | edge/native p50 ${(e50 / n50).toFixed(1)}x`,
  )
}

// The playground page: editors, the result pane, sharing, and loading (and
// following) a dataset from a Qanat server. Queries run in worker.js.

const $ = (id) => document.getElementById(id)
const ui = {
  query: $('query'), params: $('params'), perspective: $('perspective'), dataset: $('dataset'),
  datasetSize: $('dataset-size'), result: $('result'), meta: $('result-meta'),
  error: $('error'), errorQuery: $('error-query'), errorMessage: $('error-message'),
  serverUrl: $('server-url'), serverDataset: $('server-dataset'), serverToken: $('server-token'),
  serverLive: $('server-live'), serverLoad: $('server-load'), serverStatus: $('server-status'),
  share: $('share'), shareStatus: $('share-status'),
}

// --- The engine -----------------------------------------------------------
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
const pending = new Map()
let nextId = 0
worker.onmessage = ({ data }) => {
  const { resolve, reject } = pending.get(data.id)
  pending.delete(data.id)
  data.failure ? reject(new Error(data.failure)) : resolve(data)
}
const ask = (message) =>
  new Promise((resolve, reject) => {
    const id = nextId++
    pending.set(id, { resolve, reject })
    worker.postMessage({ ...message, id })
  })

// --- Running queries --------------------------------------------------------
let latest = 0
async function run() {
  const mine = ++latest
  const { answer, ms } = await ask({
    op: 'query', query: ui.query.value, params: ui.params.value, perspective: ui.perspective.value,
  })
  if (mine !== latest) return // a newer query has been asked for
  const body = JSON.parse(answer)
  if (body.error) return showError(body.error)
  ui.error.hidden = true
  const text = JSON.stringify(body.result, null, 2) ?? 'null'
  ui.result.replaceChildren(...render(body.result))
  ui.meta.textContent = `${new TextEncoder().encode(text).length.toLocaleString()} bytes · ${ms.toFixed(1)} ms`
}

// A parse error's `start`/`end` are byte offsets into the query's UTF-8;
// the page's strings count UTF-16 units.
function showError(error) {
  ui.result.replaceChildren()
  ui.meta.textContent = ''
  ui.error.hidden = false
  ui.errorMessage.textContent = `${error.type}: ${error.description}`
  const query = ui.query.value
  if (typeof error.start !== 'number') return ui.errorQuery.replaceChildren()
  const bytes = new TextEncoder().encode(query)
  const decode = (a, b) => new TextDecoder().decode(bytes.slice(a, b))
  const end = Math.max(error.end ?? error.start, error.start)
  const mark = document.createElement('mark')
  mark.textContent = decode(error.start, end)
  if (!mark.textContent) mark.className = 'at-end'
  ui.errorQuery.replaceChildren(decode(0, error.start), mark, decode(end))
}

// JSON as nodes: keys, strings, numbers coloured, and each string in its own
// <bdi dir="auto"> so Arabic and Hebrew values read right to left.
function render(value, indent = '') {
  const span = (cls, text) => Object.assign(document.createElement('span'), { className: cls, textContent: text })
  const string = (text, cls) => {
    const bdi = document.createElement('bdi')
    bdi.dir = 'auto'
    bdi.textContent = text
    const wrap = span(cls, '"')
    wrap.append(bdi, '"')
    return wrap
  }
  if (value === null) return [span('null', 'null')]
  if (typeof value === 'string') return [string(value, 'string')]
  if (typeof value !== 'object') return [span(typeof value, String(value))]
  const inner = indent + '  '
  const entries = Array.isArray(value) ? value.map((v) => [null, v]) : Object.entries(value)
  if (entries.length === 0) return [Array.isArray(value) ? '[]' : '{}']
  const nodes = [Array.isArray(value) ? '[\n' : '{\n']
  entries.forEach(([key, v], i) => {
    nodes.push(inner)
    if (key !== null) nodes.push(string(key, 'key'), ': ')
    nodes.push(...render(v, inner), i < entries.length - 1 ? ',\n' : '\n')
  })
  nodes.push(indent + (Array.isArray(value) ? ']' : '}'))
  return nodes
}

// --- The dataset --------------------------------------------------------------
async function loadDataset(text) {
  try {
    const { size } = await ask({ op: 'load', text })
    showSize(size)
  } catch (e) {
    ui.datasetSize.textContent = `(${e.message})`
  }
  await run()
}

const showSize = (size) => {
  ui.datasetSize.textContent = `(${size.toLocaleString()} document${size === 1 ? '' : 's'})`
}

const debounce = (fn, ms) => {
  let timer
  return () => {
    clearTimeout(timer)
    timer = setTimeout(fn, ms)
  }
}
ui.query.addEventListener('input', debounce(run, 150))
ui.params.addEventListener('input', debounce(run, 150))
ui.perspective.addEventListener('change', run)
ui.dataset.addEventListener('input', debounce(() => loadDataset(ui.dataset.value), 300))

// --- Loading from a server, and staying live ------------------------------------
let listening
ui.serverLoad.addEventListener('click', async () => {
  listening?.abort()
  listening = new AbortController()
  const base = ui.serverUrl.value.replace(/\/+$/, '')
  const dataset = encodeURIComponent(ui.serverDataset.value.trim() || 'production')
  const headers = ui.serverToken.value ? { authorization: `Bearer ${ui.serverToken.value}` } : {}
  const api = `${base}/v2025-02-19/data`
  try {
    // Listen first, so no change falls between the export and the stream;
    // a change the export already holds is recognised by its revision.
    if (ui.serverLive.checked) await listen(`${api}/listen/${dataset}`, headers, listening.signal)
    const response = await fetch(`${api}/export/${dataset}`, { headers })
    if (!response.ok) throw new Error(`export answered ${response.status}`)
    const text = await response.text()
    ui.dataset.value = text.length < 200_000 ? text : ''
    await loadDataset(text)
    ui.serverStatus.textContent = `Loaded from ${base}${ui.serverLive.checked ? ', live' : ''}`
  } catch (e) {
    ui.serverStatus.textContent = `Could not load: ${e.message}`
  }
})

// Server-sent events read from fetch (EventSource cannot send a token).
// Resolves once the server's `welcome` arrives.
function listen(url, headers, signal) {
  return new Promise((welcomed, failed) => {
    const query = encodeURIComponent('*[defined(_id)]')
    fetch(`${url}?query=${query}&effectFormat=mendoza&includeResult=false`, { headers, signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`listen answered ${response.status}`)
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) return
          buffer += value
          let end
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const field = (name) => block.split('\n').find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim()
            const kind = field('event')
            if (kind === 'welcome') welcomed()
            if (kind === 'mutation') {
              // The engine's copy follows the server; the editor keeps what
              // was loaded.
              const { changed, size } = await ask({ op: 'event', event: field('data') })
              showSize(size)
              if (changed) await run()
            }
          }
        }
      })
      .catch((e) => {
        if (e.name !== 'AbortError') ui.serverStatus.textContent = `Live updates stopped: ${e.message}`
        failed(e)
      })
  })
}

// --- Sharing -------------------------------------------------------------------
// The query, params, perspective and (when small) the dataset, as base64url
// of their JSON in the URL's fragment, which is never sent to a server.
const MAX_SHARED_DATASET = 8_000
const encode = (state) => {
  const bytes = new TextEncoder().encode(JSON.stringify(state))
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}
const decode = (text) => {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))))
}
ui.share.addEventListener('click', async () => {
  const state = { q: ui.query.value, p: ui.params.value, v: ui.perspective.value }
  if (ui.dataset.value.length <= MAX_SHARED_DATASET) state.d = ui.dataset.value
  history.replaceState(null, '', `#${encode(state)}`)
  try {
    await navigator.clipboard.writeText(location.href)
    ui.shareStatus.textContent = 'Link copied.'
  } catch {
    ui.shareStatus.textContent = 'The link is in the address bar.'
  }
})

// --- Start -----------------------------------------------------------------------
async function start() {
  let shared = {}
  try {
    if (location.hash.length > 1) shared = decode(location.hash.slice(1))
  } catch {
    ui.shareStatus.textContent = 'The link could not be read; starting afresh.'
  }
  ui.query.value = shared.q ?? '*[_type == "post" && views > $min] | order(views desc){title, "author": author->name}'
  ui.params.value = shared.p ?? '{"min": 100}'
  ui.perspective.value = shared.v ?? 'published'
  ui.serverUrl.value = location.origin
  ui.dataset.value = shared.d ?? (await (await fetch(new URL('./sample.json', import.meta.url))).text())
  await loadDataset(ui.dataset.value)
  document.body.dataset.ready = 'true'
}
start()

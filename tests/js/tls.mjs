// HTTP/2 over TLS against `qanat serve --dev-tls` (or --tls-cert): the
// client trusts the server's own certificate (no verification turned off),
// negotiates h2 by ALPN, reads a listener's stream over h2 while a mutation
// is sent on the same connection, and falls back to HTTP/1.1 over TLS when
// it offers only that.
// Usage: node tls.mjs <https://127.0.0.1:port> <ca.pem> <token>
import assert from 'node:assert/strict'
import fs from 'node:fs'
import http2 from 'node:http2'
import https from 'node:https'

const [url, caPath, token] = process.argv.slice(2)
const ca = fs.readFileSync(caPath)
const v = '/v2025-02-19'

function request(session, headers, body) {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers)
    let status = 0
    let text = ''
    stream.setEncoding('utf8')
    stream.on('response', (h) => (status = h[':status']))
    stream.on('data', (chunk) => (text += chunk))
    stream.on('end', () => resolve({status, text}))
    stream.on('error', reject)
    stream.end(body)
  })
}

const session = http2.connect(url, {ca, servername: 'localhost'})
await new Promise((resolve, reject) => {
  session.once('connect', resolve)
  session.once('error', reject)
})
assert.equal(session.alpnProtocol, 'h2', 'the server speaks HTTP/2')

const ping = await request(session, {':path': `${v}/ping`})
assert.deepEqual([ping.status, ping.text], [200, 'PONG'])

// A listener, then a mutation on the same connection; the event arrives on the stream.
const query = encodeURIComponent('*[_type == "tlsprobe"]')
const listen = session.request({':path': `${v}/data/listen/production?query=${query}`, authorization: `Bearer ${token}`})
listen.setEncoding('utf8')
let received = ''
listen.on('data', (chunk) => (received += chunk))
const seen = async (needle) => {
  const deadline = Date.now() + 10000
  while (!received.includes(needle)) {
    if (Date.now() > deadline) throw new Error(`no ${needle} in ${received}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
await seen('event: welcome')
const id = `probe-${process.pid}-${Date.now()}`
const mutate = await request(
  session,
  {':method': 'POST', ':path': `${v}/data/mutate/production`, authorization: `Bearer ${token}`, 'content-type': 'application/json'},
  JSON.stringify({mutations: [{create: {_id: id, _type: 'tlsprobe'}}]}),
)
assert.equal(mutate.status, 200, mutate.text)
await seen(id)
assert.ok(received.includes('event: mutation'), received)
listen.close()
session.close()

// A client that offers only HTTP/1.1 gets HTTP/1.1 over TLS.
const old = await new Promise((resolve, reject) => {
  https
    .get(`${url}${v}/ping`, {ca, servername: 'localhost', ALPNProtocols: ['http/1.1']}, (res) => {
      let text = ''
      const alpn = res.socket.alpnProtocol
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({status: res.statusCode, text, alpn, version: res.httpVersion}))
    })
    .on('error', reject)
})
assert.deepEqual(old, {status: 200, text: 'PONG', alpn: 'http/1.1', version: '1.1'})
console.log('ok')

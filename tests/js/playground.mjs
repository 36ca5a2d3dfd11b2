// The GROQ playground in headless Chromium (Debian's, driven by
// playwright-core), against a running `qanat serve`: a typed query gives
// its result, a broken one underlines the span the parser names, and a
// dataset loaded from the server follows its changes live. Run by
// native-host/tests/playground.rs with QANAT_URL, ADMIN_TOKEN and
// ARTIFACTS_DIR (where the screenshot goes). Exits non-zero on a failure.
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { chromium } from 'playwright-core'

const url = process.env.QANAT_URL
const token = process.env.ADMIN_TOKEN
const artifacts = process.env.ARTIFACTS_DIR
const api = `${url}/v2025-02-19/data`
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
const failures = []
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`))
  await page.goto(`${url}/playground`)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 })
  const result = async () => JSON.parse(await page.textContent('#result'))
  const until = async (what, check, ms = 10_000) => {
    const deadline = Date.now() + ms
    let last
    while (Date.now() < deadline) {
      try {
        last = await check()
        return last
      } catch (e) {
        last = e
      }
      await page.waitForTimeout(100)
    }
    throw new Error(`${what}: ${last?.message ?? last}`)
  }

  // A typed query over the sample dataset, Arabic values isolated.
  await page.fill('#query', '*[_type == "author"] | order(name).name')
  await until('the typed query', async () => assert.deepEqual(await result(), ['Layla Haddad', 'ليلى حداد']))
  assert.equal(await page.getAttribute('#result bdi:has-text("ليلى")', 'dir'), 'auto')
  assert.match(await page.textContent('#result-meta'), /bytes · [\d.]+ ms/)
  console.log('ok   a typed query gives its result')

  // A broken query: the span the server's parser names is the one underlined.
  const broken = '*[title == "مرحبا" && nope(1)]'
  const answer = await (await fetch(`${api}/query/production?query=${encodeURIComponent(broken)}`, { headers })).json()
  assert.equal(answer.error.type, 'queryParseError')
  // Byte offsets past Arabic text: the page must count them as the server does.
  const expected = Buffer.from(broken).subarray(answer.error.start, answer.error.end).toString()
  assert.equal(expected, 'nope(1)')
  await page.fill('#query', broken)
  await until('the error span', async () => {
    assert.equal(await page.isVisible('#error'), true)
    assert.equal(await page.textContent('#error mark'), expected)
  })
  assert.match(await page.textContent('#error-message'), /queryParseError/)
  console.log(`ok   a broken query underlines ${JSON.stringify(expected)}`)

  // Load from the server and stay live while the API changes a document.
  const mutate = async (mutations) => {
    const res = await fetch(`${api}/mutate/production`, { method: 'POST', headers, body: JSON.stringify({ mutations }) })
    assert.equal(res.status, 200, await res.text())
  }
  await mutate([{ createOrReplace: { _id: 'live-1', _type: 'live', title: 'first' } }])
  await page.fill('#server-url', url)
  await page.fill('#server-token', token)
  await page.check('#server-live')
  await page.click('#server-load')
  await until('loading from the server', async () => assert.match(await page.textContent('#server-status'), /Loaded/))
  await page.fill('#query', '*[_type == "live"] | order(_id).title')
  await until('the loaded dataset', async () => assert.deepEqual(await result(), ['first']))
  await mutate([{ patch: { id: 'live-1', set: { title: 'مرحبا بالعالم' } } }])
  await until('a live change', async () => assert.deepEqual(await result(), ['مرحبا بالعالم']))
  await mutate([{ create: { _id: 'live-2', _type: 'live', title: 'second' } }])
  await until('a live creation', async () => assert.deepEqual(await result(), ['مرحبا بالعالم', 'second']))
  console.log('ok   a dataset loaded from the server follows its changes')
  mkdirSync(artifacts, { recursive: true })
  await page.screenshot({ path: `${artifacts}/playground.png`, fullPage: true })

  // Sharing: the link carries the query and params.
  await page.fill('#params', '{"min": 7}')
  await page.click('#share')
  const shared = page.url()
  const other = await browser.newPage()
  await other.goto(shared)
  await other.waitForSelector('body[data-ready="true"]')
  assert.equal(await other.inputValue('#query'), '*[_type == "live"] | order(_id).title')
  assert.equal(await other.inputValue('#params'), '{"min": 7}')
  console.log('ok   a shared link restores the query')
} catch (e) {
  failures.push(e.stack ?? String(e))
} finally {
  await browser.close()
}
if (failures.length) {
  console.error(failures.join('\n'))
  process.exit(1)
}

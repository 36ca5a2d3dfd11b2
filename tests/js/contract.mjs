// The HTTP contract, driven by the real `@sanity/client` against a running
// Qanat. Run by native-host/tests/contract.rs (SQLite, PostgreSQL) and by
// tests/tests/edge_worker.rs (the Worker under wrangler dev)
// with:
//   QANAT_URL           e.g. http://127.0.0.1:4711
//   ADMIN_TOKEN, VIEWER_TOKEN, CONTRIBUTOR_TOKEN, RESTRICTED_TOKEN
//                       (RESTRICTED: a custom role that reads only documents
//                        without `secret == true`)
// Prints one line per check and exits non-zero on the first failure.
import assert from 'node:assert/strict'
import {createClient} from '@sanity/client'
import {applyPatch} from 'mendoza'

const url = process.env.QANAT_URL
const dataset = 'production'
const apiVersion = '2025-02-19'
const client = (token) =>
  createClient({
    projectId: 'qanat',
    dataset,
    apiHost: url,
    useProjectHostname: false,
    apiVersion,
    token,
    useCdn: false,
  })
const admin = client(process.env.ADMIN_TOKEN)
const viewer = client(process.env.VIEWER_TOKEN)
const contributor = client(process.env.CONTRIBUTOR_TOKEN)
const restricted = client(process.env.RESTRICTED_TOKEN)
// A run of this suite leaves its own documents behind: prefix them.
const run = `c${Date.now().toString(36)}`

const checks = []
function check(name, fn) {
  checks.push({name, fn})
}

async function rejectsWith(promise, status) {
  try {
    await promise
  } catch (err) {
    assert.equal(err.statusCode, status, `expected ${status}, got ${err.statusCode}: ${err.message}`)
    return err
  }
  assert.fail(`expected a ${status} error, but the request succeeded`)
}

check('create, createOrReplace, createIfNotExists, getDocument', async () => {
  const id = `${run}-a`
  const created = await admin.create({_id: id, _type: 'post', title: 'سلام', n: 1})
  assert.equal(created._id, id)
  assert.equal(created.title, 'سلام')
  assert.ok(created._rev && created._createdAt && created._updatedAt)
  await admin.createIfNotExists({_id: id, _type: 'post', title: 'ignored'})
  assert.equal((await admin.getDocument(id)).title, 'سلام')
  await admin.createOrReplace({_id: `${run}-b`, _type: 'post', title: 'b', n: 2})
  await admin.createOrReplace({_id: `${run}-b`, _type: 'post', title: 'b2', n: 2})
  assert.equal((await admin.getDocument(`${run}-b`)).title, 'b2')
  const docs = await admin.getDocuments([id, `${run}-missing`])
  assert.equal(docs[0]._id, id)
  assert.equal(docs[1], null)
})

check('patch: every operation', async () => {
  const id = `${run}-p`
  await admin.create({_id: id, _type: 'post', n: 10, tags: ['a', 'c'], body: 'hello world', gone: 1})
  const doc = await admin
    .patch(id)
    .set({title: 'set'})
    .setIfMissing({title: 'not this', extra: 'yes'})
    .inc({n: 5})
    .dec({n: 2})
    .unset(['gone'])
    .insert('after', 'tags[0]', ['b'])
    .diffMatchPatch({body: '@@ -1,11 +1,11 @@\n-hello\n+HELLO\n  world\n'})
    .commit()
  assert.equal(doc.title, 'set')
  assert.equal(doc.extra, 'yes')
  assert.equal(doc.n, 13)
  assert.equal(doc.gone, undefined)
  assert.deepEqual(doc.tags, ['a', 'b', 'c'])
  assert.equal(doc.body, 'HELLO world')
})

check('transaction: all or nothing', async () => {
  const res = await admin
    .transaction()
    .create({_id: `${run}-t1`, _type: 'post', n: 3})
    .create({_id: `${run}-t2`, _type: 'post', n: 4})
    .commit({returnIds: true})
  assert.deepEqual([...res.documentIds].sort(), [`${run}-t1`, `${run}-t2`])
  // The second create fails, so the first must not land either.
  await rejectsWith(
    admin
      .transaction()
      .create({_id: `${run}-t3`, _type: 'post'})
      .create({_id: `${run}-t1`, _type: 'post'})
      .commit(),
    409,
  )
  assert.equal(await admin.getDocument(`${run}-t3`), undefined)
})

check('fetch with params and perspectives', async () => {
  await admin.create({_id: `drafts.${run}-a`, _type: 'post', title: 'draft title', n: 1})
  const raw = await admin.fetch('*[_type == $t && _id match $prefix] | order(_id) {_id, title}', {
    t: 'post',
    prefix: `${run}-a*`,
  })
  assert.deepEqual(raw, [{_id: `${run}-a`, title: 'سلام'}])
  const drafts = await admin.fetch('*[_id == $id][0].title', {id: `${run}-a`}, {perspective: 'drafts'})
  assert.equal(drafts, 'draft title')
  const published = await admin.fetch(
    'count(*[_id in [$a, $d]])',
    {a: `${run}-a`, d: `drafts.${run}-a`},
    {perspective: 'published'},
  )
  assert.equal(published, 1)
  await rejectsWith(admin.fetch('*[_type == '), 400)
})

check('ifRevisionID: a stale revision gets 409', async () => {
  const id = `${run}-rev`
  const doc = await admin.create({_id: id, _type: 'post', n: 1})
  await admin.patch(id, {ifRevisionID: doc._rev}).inc({n: 1}).commit()
  const err = await rejectsWith(admin.patch(id, {ifRevisionID: doc._rev}).inc({n: 1}).commit(), 409)
  assert.equal(err.response.body.error.type, 'mutationError')
  assert.equal((await admin.getDocument(id)).n, 2)
})

check('delete', async () => {
  await admin.delete(`${run}-b`)
  assert.equal(await admin.getDocument(`${run}-b`), undefined)
})

check('listen with mendoza effects reproduces every result', async () => {
  const id = `${run}-live`
  const events = []
  let welcomed
  const welcome = new Promise((resolve) => (welcomed = resolve))
  let done
  const finished = new Promise((resolve, reject) => {
    done = resolve
    setTimeout(() => reject(new Error(`only ${events.length} of 4 events arrived`)), 15000)
  })
  const subscription = admin
    .listen(
      '*[_type == "live" && _id == $id]',
      {id},
      {effectFormat: 'mendoza', includeResult: true, events: ['welcome', 'mutation']},
    )
    .subscribe({
      next: (event) => {
        if (event.type === 'welcome') welcomed()
        if (event.type === 'mutation') {
          events.push(event)
          if (events.length === 4) done()
        }
      },
      error: (err) => done(Promise.reject(err)),
    })
  await welcome
  await admin.create({_id: id, _type: 'live', title: 'مرحبا', items: [{_key: 'k1', v: 1}]})
  await admin.patch(id).set({'items[_key=="k1"].v': 2, emoji: '😀'}).commit()
  await admin.patch(id).insert('after', 'items[-1]', [{_key: 'k2', v: 3}]).commit()
  await admin.delete(id)
  await finished
  subscription.unsubscribe()
  assert.deepEqual(
    events.map((e) => e.transition),
    ['appear', 'update', 'update', 'disappear'],
  )
  let doc = null
  for (const [i, event] of events.entries()) {
    assert.ok(event.effects, `event ${i} has effects`)
    doc = applyPatch(doc, event.effects.apply) ?? null
    assert.deepEqual(doc, event.result ?? null, `event ${i}: effects give the result`)
    if (i > 0) assert.equal(event.previousRev, events[i - 1].resultRev)
  }
})

check('export is NDJSON of the documents', async () => {
  const res = await fetch(`${url}/v${apiVersion}/data/export/${dataset}`, {
    headers: {authorization: `Bearer ${process.env.ADMIN_TOKEN}`},
  })
  assert.equal(res.status, 200)
  const ids = (await res.text())
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l)._id)
  assert.ok(ids.includes(`${run}-a`) && ids.includes(`${run}-t1`), 'exported ids')
  assert.ok(!ids.includes(`${run}-b`), 'deleted documents are not exported')
})

check('grants: a viewer reads but cannot write', async () => {
  assert.equal((await viewer.getDocument(`${run}-a`)).title, 'سلام')
  await rejectsWith(viewer.create({_id: `${run}-v`, _type: 'post'}), 403)
  await rejectsWith(viewer.patch(`${run}-a`).set({title: 'x'}).commit(), 403)
})

check('grants: a contributor writes drafts but cannot publish', async () => {
  await contributor.create({_id: `drafts.${run}-c`, _type: 'post', title: 'c'})
  await rejectsWith(contributor.create({_id: `${run}-c`, _type: 'post', title: 'c'}), 403)
  await rejectsWith(
    contributor.action({
      actionType: 'sanity.action.document.publish',
      draftId: `drafts.${run}-c`,
      publishedId: `${run}-c`,
    }),
    403,
  )
  // An administrator may.
  await admin.action({
    actionType: 'sanity.action.document.publish',
    draftId: `drafts.${run}-c`,
    publishedId: `${run}-c`,
  })
  assert.equal((await admin.getDocument(`${run}-c`)).title, 'c')
  assert.equal(await admin.getDocument(`drafts.${run}-c`), undefined)
})

check('grants: a restricted role never sees a hidden document', async () => {
  const hidden = `${run}-secret`
  await admin.create({_id: hidden, _type: 'secretive', secret: true, author: {_ref: `${run}-a`}})
  await admin.create({_id: `${run}-open`, _type: 'secretive', ref: {_ref: hidden}})
  // A listener of the restricted role hears the open document, never the secret one.
  const heard = []
  let welcomed
  const welcome = new Promise((resolve) => (welcomed = resolve))
  const subscription = restricted
    .listen('*[_type == "secretive"]', {}, {events: ['welcome', 'mutation']})
    .subscribe({
      next: (e) => (e.type === 'welcome' ? welcomed() : heard.push(e.documentId)),
    })
  await welcome
  await admin.patch(hidden).set({n: 1}).commit()
  await admin.patch(`${run}-open`).set({n: 1}).commit()
  const deadline = Date.now() + 10000
  while (!heard.includes(`${run}-open`) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50))
  }
  subscription.unsubscribe()
  assert.deepEqual(heard, [`${run}-open`], 'the listener hears only the readable document')
  const rev = (await admin.getDocument(hidden))._rev
  const history = await fetch(
    `${url}/v${apiVersion}/data/history/${dataset}/documents/${hidden}?revision=${rev}`,
    {headers: {authorization: `Bearer ${process.env.RESTRICTED_TOKEN}`}},
  )
  const historyText = await history.text()
  assert.ok(!historyText.includes('"secret":true'), `history hides it: ${historyText}`)
  assert.equal(await restricted.fetch('count(*[_type == "secretive"])'), 1)
  assert.equal(await restricted.fetch('*[_id == $id][0]', {id: hidden}), null)
  assert.equal(await restricted.fetch('*[_id == $id][0].ref->_id', {id: `${run}-open`}), null)
  assert.equal(await restricted.getDocument(hidden), undefined)
  const res = await fetch(`${url}/v${apiVersion}/data/export/${dataset}`, {
    headers: {authorization: `Bearer ${process.env.RESTRICTED_TOKEN}`},
  })
  const exported = (await res.text())
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l)._id)
  assert.ok(exported.includes(`${run}-open`), 'export has the readable document')
  assert.ok(!exported.includes(hidden), 'export hides the secret one')
})

let failed = 0
for (const {name, fn} of checks) {
  try {
    await fn()
    console.log(`ok   ${name}`)
  } catch (err) {
    failed++
    console.log(`FAIL ${name}\n     ${String(err.stack || err).split('\n').join('\n     ')}`)
  }
}
console.log(`${checks.length - failed} of ${checks.length} contract checks passed`)
process.exit(failed ? 1 : 0)

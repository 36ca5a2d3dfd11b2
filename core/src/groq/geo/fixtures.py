"""Regenerates fixtures.json: every test of the compiled GROQ test suite with
`features: [geoFunctions]`, lowered to the small expression language that
tests.rs evaluates with direct calls into this module (described there).

    python3 fixtures.py path/to/suite-HEAD-0445fe5.ndjson.gz > fixtures.json

The queries are parsed (a GROQ subset: literals, calls, `!`, comparisons,
`*[_id == "d"]` filters and projections, `| order(...)`) and document
fields are replaced by the dataset's values, so nothing here needs the
evaluator. Shapes are stored once in `values` and referenced by index.
"""
import gzip, json, re, sys

SUITE = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/reference/groq-test-suite/suite-HEAD-0445fe5.ndjson.gz'
ds = {}; tests = []
for line in gzip.open(SUITE, 'rt'):
    e = json.loads(line)
    if e['_type'] == 'dataset': ds[e['_id']] = e
    elif 'geoFunctions' in (e.get('features') or []): tests.append(e)

# ---- tokenizer ----
TOK = re.compile(r'\s*(?:(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>::|==|!=|<=|>=|\^\.|\.\.\.|[()\[\]{},:<>!*|.^])|(?P<id>[A-Za-z_][A-Za-z0-9_]*))')
def tokenize(s):
    pos = 0; out = []
    s = s.strip()
    while pos < len(s):
        m = TOK.match(s, pos)
        if not m or m.end() == pos: raise ValueError('lex at %r' % s[pos:pos+20])
        pos = m.end()
        for k in ('num', 'str', 'op', 'id'):
            if m.group(k) is not None: out.append((k, m.group(k))); break
    return out

class P:
    def __init__(self, s): self.t = tokenize(s); self.i = 0
    def peek(self, k=0): return self.t[self.i+k] if self.i+k < len(self.t) else (None, None)
    def eat(self, v=None):
        tok = self.peek()
        if v is not None and tok[1] != v: raise ValueError('expected %s got %s' % (v, tok))
        self.i += 1; return tok
    def done(self): return self.i >= len(self.t)
    # expr := unary (cmpop unary)? ('|' 'order' ...)?
    def expr(self):
        l = self.unary()
        if self.peek()[1] in ('==', '!=', '<', '<=', '>', '>='):
            op = self.eat()[1]; r = self.unary(); l = ('cmp', op, l, r)
        if self.peek()[1] == '|':
            self.eat('|'); self.eat('order'); self.eat('(')
            key = self.expr(); desc = False
            if self.peek()[1] == 'desc': self.eat(); desc = True
            self.eat(')'); l = ('order', l, key, desc); l = self.postfix(l)
        return l
    def unary(self):
        if self.peek()[1] == '!':
            self.eat('!'); return ('not', self.unary())
        return self.postfix(self.primary())
    def postfix(self, e):
        while True:
            v = self.peek()[1]
            if v == '[':
                self.eat('[')
                if self.peek()[1] == ']': self.eat(']'); e = ('flat', e); continue
                if self.peek()[0] == 'num' and self.peek(1)[1] == ']':
                    n = int(self.eat()[1]); self.eat(']'); e = ('index', e, n); continue
                f = self.expr(); self.eat(']'); e = ('filter', e, f)
            elif v == '.':
                self.eat('.'); e = ('attr', e, self.eat()[1])
            elif v == '{' and e[0] in ('filter', 'star'):
                e = ('project', e, self.object())
            else: return e
    def object(self):
        self.eat('{'); items = []
        while self.peek()[1] != '}':
            k = json.loads(self.eat()[1]); self.eat(':'); v = self.expr(); items.append((k, v))
            if self.peek()[1] == ',': self.eat(',')
        self.eat('}'); return ('object', items)
    def primary(self):
        k, v = self.peek()
        if v == '(':
            self.eat('('); e = self.expr(); self.eat(')'); return e
        if v == '*': self.eat(); return ('star',)
        if v == '{': return self.object()
        if v == '[':
            self.eat('['); items = []
            while self.peek()[1] != ']':
                items.append(self.expr())
                if self.peek()[1] == ',': self.eat(',')
            self.eat(']'); return ('array', items)
        if k == 'num': self.eat(); return ('const', json.loads(v))
        if k == 'str': self.eat(); return ('const', json.loads(v))
        if v == '^.': self.eat(); return ('parent', self.eat()[1])
        if k == 'id':
            self.eat()
            if v in ('true', 'false', 'null'): return ('const', json.loads(v))
            name = v
            if self.peek()[1] == '::': self.eat(); name += '::' + self.eat()[1]
            if self.peek()[1] == '(':
                self.eat('('); args = []
                while self.peek()[1] != ')':
                    args.append(self.expr())
                    if self.peek()[1] == ',': self.eat(',')
                self.eat(')'); return ('call', name, args)
            return ('field', name)
        raise ValueError('primary %r' % (self.peek(),))

def const_value(e):
    """A literal subtree as a JSON value, or raise."""
    if e[0] == 'const': return e[1]
    if e[0] == 'object': return {k: const_value(v) for k, v in e[1]}
    if e[0] == 'array': return [const_value(v) for v in e[1]]
    raise ValueError('not const')

values = []; index = {}
def vref(v):
    key = json.dumps(v, sort_keys=False, separators=(',', ':'))
    if key not in index: index[key] = len(values); values.append(v)
    return index[key]

FN = {'geo': 'geo', 'geo::latLng': 'latLng', 'geo::contains': 'contains',
      'geo::intersects': 'intersects', 'geo::distance': 'distance'}

def lower(e, docs, cur):
    """Lower a scalar expression to the fixture language. `cur` is the
    document in scope (for bare fields), `docs` all documents by _id."""
    try: return ['v', vref(const_value(e))]
    except ValueError: pass
    t = e[0]
    if t == 'call' and e[1] in FN:
        return [FN[e[1]]] + [lower(a, docs, cur) for a in e[2]]
    if t == 'not': return ['not', lower(e[1], docs, cur)]
    if t == 'cmp': return [e[1], lower(e[2], docs, cur), lower(e[3], docs, cur)]
    if t == 'field':
        v = (cur or {}).get(e[1]); return ['v', vref(v)]
    if t == 'parent':
        # the only parent reference in the suite is ^.f_N from a nested filter;
        # field names are unique per generated document.
        for d in docs.values():
            if e[1] in d: return ['v', vref(d[e[1]])]
        return ['v', vref(None)]
    if t == 'attr' and e[1][0] == 'index' and e[1][2] == 0:
        did = select_id(e[1][1]); d = docs.get(did, {})
        return ['v', vref(d.get(e[2]))]
    raise ValueError('cannot lower %r' % (e,))

def select_id(e):
    # ('filter', ('star',), ('cmp','==',('field','_id'),('const', id)))
    assert e[0] == 'filter' and e[1] == ('star',) and e[2][0] == 'cmp' and e[2][2] == ('field', '_id')
    return e[2][3][1]

cases = []
for t in tests:
    dset = ds[t['dataset']['_ref']]
    docs = {d['_id']: d for d in dset.get('documents') or []}
    ast = P(t['query']).expr()
    tid = t['_id'].replace('test-', '', 1)
    exp = t['result']
    if ast[0] == 'attr' and ast[2] == '_id' and ast[1][0] == 'flat' and ast[1][1][0] == 'filter' \
            and ast[1][1][1][0] == 'filter':
        # *[_id == "d-N"][F][]._id : the document passes iff F is true
        did = select_id(ast[1][1][1]); f = lower(ast[1][1][2], docs, docs[did])
        assert exp in ([], [did]), exp
        cases.append([tid, 'filter', f, exp == [did]])
    elif ast[0] == 'project':
        # *[_id == "d-M"]{"children": *[_id == "d-N"][F][]._id}
        outer = select_id(ast[1]); (key, inner), = ast[2][1]
        assert inner[0] == 'attr' and inner[1][0] == 'flat'
        flt = inner[1][1]; did = select_id(flt[1]); f = lower(flt[2], docs, docs[did])
        got = exp[0][key]; assert got in ([], [did])
        cases.append([tid, 'filter', f, got == [did]])
    elif ast[0] == 'attr' and ast[1][0] == 'flat' and ast[1][1][0] == 'order':
        o = ast[1][1]; sel = o[1]
        assert sel[0] == 'filter' and sel[2][2] == ('field', '_type')
        ty = sel[2][3][1]
        # `*` yields documents in _id order (Sanity's default), which is what
        # the expected tie order for equal keys shows.
        rows = sorted((d for d in docs.values() if d.get('_type') == ty), key=lambda d: d['_id'])
        keys = [[d['_id'], lower(o[2], docs, d)] for d in rows]
        cases.append([tid, 'order', keys, o[3], exp])
    elif ast[0] == 'call' and ast[1] == 'array::intersects':
        args = []
        for a in ast[2]:
            if a[0] == 'array':
                args.append(['arr'] + [lower(x, docs, None) for x in a[1]])
            else: args.append(lower(a, docs, None))
        cases.append([tid, 'array_intersects', args, exp])
    else:
        cases.append([tid, 'eq', lower(ast, docs, None), exp])

out = {'_comment': 'Generated from groq-test-suite suite-HEAD-0445fe5.ndjson.gz: every test with features [geoFunctions], lowered to direct calls. values[i] is referenced as ["v", i].',
       'values': values, 'cases': cases}
s = json.dumps(out, separators=(',', ':'))
sys.stdout.write(s)
print(len(cases), 'cases', len(values), 'values', len(s), 'bytes', file=sys.stderr)

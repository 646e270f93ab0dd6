// Typed metadata filters in the browser, with the Java store's semantics (docs/store.md, "Filter expressions"):
// the JSON form of the HTTP API's `where` ({"field": "n", "op": "gte", "value": 30}, in / notIn, contains,
// and / or / not), or the same text expression as the CLI's --filter (parseFilterText). A missing field fails
// eq/gt/gte/lt/lte/in/contains and passes ne/notIn; comparing a number with a string field (or the reverse, or a
// boolean with either) is an error, raised, as in Java, only for a document that would rank.
// One difference: JavaScript reads JSON numbers as doubles, so integers beyond 2^53 compare approximately.

export class FilterError extends Error {
  constructor(message) {
    super(message);
    this.name = 'FilterError';
  }
}

const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'];
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function only(n, at, keys) {
  for (const k of Object.keys(n)) {
    if (!keys.includes(k)) throw new FilterError(`${at}: unexpected key '${k}'`);
  }
}

function value(v, at) {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw new FilterError(`${at}: a value must be a JSON string, number or boolean`);
}

/**
 * Checks a filter in the JSON form and returns a compiled predicate tree (errors name the spot, as the server's).
 * @returns {{test: (metadata) => boolean, fields: string[]}}
 */
export function compileFilter(where, at = 'filter') {
  const fields = new Set();
  const node = compile(where, at, fields, 0);
  return { test: (m) => node(isObject(m) ? m : null), fields: [...fields] };
}

function compile(n, at, fields, depth) {
  if (depth > 64) throw new FilterError(`${at}: nested deeper than 64 levels`);
  if (!isObject(n)) throw new FilterError(`${at}: a filter must be a JSON object`);
  if ('and' in n || 'or' in n) {
    const op = 'and' in n ? 'and' : 'or';
    only(n, at, [op]);
    const arr = n[op];
    if (!Array.isArray(arr) || arr.length < 2) throw new FilterError(`${at}.${op}: needs an array of at least two filters`);
    const parts = arr.map((x, i) => compile(x, `${at}.${op}[${i}]`, fields, depth + 1));
    // left to right with short cuts, like Java's nested And / Or, so the same rows meet the same type errors
    return op === 'and' ? (m) => parts.every((p) => p(m)) : (m) => parts.some((p) => p(m));
  }
  if ('not' in n) {
    only(n, at, ['not']);
    const inner = compile(n.not, `${at}.not`, fields, depth + 1);
    return (m) => !inner(m);
  }
  const field = n.field;
  if (typeof field !== 'string' || field.trim() === '') {
    throw new FilterError(`${at}: needs "field" (a non-blank string), or one of "and", "or", "not"`);
  }
  fields.add(field);
  const get = (m) => (m === null || m[field] === undefined || m[field] === null ? undefined : m[field]);
  if ('op' in n) {
    only(n, at, ['field', 'op', 'value']);
    const op = typeof n.op === 'string' ? n.op.toLowerCase() : n.op;
    if (!OPS.includes(op)) throw new FilterError(`${at}: unknown op '${n.op}' (use eq, ne, gt, gte, lt, lte)`);
    const want = value(n.value, `${at}.value`);
    return (m) => {
      const v = get(m);
      if (v === undefined) return op === 'ne';
      const c = compare(field, v, want);
      switch (op) {
        case 'eq': return c === 0;
        case 'ne': return c !== 0;
        case 'gt': return c > 0;
        case 'gte': return c >= 0;
        case 'lt': return c < 0;
        default: return c <= 0;
      }
    };
  }
  if ('in' in n || 'notIn' in n) {
    const key = 'in' in n ? 'in' : 'notIn';
    only(n, at, ['field', key]);
    if (!Array.isArray(n[key])) throw new FilterError(`${at}.${key}: needs an array of values`);
    if (n[key].length === 0) throw new FilterError(`${at}: filter on '${field}': in / not in needs at least one value`);
    const wants = n[key].map((x, i) => value(x, `${at}.${key}[${i}]`));
    const negated = key === 'notIn';
    return (m) => {
      const v = get(m);
      if (v === undefined) return negated;
      for (const w of wants) {
        if (compare(field, v, w) === 0) return !negated;
      }
      return negated;
    };
  }
  if ('contains' in n) {
    only(n, at, ['field', 'contains']);
    if (typeof n.contains !== 'string') throw new FilterError(`${at}.contains: needs a string`);
    const text = n.contains;
    return (m) => {
      const v = get(m);
      if (v === undefined) return false;
      if (typeof v !== 'string') {
        throw new FilterError(`filter on '${field}': contains needs a string field, the document holds ${kind(v)}`);
      }
      return v.includes(text);
    };
  }
  throw new FilterError(`${at}: needs "op" and "value", "in", "notIn" or "contains"`);
}

function kind(v) {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** Sign of (stored - wanted); a type mismatch throws, as in Java. */
function compare(field, stored, want) {
  const t = typeof want;
  if (typeof stored !== t) {
    throw new FilterError(`filter on '${field}': type mismatch, the filter has a ${t} and the document holds a ${kind(stored)}`);
  }
  if (t === 'boolean') return Number(stored) - Number(want);
  // strings: UTF-16 code unit order, as Java's String.compareTo
  return stored < want ? -1 : stored > want ? 1 : 0;
}

/** Pass / fail / error per row: 1 passes, 0 fails, 2 threw (the message is kept for a row that would rank). */
export function filterMask(filter, metadata, count) {
  const mask = new Uint8Array(count);
  let error = null;
  for (let r = 0; r < count; r++) {
    try {
      mask[r] = filter.test(metadata ? metadata[r] : null) ? 1 : 0;
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      mask[r] = 2;
      error = error || e.message;
    }
  }
  return { mask, error };
}

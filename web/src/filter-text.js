// The text form of a filter, as the CLI's --filter and Java's MetaFilterText read it (Spring AI's syntax plus
// contains): "genre == 'drama' && year >= 2020", "!(x in [1, 2])", "name contains 'abc'", AND / OR / NOT in any
// case, nin / not in. Parsed into the JSON form (filter.js); errors name the 1-based position and what was expected.
import { FilterError } from './filter.js';

const OPS = [['==', 'eq'], ['!=', 'ne'], ['>=', 'gte'], ['<=', 'lte'], ['>', 'gt'], ['<', 'lt']];
const MAX_DEPTH = 64;
const isNameStart = (c) => /[A-Za-z_]/.test(c);
const isNamePart = (c) => /[A-Za-z0-9_.]/.test(c);

/** Parses a filter expression into the JSON form of the HTTP API's `where`. */
export function parseFilterText(text) {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new FilterError("filter: empty expression (write e.g. genre == 'drama' && year >= 2020)");
  }
  const src = text;
  let pos = 0;
  let depth = 0;

  const error = (expected) => {
    let found;
    if (pos >= src.length) {
      found = 'the end';
    } else {
      const end = Math.min(src.length, pos + 12);
      found = `'${src.slice(pos, end)}${end < src.length ? "...'" : "'"}`;
    }
    return new FilterError(`filter: at position ${pos + 1}: expected ${expected}, found ${found}`);
  };
  const skip = () => { while (pos < src.length && /\s/.test(src[pos])) pos++; };
  const keyword = (kw) => src.slice(pos, pos + kw.length).toLowerCase() === kw
    && (pos + kw.length >= src.length || !isNamePart(src[pos + kw.length]));
  const expect = (s, what) => {
    if (!src.startsWith(s, pos)) throw error(what);
    pos += s.length;
  };

  function quoted() {
    const q = src[pos];
    const start = pos++;
    let out = '';
    while (pos < src.length) {
      const c = src[pos++];
      if (c === q) return out;
      if (c !== '\\') { out += c; continue; }
      if (pos >= src.length) break;
      const e = src[pos++];
      if (e === "'" || e === '"' || e === '\\') out += e;
      else if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(pos, pos + 4))) {
        out += String.fromCharCode(parseInt(src.slice(pos, pos + 4), 16));
        pos += 4;
      } else {
        pos -= 2;
        throw error(e === 'u' ? 'four hex digits after \\u' : "an escape \\' \\\" \\\\ \\n \\t \\r or \\uXXXX");
      }
    }
    pos = start;
    throw error(`a closing ${q} for the string starting here`);
  }

  function value() {
    skip();
    if (pos >= src.length) throw error('a value (a quoted string, a number, true or false)');
    const c = src[pos];
    if (c === "'" || c === '"') return quoted();
    if (keyword('true')) { pos += 4; return true; }
    if (keyword('false')) { pos += 5; return false; }
    const dot = /^[-+]?[0-9]+\.(?![0-9])/.exec(src.slice(pos));
    if (dot) {
      pos += dot[0].length;
      throw error('a digit after the decimal point');
    }
    const m = /^[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(src.slice(pos));
    if (!m) throw error('a value (a quoted string, a number, true or false)');
    pos += m[0].length;
    if (!m[1] && !m[2] && (src[pos] === 'L' || src[pos] === 'l')) pos++; // Spring AI's long suffix
    if (pos < src.length && /[A-Za-z0-9_]/.test(src[pos])) throw error(`a separator after the number ${m[0]}`);
    return Number(m[0]);
  }

  function field() {
    skip();
    if (src[pos] === "'" || src[pos] === '"') {
      const at = pos;
      const s = quoted();
      if (s.trim() === '') throw new FilterError(`filter: at position ${at + 1}: a field name must not be blank`);
      return s;
    }
    const start = pos;
    if (pos < src.length && isNameStart(src[pos])) {
      pos++;
      while (pos < src.length && isNamePart(src[pos])) pos++;
    }
    if (pos === start) throw error('a field name, \'(\' or NOT');
    return src.slice(start, pos);
  }

  function list() {
    skip();
    expect('[', "'[' starting the list of values");
    skip();
    if (src[pos] === ']') throw error('at least one value in the list');
    const out = [];
    for (;;) {
      out.push(value());
      skip();
      if (src[pos] === ']') { pos++; return out; }
      expect(',', "',' or ']' in the list");
    }
  }

  function condition() {
    const f = field();
    skip();
    for (const [sym, op] of OPS) {
      if (src.startsWith(sym, pos)) {
        pos += sym.length;
        return { field: f, op, value: value() };
      }
    }
    if (keyword('in')) { pos += 2; return { field: f, in: list() }; }
    if (keyword('nin')) { pos += 3; return { field: f, notIn: list() }; }
    if (keyword('not')) {
      pos += 3;
      skip();
      if (!keyword('in')) throw error("'in' after 'not' (field not in [..])");
      pos += 2;
      return { field: f, notIn: list() };
    }
    if (keyword('contains')) {
      pos += 8;
      skip();
      const at = pos;
      const v = value();
      if (typeof v !== 'string') { pos = at; throw error('a quoted string after contains'); }
      return { field: f, contains: v };
    }
    throw error(`an operator after the field '${f}' (==, !=, >, >=, <, <=, in, nin, not in, contains)`);
  }

  function unary() {
    if (++depth > MAX_DEPTH) throw error(`at most ${MAX_DEPTH} nested parentheses or negations, not deeper nesting`);
    try {
      skip();
      if (src[pos] === '!' && src[pos + 1] !== '=') { pos++; return { not: unary() }; }
      if (keyword('not')) { pos += 3; return { not: unary() }; }
      if (src[pos] === '(') {
        pos++;
        const f = or();
        skip();
        expect(')', "')' closing the '('");
        return f;
      }
      return condition();
    } finally {
      depth--;
    }
  }

  function and() {
    let acc = unary();
    for (;;) {
      skip();
      if (src.startsWith('&&', pos)) pos += 2;
      else if (keyword('and')) pos += 3;
      else return acc;
      acc = { and: [acc, unary()] };
    }
  }

  function or() {
    let acc = and();
    for (;;) {
      skip();
      if (src.startsWith('||', pos)) pos += 2;
      else if (keyword('or')) pos += 2;
      else return acc;
      acc = { or: [acc, and()] };
    }
  }

  skip();
  if (keyword('where')) pos += 5;
  const f = or();
  skip();
  if (pos < src.length) throw error('&&, || or the end');
  return f;
}

// Word processing where the Dockerfile reference allows substitution (ADD,
// COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR, ARG and
// the flags of those): quotes are removed, the escape character takes the
// next character literally, `$VAR` and `${VAR}` are replaced, with the
// modifiers `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`,
// `${VAR:?message}` and `${VAR?message}`. Single quotes stop expansion.
// An unknown variable is the empty string (as docker build).

class SubstitutionError extends Error {}

export type Lookup = (name: string) => string | undefined;

interface Out { text: string; pos: number }

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Expands one word; `stop` ends it early (used for the word inside `${…}`). */
function processWord(s: string, pos: number, env: Lookup, escape: string, stop?: string): Out {
  let text = '';
  while (pos < s.length) {
    const c = s[pos]!;
    if (stop && c === stop) break;
    if (c === escape) {
      if (pos + 1 < s.length) { text += s[pos + 1]; pos += 2; } else { text += c; pos++; }
    } else if (c === "'") {
      const end = s.indexOf("'", pos + 1);
      if (end < 0) throw new SubstitutionError('unexpected end of statement while looking for matching single-quote');
      text += s.slice(pos + 1, end);
      pos = end + 1;
    } else if (c === '"') {
      const r = doubleQuoted(s, pos + 1, env, escape);
      text += r.text;
      pos = r.pos;
    } else if (c === '$') {
      const r = dollar(s, pos + 1, env, escape);
      text += r.text;
      pos = r.pos;
    } else {
      text += c;
      pos++;
    }
  }
  return { text, pos };
}

function doubleQuoted(s: string, pos: number, env: Lookup, escape: string): Out {
  let text = '';
  while (pos < s.length) {
    const c = s[pos]!;
    if (c === '"') return { text, pos: pos + 1 };
    if (c === escape && pos + 1 < s.length && ['"', '$', escape].includes(s[pos + 1]!)) {
      text += s[pos + 1];
      pos += 2;
    } else if (c === '$') {
      const r = dollar(s, pos + 1, env, escape);
      text += r.text;
      pos = r.pos;
    } else {
      text += c;
      pos++;
    }
  }
  throw new SubstitutionError('unexpected end of statement while looking for matching double-quote');
}

function dollar(s: string, pos: number, env: Lookup, escape: string): Out {
  if (s[pos] !== '{') {
    if (pos >= s.length || !NAME_START.test(s[pos]!)) return { text: '$', pos };
    let end = pos;
    while (end < s.length && NAME_CHAR.test(s[end]!)) end++;
    return { text: env(s.slice(pos, end)) ?? '', pos: end };
  }
  pos++;
  let end = pos;
  while (end < s.length && NAME_CHAR.test(s[end]!)) end++;
  const name = s.slice(pos, end);
  if (!name) throw new SubstitutionError(`bad substitution: \${${s.slice(pos, pos + 10)}`);
  pos = end;
  if (s[pos] === '}') return { text: env(name) ?? '', pos: pos + 1 };
  let op = s[pos] ?? '';
  if (op === ':') { op += s[pos + 1] ?? ''; pos += 2; } else pos++;
  if (!['-', '+', '?', ':-', ':+', ':?'].includes(op)) throw new SubstitutionError(`unsupported modifier (${op}) in substitution of ${name}`);
  const word = processWord(s, pos, env, escape, '}');
  if (s[word.pos] !== '}') throw new SubstitutionError(`missing '}' in substitution of ${name}`);
  pos = word.pos + 1;
  const v = env(name);
  const colon = op.startsWith(':');
  const isSet = colon ? v !== undefined && v !== '' : v !== undefined;
  switch (op.slice(-1)) {
    case '-': return { text: isSet ? v! : word.text, pos };
    case '+': return { text: isSet ? word.text : '', pos };
    default:
      if (!isSet) throw new SubstitutionError(`${name}: ${word.text || 'is not set'}`);
      return { text: v!, pos };
  }
}

/** One word, quotes removed and variables replaced. */
export function expandWord(word: string, env: Lookup, escape = '\\'): string {
  return processWord(word, 0, env, escape).text;
}

/**
 * Splits on unquoted blanks, keeping quotes and escapes in each word (to be
 * expanded afterwards with expandWord).
 */
export function splitWords(s: string, escape = '\\'): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      cur += c;
      if (c === escape && quote === '"' && i + 1 < s.length) cur += s[++i];
      else if (c === quote) quote = undefined;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) { out.push(cur); cur = ''; inWord = false; }
      continue;
    }
    inWord = true;
    cur += c;
    if (c === escape && i + 1 < s.length) cur += s[++i];
    else if (c === '"' || c === "'") quote = c;
  }
  if (quote) throw new SubstitutionError(`unmatched ${quote === '"' ? 'double' : 'single'} quote`);
  if (inWord) out.push(cur);
  return out;
}

/** Splits then expands each word (EXPOSE, VOLUME, COPY sources). */
export function expandWords(s: string, env: Lookup, escape = '\\'): string[] {
  return splitWords(s, escape).map((w) => expandWord(w, env, escape)).filter((w, i, a) => w !== '' || a.length === 1);
}

/** `<key>=<value> ...` pairs (ENV, LABEL, ARG); the legacy `ENV key value` form when `legacy` allows it. */
export function keyValuePairs(s: string, env: Lookup, escape: string, legacy: boolean): Array<[string, string]> {
  const words = splitWords(s, escape);
  if (words.length === 0) return [];
  if (legacy && !words[0]!.includes('=')) {
    const key = words[0]!;
    const rest = s.trimStart().slice(key.length).trim();
    return [[key, expandWord(rest, env, escape)]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new SubstitutionError(`expected <key>=<value>, got "${w}"`);
    return [expandWord(w.slice(0, eq), env, escape), expandWord(w.slice(eq + 1), env, escape)];
  });
}

// Parser for the part of Go's text/template that docker's --format users
// write: text and {{actions}} (with {{- -}} trimming and /* comments */),
// pipelines joined by `|`, fields (.A.B), variables ($, $x, $x.A), string,
// number and bool literals, (parenthesised pipelines), `$x := …`, and the
// if / else if / else / range / with / end blocks.
import { UsageError } from '../../errors.js';

export type Operand =
  | { k: 'dot' }
  | { k: 'var'; name: string }
  | { k: 'ident'; name: string }
  | { k: 'lit'; v: string | number | boolean | null }
  | { k: 'pipe'; pipe: Pipe }
  | { k: 'field'; base: Operand; chain: string[] };

export interface Pipe { decl: string[]; cmds: Operand[][] }

export type Node =
  | { k: 'text'; text: string }
  | { k: 'action'; pipe: Pipe }
  | { k: 'if' | 'with'; pipe: Pipe; body: Node[]; orElse: Node[] }
  | { k: 'range'; pipe: Pipe; body: Node[]; orElse: Node[] };

interface Token { t: 'str' | 'num' | 'field' | 'var' | 'ident' | '(' | ')' | '|' | ':=' | '=' | ','; v: string; glued: boolean }

class TemplateError extends UsageError {
  constructor(format: string, why: string) {
    super(`invalid --format "${format}": ${why}`);
  }
}

const STRING_ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };

function lexAction(src: string, fail: (why: string) => never): Token[] {
  const out: Token[] = [];
  let i = 0;
  let glued = false;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; glued = false; continue; }
    const push = (t: Token['t'], v: string, len: number) => { out.push({ t, v, glued }); i += len; glued = true; };
    if (c === '"') {
      let v = '';
      let j = i + 1;
      for (; j < src.length && src[j] !== '"'; j++) {
        if (src[j] === '\\') { j++; v += STRING_ESC[src[j]!] ?? fail(`unknown escape \\${src[j]} in a string`); } else v += src[j];
      }
      if (j >= src.length) fail('unterminated string');
      push('str', v, j + 1 - i);
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) fail('unterminated raw string');
      push('str', src.slice(i + 1, end), end + 1 - i);
    } else if (c === ':' && src[i + 1] === '=') push(':=', ':=', 2);
    else if ('()|=,'.includes(c)) push(c as Token['t'], c, 1);
    else {
      const m = /^(?:\$[A-Za-z0-9_]*|\.[A-Za-z_][A-Za-z0-9_]*|\.|-?\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i));
      if (!m) fail(`unexpected "${c}"`);
      const w = m[0];
      const t: Token['t'] = w[0] === '$' ? 'var' : w[0] === '.' ? 'field' : /^-?\d/.test(w) ? 'num' : 'ident';
      push(t, w, w.length);
    }
  }
  return out;
}

/** Parses the tokens of one action into a pipeline. */
function parsePipe(toks: Token[], fail: (why: string) => never): Pipe {
  let p = 0;
  const peek = () => toks[p];
  const operand = (): Operand => {
    const t = toks[p++];
    if (!t) fail('missing value');
    let base: Operand;
    if (t.t === 'str') base = { k: 'lit', v: t.v };
    else if (t.t === 'num') base = { k: 'lit', v: Number(t.v) };
    else if (t.t === 'var') base = { k: 'var', name: t.v };
    else if (t.t === 'field') base = t.v === '.' ? { k: 'dot' } : { k: 'field', base: { k: 'dot' }, chain: [t.v.slice(1)] };
    else if (t.t === 'ident') base = t.v === 'true' || t.v === 'false' ? { k: 'lit', v: t.v === 'true' } : t.v === 'nil' ? { k: 'lit', v: null } : { k: 'ident', name: t.v };
    else if (t.t === '(') {
      base = { k: 'pipe', pipe: pipeline(')') };
      if (toks[p++]?.t !== ')') fail('unclosed "("');
    } else fail(`unexpected "${t.v}"`);
    // A field chain glued on (.A.B, $x.A, (…).A).
    while (peek()?.t === 'field' && peek()!.glued && peek()!.v !== '.') {
      const name = toks[p++]!.v.slice(1);
      base = base.k === 'field' ? { ...base, chain: [...base.chain, name] } : { k: 'field', base, chain: [name] };
    }
    return base;
  };
  const command = (stop: string): Operand[] => {
    const args: Operand[] = [];
    while (p < toks.length && peek()!.t !== '|' && peek()!.t !== stop) args.push(operand());
    if (args.length === 0) fail('missing command');
    return args;
  };
  const pipeline = (stop: string): Pipe => {
    const decl: string[] = [];
    // `$x :=` / `$i, $v :=` / `$x =`
    const save = p;
    while (peek()?.t === 'var') {
      decl.push(toks[p++]!.v);
      if (peek()?.t === ',') { p++; continue; }
      break;
    }
    if (decl.length && (peek()?.t === ':=' || peek()?.t === '=')) p++;
    else { decl.length = 0; p = save; }
    const cmds = [command(stop)];
    while (peek()?.t === '|') { p++; cmds.push(command(stop)); }
    return { decl, cmds };
  };
  const pipe = pipeline('');
  if (p < toks.length) fail(`unexpected "${toks[p]!.v}"`);
  return pipe;
}

type Frame = { k: 'root' } | { k: 'if' | 'with' | 'range'; node: Extract<Node, { body: Node[] }>; inElse: boolean; closeTwice?: number };

/** The template text (after `table ` and \t \n handling) as a tree. */
export function parseTree(body: string, format: string): Node[] {
  const fail = (why: string): never => { throw new TemplateError(format, why); };
  const root: Node[] = [];
  // Blocks open: where the next node goes; `else if` opens a nested if that the one {{end}} also closes.
  const stack: Array<{ frame: Frame; into: Node[] }> = [{ frame: { k: 'root' }, into: root }];
  const top = () => stack[stack.length - 1]!;
  let i = 0;
  let trimNext = false;
  while (i < body.length) {
    const open = body.indexOf('{{', i);
    let text = open < 0 ? body.slice(i) : body.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) { if (text) top().into.push({ k: 'text', text }); break; }
    const close = body.indexOf('}}', open + 2);
    if (close < 0) fail('unclosed "{{"');
    let inner = body.slice(open + 2, close);
    if (/^-\s/.test(inner)) { text = text.replace(/\s+$/, ''); inner = inner.slice(2); }
    trimNext = /\s-$/.test(inner);
    if (trimNext) inner = inner.slice(0, -2);
    if (text) top().into.push({ k: 'text', text });
    i = close + 2;
    inner = inner.trim();
    if (inner.startsWith('/*')) { if (!inner.endsWith('*/')) fail('unclosed comment'); continue; }
    const toks = lexAction(inner, fail);
    if (toks.length === 0) fail('empty {{ }}');
    const word = toks[0]!.t === 'ident' ? toks[0]!.v : '';
    if (word === 'if' || word === 'with' || word === 'range') {
      const node = { k: word, pipe: parsePipe(toks.slice(1), fail), body: [], orElse: [] } as Extract<Node, { body: Node[] }>;
      top().into.push(node);
      stack.push({ frame: { k: word, node, inElse: false }, into: node.body });
    } else if (word === 'else') {
      const f = top().frame;
      if (f.k === 'root' || f.inElse) return fail('unexpected {{else}}');
      f.inElse = true;
      top().into = f.node.orElse;
      if (toks[1]?.v === 'if' || toks[1]?.v === 'with') {
        const node = { k: toks[1].v as 'if' | 'with', pipe: parsePipe(toks.slice(2), fail), body: [], orElse: [] };
        f.node.orElse.push(node);
        stack.push({ frame: { k: node.k, node, inElse: false, closeTwice: 1 }, into: node.body });
      }
    } else if (word === 'end') {
      if (toks.length > 1) fail('unexpected words after {{end}}');
      let f = top().frame;
      if (f.k === 'root') fail('unexpected {{end}}');
      stack.pop();
      while (f.k !== 'root' && f.closeTwice) { f = top().frame; stack.pop(); }
    } else if (word === 'define' || word === 'template' || word === 'block' || word === 'break' || word === 'continue') {
      fail(`{{${word}}} is not supported`);
    } else {
      top().into.push({ k: 'action', pipe: parsePipe(toks, fail) });
    }
  }
  if (stack.length > 1) fail(`unclosed {{${(top().frame as { k: string }).k}}}: missing {{end}}`);
  return root;
}

// What a container changed, read from its overlay upper dir against the
// image's layers (overlay form, top-most first): docker's `diff` list of
// A (added), C (changed) and D (deleted) paths. A char device 0:0 in the
// upper dir is a deletion; a path that one of the lowers shows is a change.
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { lgetxattr } from '../native/fs-ops.js';
import { compareText } from '../text-order.js';
import { OVERLAY_OPAQUE_XATTR } from './layer-unpack.js';

export interface Change { kind: 'A' | 'C' | 'D'; path: string }

const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0;

function lstatOr(path: string): Stats | undefined {
  try { return lstatSync(path); } catch { return undefined; }
}

function isOpaque(path: string): boolean {
  try { return lgetxattr(path, OVERLAY_OPAQUE_XATTR)?.toString() === 'y'; } catch { return false; }
}

/** True when the image (its lower dirs, top-most first) has `rel`: the first layer that says anything decides. */
export function inLowers(lowers: string[], rel: string): boolean {
  const parts = rel.split('/');
  for (const l of lowers) {
    const st = lstatOr(join(l, rel));
    if (st) return !isWhiteout(st);
    // A deleted or opaque ancestor in this layer hides everything below it.
    for (let i = 1; i < parts.length; i++) {
      const anc = join(l, ...parts.slice(0, i));
      const a = lstatOr(anc);
      if (!a) break;
      if (isWhiteout(a) || (a.isDirectory() && isOpaque(anc))) return false;
    }
  }
  return false;
}

/**
 * The changes in `upper` (absolute paths in the container, sorted), leaving
 * out `skip` (paths relative to the root: the runtime's own mount points).
 */
export function upperChanges(upper: string, lowers: string[], skip: ReadonlySet<string> = new Set()): Change[] {
  const out: Change[] = [];
  const walk = (rel: string, parentNew: boolean) => {
    for (const name of readdirSync(rel ? join(upper, rel) : upper)) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip.has(r)) continue;
      const st = lstatSync(join(upper, r));
      if (isWhiteout(st)) { out.push({ kind: 'D', path: `/${r}` }); continue; }
      const isNew = parentNew || !inLowers(lowers, r);
      out.push({ kind: isNew ? 'A' : 'C', path: `/${r}` });
      if (st.isDirectory()) walk(r, isNew);
    }
  };
  walk('', false);
  return out.sort((a, b) => compareText(a.path, b.path));
}

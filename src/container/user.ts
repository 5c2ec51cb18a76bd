// Resolves Compose/Docker `user` ("name", "uid", "name:group", "uid:gid")
// against the container's own /etc/passwd and /etc/group, like Docker:
// a numeric uid needs no passwd entry; a name must exist; supplementary
// groups come from /etc/group; HOME comes from passwd ("/" otherwise).
import { readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';
import { secureJoin } from './secure-join.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
  /** The user name when one is known (for group membership). */
  name?: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

const MAX_ID = 0xffffffff - 1;

function readEtc(rootfs: string | undefined, file: string): string {
  if (!rootfs) return '';
  try {
    return readFileSync(secureJoin(rootfs, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return '';
    throw e;
  }
}

function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, uid, gid, home: f[5]! });
  }
  return out;
}

function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, gid, members: f[3]!.split(',').filter(Boolean) });
  }
  return out;
}

function numericId(s: string): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  if (n > MAX_ID) throw new BerthError(`user: id ${s} is out of range`);
  return n;
}

/** Resolves `user` (default root) inside `rootfs` (a host path to the container's root). */
export function resolveUser(user: string | undefined, rootfs: string | undefined): ResolvedUser {
  const spec = (user ?? '').trim();
  const [userPart = '', groupPart, extra] = spec.split(':');
  if (extra !== undefined) throw new BerthError(`user: invalid value "${spec}": expected user[:group]`);
  const passwd = parsePasswd(readEtc(rootfs, '/etc/passwd'));

  let uid: number;
  let gid = 0;
  let home = '/';
  let name: string | undefined;
  const uidNum = userPart === '' ? 0 : numericId(userPart);
  if (uidNum !== undefined) {
    uid = uidNum;
    const e = passwd.find((p) => p.uid === uid);
    if (e) ({ gid, home, name } = e);
  } else {
    const e = passwd.find((p) => p.name === userPart);
    if (!e) throw new BerthError(`unable to find user ${userPart}: no matching entries in passwd file`);
    ({ uid, gid, home, name } = e);
  }

  const groups = parseGroup(readEtc(rootfs, '/etc/group'));
  if (groupPart !== undefined && groupPart !== '') {
    const g = numericId(groupPart);
    if (g !== undefined) gid = g;
    else {
      const e = groups.find((x) => x.name === groupPart);
      if (!e) throw new BerthError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = e.gid;
    }
  }
  const additional = name ? groups.filter((g) => g.members.includes(name!) && g.gid !== gid).map((g) => g.gid) : [];
  return { uid, gid, additionalGids: [...new Set(additional)], home: home || '/', name };
}

/** Compose `group_add`: numbers as they are, names looked up in the container's /etc/group. */
export function resolveGroupAdd(groups: string[], rootfs: string | undefined): number[] {
  let table: GroupEntry[] | undefined;
  return groups.map((g) => {
    const n = numericId(g.trim());
    if (n !== undefined) return n;
    table ??= parseGroup(readEtc(rootfs, '/etc/group'));
    const e = table.find((x) => x.name === g.trim());
    if (!e) throw new BerthError(`group_add: unable to find group ${g}: no matching entries in group file`);
    return e.gid;
  });
}

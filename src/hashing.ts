// SHA-256 of short text (config hashes, veth names, firewall tags, endpoint
// ids) and random ids for the objects an `up` makes. Not node:crypto: loading
// it costs every command that touches these ~7 ms, while what is hashed here
// is a few hundred bytes. @noble/hashes is an audited, dependency-free
// implementation. Image digests, which stream whole layers, stay on
// node:crypto (src/image).
import { closeSync, openSync, readSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** The SHA-256 of `text` (UTF-8), as 64 hex digits. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** `bytes` random bytes from the kernel's CSPRNG, as hex (2 digits a byte): docker's 64-digit ids take 32. */
export function randomHex(bytes: number): string {
  const buf = Buffer.alloc(bytes);
  const fd = openSync('/dev/urandom', 'r');
  try {
    for (let off = 0; off < bytes;) off += readSync(fd, buf, off, bytes - off, null);
  } finally {
    closeSync(fd);
  }
  return buf.toString('hex');
}

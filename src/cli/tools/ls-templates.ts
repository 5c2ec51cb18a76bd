// Go-template --format for `image ls`, `network ls` and `volume ls`: the
// fields docker's formatter contexts give each row, and their headers.
import type { ImageRow } from '../../project/image/local-actions.js';
import type { NetworkSummary } from '../../project/network.js';
import type { VolumeInfo } from '../../project/volume.js';
import { formatList } from './list-format.js';
import { bytesDecimal } from './table.js';

const labelString = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',');

/** Go's time.Time String() in UTC, as docker prints CreatedAt. */
const goTime = (iso: string | undefined) => (iso ? `${new Date(iso).toISOString().replace('T', ' ').slice(0, 19)} +0000 UTC` : '');

const short = (id: string, noTrunc?: boolean) => (noTrunc ? id : id.replace(/^sha256:/, '').slice(0, 12));

const only = (): string => { throw new Error('a template format is printed by its own context'); };

export function imageTemplate(rows: ImageRow[], format: string, o: { noTrunc?: boolean; ago: (iso?: string) => string }): string {
  return formatList(rows, format, {
    headers: {
      ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT',
      Size: 'SIZE', VirtualSize: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS',
    },
    context: ({ i, repo, tag, digest }) => ({
      ID: short(i.id, o.noTrunc), Repository: repo, Tag: tag, Digest: digest, CreatedSince: o.ago(i.created), CreatedAt: goTime(i.created),
      Size: bytesDecimal(i.size), VirtualSize: bytesDecimal(i.size), SharedSize: 'N/A', UniqueSize: 'N/A', Containers: i.inUse ? String(i.inUse) : 'N/A',
    }),
    table: only,
  });
}

export function networkTemplate(rows: NetworkSummary[], format: string, o: { noTrunc?: boolean } = {}): string {
  return formatList(rows, format, {
    headers: { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', Label: 'LABEL', CreatedAt: 'CREATED AT' },
    context: (n) => ({
      ID: short(n.id, o.noTrunc), Name: n.name, Driver: n.driver, Scope: n.cluster ? 'swarm' : 'local', IPv6: n.enableIpv6, Internal: n.internal,
      Labels: labelString(n.labels), Label: (k: string) => n.labels[k] ?? '', CreatedAt: goTime(n.created),
    }),
    table: only,
  });
}

export function volumeTemplate(rows: VolumeInfo[], format: string): string {
  return formatList(rows, format, {
    headers: { Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Label: 'LABEL', Links: 'LINKS', Size: 'SIZE' },
    context: (v) => ({
      Name: v.name, Driver: v.driver, Scope: 'local', Mountpoint: v.mountpoint, Labels: labelString(v.labels),
      Label: (k: string) => v.labels[k] ?? '', Links: 'N/A', Size: 'N/A',
    }),
    table: only,
  });
}

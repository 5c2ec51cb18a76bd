// Which images `up` pulls or builds: pull_policy (or --pull), --build and
// --no-build, and what is already in the store. One pull per reference, one
// build per built reference.
import { BerthError } from '../errors.js';
import type { ActualImage } from './actual.js';
import type { DesiredService, PullPolicy } from './desired.js';
import type { PlanBuilder } from './plan.js';

export interface ImageOptions {
  /** --pull: overrides every service's pull_policy. */
  pull?: PullPolicy;
  /** --build: build every service that has a build section (only the named ones when services are named). */
  build?: boolean;
  /** The services named on the command line: `up --build web` rebuilds web, not its dependencies. */
  services?: string[];
  /** --no-build: never build; a missing image of a build-only service is an error. */
  noBuild?: boolean;
  /** The time the refreshing pull policies compare with (ISO; default: now). Golden cases fix it. */
  now?: string;
}

export class ImagePlanner {
  private readonly byRef = new Map<string, number>();
  constructor(private readonly images: ActualImage[], private readonly opts: ImageOptions, private readonly b: PlanBuilder) {}

  private present(ref: string): boolean { return this.images.some((i) => i.ref === ref); }

  private pull(svc: DesiredService, reason: string): number {
    const known = this.byRef.get(svc.image);
    if (known !== undefined) return this.addService(known, svc.name);
    const id = this.b.add({ kind: 'image.pull', resource: 'Image', name: svc.image, services: [svc.name], reason, after: [] });
    this.byRef.set(svc.image, id);
    return id;
  }

  private buildImage(svc: DesiredService, reason: string): number {
    const known = this.byRef.get(svc.image);
    if (known !== undefined) return this.addService(known, svc.name);
    const id = this.b.add({ kind: 'image.build', resource: 'Image', name: svc.image, services: [svc.name], reason, after: [] });
    this.byRef.set(svc.image, id);
    return id;
  }

  private addService(id: number, service: string): number {
    // The actions are stored by reference in the builder's plan.
    const a = (this.b.build().actions[id - 1]);
    if (a.kind === 'image.pull' || a.kind === 'image.build') {
      if (!a.services.includes(service)) a.services.push(service);
    }
    return id;
  }

  /** The id of the action that provides the service's image, if one is needed. */
  plan(svc: DesiredService): number | undefined {
    let policy = this.opts.pull ?? svc.pullPolicy;
    // An image name berth made up for a build has no registry to come from.
    if (svc.localImage && policy === 'always') policy = 'missing';
    const present = this.present(svc.image);
    const named = !this.opts.services?.length || this.opts.services.includes(svc.name);
    if (svc.build && this.opts.build && named && !this.opts.noBuild) return this.buildImage(svc, '--build');
    if (svc.build && policy === 'build' && !this.opts.noBuild) return this.buildImage(svc, 'pull_policy build');
    if (policy === 'always') return this.pull(svc, this.opts.pull ? '--pull always' : 'pull_policy always');
    if (present && svc.pullRefresh && !this.opts.pull && !svc.localImage) {
      const last = this.images.find((i) => i.ref === svc.image)?.pulledAt;
      const now = this.opts.now ? Date.parse(this.opts.now) : Date.now();
      if (!last || now - Date.parse(last) > svc.pullRefresh.intervalMs) {
        return this.pull(svc, `pull_policy ${svc.pullRefresh.policy}, last pulled ${last ?? 'never'}`);
      }
    }
    if (present) return this.byRef.get(svc.image);
    if (svc.build) {
      if (this.opts.noBuild) throw new BerthError(`service "${svc.name}": image ${svc.image} is not present and --no-build was given; build it first (berth build ${svc.name})`);
      return this.buildImage(svc, 'image not present');
    }
    if (policy === 'never') throw new BerthError(`service "${svc.name}": image ${svc.image} is not present and its pull policy is never; pull or load it first`);
    return this.pull(svc, 'image not present');
  }
}

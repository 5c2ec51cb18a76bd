// The part of js-yaml's API that berth uses (the package ships no types).
declare module 'js-yaml' {
  export interface LoaderState {
    position: number;
    result: unknown;
    kind: 'scalar' | 'sequence' | 'mapping' | null;
    tag: string | null;
    anchor: string | null;
  }
  export class Type {
    constructor(tag: string, options: { kind: 'scalar' | 'sequence' | 'mapping'; resolve?: (data: unknown) => boolean; construct?: (data: unknown) => unknown });
  }
  export interface Schema {
    readonly __schema?: never;
    extend(types: { implicit?: Type[]; explicit?: Type[] }): Schema;
  }
  export const FAILSAFE_SCHEMA: Schema;
  export const types: { merge: Type };
  export function load(text: string, options?: {
    schema?: Schema;
    filename?: string;
    maxDepth?: number;
    listener?: (event: 'open' | 'close', state: LoaderState) => void;
  }): unknown;
}

#!/usr/bin/env node
// Writes dist/src/compose/schema/validator.generated.js: the Compose schema
// (src/compose/schema/compose-schema.ts) compiled by ajv into standalone
// code, so that `berth config` does not load and run ajv's compiler at
// start-up (~150 ms). A build step, run after tsc (it imports the compiled
// generator) and before the bundle: `npm run build:ts` runs all three.
// src/compose/schema/validator.generated.d.ts declares what it exports.
import { writeFileSync } from 'node:fs';
import { generateValidatorSource } from '../dist/src/compose/schema/generate.js';

writeFileSync(new URL('../dist/src/compose/schema/validator.generated.js', import.meta.url), generateValidatorSource());

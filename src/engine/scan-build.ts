/**
 * Run by `npm run build`: assembles scan.wat, the member scanner of members.ts, into
 * WebAssembly next to this module (dist/src/engine/scan.wasm).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import wabt from 'wabt';

const source = new URL('../../../src/engine/scan.wat', import.meta.url);
const module = (await wabt()).parseWat('scan.wat', readFileSync(source, 'utf8'), { simd: true });
module.validate();
writeFileSync(new URL('./scan.wasm', import.meta.url), module.toBinary({}).buffer);
module.destroy();

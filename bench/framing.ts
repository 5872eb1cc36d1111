/**
 * Reading CloudTrail files into events, against JSON.parse of the same files, in one run:
 * prints medians and their ratios. `npm run build && node dist/bench/framing.js [DIR]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCondition, EvalContext, parseCondition, SlotTable } from '../src/rules/condition/index.js';
import { findSource, readInputs, toEvents, InputError } from '../src/sources/index.js';

const dir = process.argv[2] ?? fileURLToPath(new URL('../../../shared/datasets/invictus-aws-stratus-cloudtrail/CloudTrail', import.meta.url));
const files = readdirSync(dir).sort().map((f) => join(dir, f));
const source = findSource('aws_cloudtrail')!;
const slots = new SlotTable();
const filters = [
  'ct.name in (StopLogging, DeleteTrail) and not ct.error exists',
  'ct.user.identitytype = Root',
  's3.bucket exists and ct.readonly = false',
  'jevt.value[/requestParameters/userName] != ct.user',
].map((c) => compileCondition(parseCondition(c), source.catalog, { slots }).filter);
const ctx = new EvalContext(slots);

function parseOnly(): number {
  let n = 0;
  for (const f of files) n += (JSON.parse(readFileSync(f, 'utf8')) as { Records: unknown[] }).Records.length;
  return n;
}

async function frame(evaluate: boolean): Promise<number> {
  let n = 0;
  for await (const e of toEvents(readInputs([dir]), source)) {
    if (e instanceof InputError) continue;
    n++;
    if (evaluate) {
      ctx.reset(e);
      for (const f of filters) f(ctx);
    }
  }
  return n;
}

async function median(fn: () => unknown, runs = 15): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[runs >> 1]!;
}

for (let i = 0; i < 3; i++) {
  parseOnly();
  await frame(true);
}
const events = parseOnly();
const parse = await median(parseOnly);
const framing = await median(() => frame(false));
const withRules = await median(() => frame(true));
console.log(`${events} events from ${files.length} files`);
console.log(`JSON.parse (readFileSync)      ${parse.toFixed(1)} ms`);
console.log(`readInputs + toEvents          ${framing.toFixed(1)} ms  ×${(framing / parse).toFixed(2)}`);
console.log(`  + 4 conditions per event     ${withRules.toFixed(1)} ms  ×${(withRules / parse).toFixed(2)}`);

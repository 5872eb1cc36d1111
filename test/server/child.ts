// A service in its own process, so that its clients are not slowed by its evaluation:
//   node child.js <dir> [<pipeline options JSON>] [<ms per event>]
import { closeOnSignals, startService } from '../../src/server/index.js';
import { testOptions, testParts } from './fixture.js';
import { slowly } from './slow.js';

const [dir, pipeline = '{}', ms = '0.2'] = process.argv.slice(2);
const parts = testParts();
const service = await startService(testOptions(dir!, { pipeline: JSON.parse(pipeline) }), {
  ...parts,
  evaluate: slowly(parts.evaluate, Number(ms)),
});
closeOnSignals(service, (line) => process.stdout.write(line + '\n'));
process.stdout.write(service.url + '\n');

import type { Suite } from '../suite.js';
import { grammarSuite } from './falco-grammar.js';
import { secretsBaseline } from './secrets-baseline.js';
import { secretsSamples } from './secrets-samples.js';

/** Every conformance suite: one file each, registered here. */
export const suites: Suite[] = [grammarSuite, secretsSamples, secretsBaseline];

import type { Suite } from '../suite.js';
import { secretsSamples } from './secrets-samples.js';

/** Every conformance suite: one file each, registered here. */
export const suites: Suite[] = [secretsSamples];

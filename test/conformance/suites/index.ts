import type { Suite } from '../suite.js';

/** Every conformance suite: one file each, registered here. */
export const suites: Suite[] = [];

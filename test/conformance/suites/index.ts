import type { Suite } from '../suite.js';
import { grammarSuite } from './falco-grammar.js';
import { k8sAuditSuite, k8sAuditLegacySuite } from './falco-k8s-audit.js';
import { loaderSuite } from './falco-loader.js';

/** Every conformance suite: one file each, registered here. */
export const suites: Suite[] = [grammarSuite, loaderSuite, k8sAuditSuite, k8sAuditLegacySuite];

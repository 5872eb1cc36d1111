export { detectors, type Detector } from './detectors.js';
export { scanText, uniqueHits, sha1, type SecretHit, type ScanTextOptions } from './scan.js';
export { shannonEntropy } from './entropy.js';

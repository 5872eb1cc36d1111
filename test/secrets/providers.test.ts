import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectors, scanText, uniqueHits } from '../../src/secrets/index.js';

/** Deterministic random text from an alphabet, so each sample has the entropy of a real token. */
let seed = 7;
function rand(alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out += alphabet[((t ^ (t >>> 14)) >>> 0) % alphabet.length];
  }
  return out;
}
const AZ = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const az = AZ.toLowerCase();
const d = '0123456789';
const hex = `${d}abcdef`;
const an = `${AZ}${az}${d}`;

/** One synthetic token per detector beyond the conformance corpus, in the line it would sit on. */
const samples: Array<[string, string]> = [
  ['age-secret-key', `AGE-SECRET-KEY-1${rand('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`],
  ['alibaba-access-key-id', `LTAI${rand(an, 20)}`],
  ['azure-ad-client-secret', `${rand(an, 3)}8Q~${rand(an, 34)}`],
  ['braintree-access-token', `access_token$production$${rand(`${az}${d}`, 16)}$${rand(hex, 32)}`],
  ['clojars-api-token', `CLOJARS_${rand(`${az}${d}`, 60)}`],
  ['cloudflare-origin-ca-key', `v1.0-${rand(hex, 24)}-${rand(hex, 146)}`],
  ['cloudflare-api-token', `CLOUDFLARE_API_TOKEN=${rand(an, 40)}`],
  ['digitalocean-token', `dop_v1_${rand(hex, 64)}`],
  ['discord-webhook', `https://discord.com/api/webhooks/${rand(d, 18)}/${rand(an, 68)}`],
  ['docker-hub-pat', `dckr_pat_${rand(an, 27)}`],
  ['dynatrace-api-token', `dt0c01.${rand(`${AZ}${d}`, 24)}.${rand(`${AZ}${d}`, 64)}`],
  ['easypost-api-key', `EZAK${rand(`${az}${d}`, 54)}`],
  ['flutterwave-secret-key', `FLWSECK_TEST-${rand('abcdefgh0123456789', 32)}-X`],
  ['frameio-api-token', `fio-u-${rand(an, 64)}`],
  ['gcp-access-token', `ya29.${rand(an, 60)}`],
  ['gcp-oauth-client-secret', `GOCSPX-${rand(an, 28)}`],
  ['grafana-cloud-token', `glc_${rand(an, 60)}`],
  ['grafana-service-account-token', `glsa_${rand(an, 32)}_${rand(hex, 8)}`],
  ['groq-api-key', `gsk_${rand(an, 52)}`],
  ['langsmith-api-key', `lsv2_pt_${rand(hex, 32)}_${rand(hex, 10)}`],
  ['linear-api-key', `lin_api_${rand(an, 40)}`],
  ['mailgun-api-key', `MAILGUN_API_KEY=key-${rand(hex, 32)}`],
  ['mapbox-secret-token', `sk.eyJ${rand(an, 60)}.${rand(an, 22)}`],
  ['new-relic-api-key', `NRAK-${rand(`${AZ}${d}`, 27)}`],
  ['notion-token', `ntn_${rand(d, 11)}${rand(an, 35)}`],
  ['okta-api-token', `OKTA_API_TOKEN=00${rand(an, 40)}`],
  ['perplexity-api-key', `pplx-${rand(an, 48)}`],
  ['planetscale-token', `pscale_tkn_${rand(an, 43)}`],
  ['prefect-api-token', `pnu_${rand(an, 36)}`],
  ['pulumi-api-token', `pul-${rand(hex, 40)}`],
  ['readme-api-token', `rdme_${rand(`${az}${d}`, 70)}`],
  ['replicate-api-token', `r8_${rand(an, 37)}`],
  ['rubygems-api-key', `rubygems_${rand(hex, 48)}`],
  ['sendinblue-api-key', `xkeysib-${rand(hex, 64)}-${rand(an, 16)}`],
  ['sentry-auth-token', `sntryu_${rand(hex, 64)}`],
  ['shippo-api-token', `shippo_live_${rand(hex, 40)}`],
  ['stripe-webhook-secret', `whsec_${rand(an, 32)}`],
  ['supabase-access-token', `sbp_${rand(hex, 40)}`],
  ['vault-token-legacy', `VAULT_TOKEN=s.${rand(an, 24)}`],
  ['xai-api-key', `xai-${rand(an, 80)}`],
  ['gitlab-token', `glrt-${rand(an, 20)}`],
  ['gitlab-token', `glft-${rand(an, 20)}`],
  ['gitlab-runner-registration-token', `GR1348941${rand(an, 20)}`],
  ['vault-batch-token', `hvb.${rand(an, 150)}`],
  ['ibm-cos-hmac', `cos_hmac_secret_access_key = "${rand(hex, 48)}"`],
];

test('each provider detector finds a well-formed token of its kind', () => {
  const wrong = samples.filter(([id, line]) => !uniqueHits(scanText(`${line}\n`, 'settings.env')).some((h) => h.rule === id));
  assert.deepEqual(wrong, []);
});

test('every detector has a unique id, a type and a global pattern', () => {
  const ids = detectors.map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const x of detectors) {
    assert.ok(x.type.length > 0 && x.pattern.global, x.id);
    assert.ok(x.keywords.every((k) => k === k.toLowerCase()), `${x.id}: keywords are matched against lower-cased text`);
  }
});

test('a provider prefix followed by one repeated character is a placeholder', () => {
  for (const line of ['ghp_000000000000000000000000000000000000', 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx', `AIza${'X'.repeat(35)}`, `dop_v1_${'0'.repeat(64)}`]) {
    assert.deepEqual(uniqueHits(scanText(`KEY=${line}\n`, 'a.env')), [], line);
  }
});

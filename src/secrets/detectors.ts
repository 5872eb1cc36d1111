import { crc32 } from 'node:zlib';
import { isCredentialValue, isPlaceholder } from './values.js';

/**
 * A provider detector: one declarative entry. `keywords` (lower case) are a prefilter:
 * the pattern only runs over text that contains one of them (none: always runs). The secret is the named
 * group `s` of `pattern`, or the whole match.
 */
export interface Detector {
  id: string;
  /** The detect-secrets plugin's `type` where one exists, so baselines carry over. */
  type: string;
  keywords: string[];
  pattern: RegExp;
  /** Minimum Shannon entropy of the secret: drops `ghp_000…` style placeholders. */
  minEntropy?: number;
  /** Secrets matching one of these are not reported (documented examples, masks). */
  allow?: RegExp[];
  /** A structural check, such as the CRC32 that GitHub and npm tokens carry. */
  valid?: (secret: string) => boolean;
  /** 0–10; provider keys that grant access default to 8. */
  score?: number;
  /** The text detect-secrets hashes for `hashed_secret`, when it differs from the secret. */
  hashText?: (secret: string) => string;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** GitHub's and npm's token checksum: CRC32 of the random part, base62, 6 characters. */
function checksumOk(token: string): boolean {
  const body = token.slice(token.indexOf('_') + 1);
  const random = body.slice(0, -6);
  let n = crc32(random);
  let encoded = '';
  while (n > 0) {
    encoded = BASE62[n % 62] + encoded;
    n = Math.floor(n / 62);
  }
  return encoded.padStart(6, '0') === body.slice(-6);
}

/** A value after a key named by `name`: `name…[:=]  "value"` on one line. */
function keyed(name: string, value: string): RegExp {
  return new RegExp(`(?:${name})[\\w.-]{0,25}["'\`]?\\s{0,5}(?::=|=>|=|:)\\s{0,5}["'\`]?(?<s>${value})(?![\\w+/=-])`, 'gi');
}

/**
 * A password given to a command-line client by a short flag: `mysql -pS3cr3t`, `sshpass -p S3cr3t`,
 * `redis-cli -a S3cr3t`. `commands` names the tools (a path or `.exe` may surround them); the flag is
 * looked for later in the same command (up to a `;`, `|` or `&`, across `\` line continuations).
 * `glued` takes the value written against the flag (`-pS3cr3t`, `-p'S3cr3t'`); `spaced` the next
 * argument. A flag of another command (`ssh -p 2222`, `docker run -p 8080:80`) never matches: the
 * tool is part of the pattern.
 */
interface CliPassword {
  id: string;
  /** The tools' names, as alternatives of a regular expression. */
  commands: string[];
  /** Lower-case text every one of those names contains (the prefilter). */
  keywords: string[];
  /** The flag, as a regular expression (case matters: `sqlcmd -P` is the password, `-p` is not). */
  flag: string;
  glued: boolean;
  spaced: boolean;
  /** The value, when it is not a whole shell word (FLAG_VALUE): a regular expression with a group `s`. */
  value?: string;
}

/** The value of a flag: `'…'` or `"…"` closed before a word boundary, or an unquoted shell word. */
const FLAG_VALUE =
  `["']?(?<s>(?<=')[^'\\n]+(?='(?![^\\s;|&)\\],\`]))|(?<=")[^"\\n]+(?="(?![^\\s;|&)\\],\`]))|(?<!['"])[^\\s'"\`;|&<>()-][^\\s'"\`;|&<>()]*)`;

function cliPassword(c: CliPassword): Detector {
  const separator = [c.glued ? '' : undefined, c.spaced ? '(?:[ \\t]|\\\\\\n)+' : undefined].filter((x) => x !== undefined).join('|');
  const pattern = new RegExp(
    `(?<![\\w.-])(?:${c.commands.join('|')})(?:\\.exe)?(?![\\w.:/=@-])` + // the tool
      `(?:[^\\n;|&]|\\\\\\n){0,300}?(?<=[\\s"'\\[(,])(?:${c.flag})(?:${separator})${c.value ?? FLAG_VALUE}`,
    'g',
  );
  return {
    id: `cli-password-${c.id}`,
    type: 'Secret Keyword', // what detect-secrets names a password under `--password=`
    keywords: c.keywords,
    pattern,
    // the weak-value rules of a password key; `"-p" + pw + "@"` in code is concatenation
    valid: (password) => isCredentialValue(password, 'password') && !/^[+.]|[+.]$/.test(password),
    score: 6,
  };
}

/** The database and remote-access clients that take a password on the command line, by convention. */
const CLI_PASSWORDS: CliPassword[] = [
  // MySQL/MariaDB clients: `-pVALUE` only; `-p VALUE` prompts, and VALUE is the database
  {
    id: 'mysql',
    commands: ['mysql(?:dump|admin|import|show|check|pump|slap|binlog|_upgrade|sh)?', 'mariadb(?:-(?:dump|admin|import|show|check|slap|binlog|upgrade))?'],
    keywords: ['mysql', 'mariadb'],
    flag: '-p',
    glued: true,
    spaced: false,
  },
  { id: 'mydumper', commands: ['mydumper', 'myloader'], keywords: ['mydumper', 'myloader'], flag: '-p', glued: true, spaced: true },
  { id: 'sshpass', commands: ['sshpass'], keywords: ['sshpass'], flag: '-p', glued: true, spaced: true },
  {
    id: 'mongodb',
    commands: ['mongo(?:sh|dump|restore|export|import|stat|top|files)?'],
    keywords: ['mongo'],
    flag: '-p',
    glued: false,
    spaced: true,
  },
  { id: 'cqlsh', commands: ['cqlsh'], keywords: ['cqlsh'], flag: '-p', glued: false, spaced: true },
  { id: 'redis-cli', commands: ['redis-cli', 'valkey-cli', 'keydb-cli'], keywords: ['redis-cli', 'valkey-cli', 'keydb-cli'], flag: '-a', glued: false, spaced: true },
  { id: 'sqlcmd', commands: ['sqlcmd', 'bcp', 'osql'], keywords: ['sqlcmd', 'bcp', 'osql'], flag: '-P', glued: true, spaced: true },
  { id: 'influx', commands: ['influx'], keywords: ['influx'], flag: '-password', glued: false, spaced: true },
  {
    id: 'ldap',
    commands: ['ldap(?:search|add|modify|delete|modrdn|passwd|whoami|compare|exop)'],
    keywords: ['ldap'],
    flag: '-w',
    glued: true,
    spaced: true,
  },
  { id: 'putty', commands: ['plink', 'pscp', 'psftp'], keywords: ['plink', 'pscp', 'psftp'], flag: '-pw', glued: false, spaced: true },
  { id: 'freerdp', commands: ['[xw]l?freerdp3?', 'sdl-freerdp3?'], keywords: ['freerdp'], flag: '/p:', glued: true, spaced: false },
  { id: 'rdesktop', commands: ['rdesktop'], keywords: ['rdesktop'], flag: '-p', glued: false, spaced: true },
  { id: 'cmdkey', commands: ['cmdkey'], keywords: ['cmdkey'], flag: '/pass:', glued: true, spaced: false },
  // Samba: `-U user%password`
  {
    id: 'samba',
    commands: ['smbclient', 'rpcclient', 'smbcacls', 'smbget', 'winexe'],
    keywords: ['smbclient', 'rpcclient', 'smbcacls', 'smbget', 'winexe'],
    flag: `(?:-U[ \\t]*|--user=)["']?[^\\s%'"]+%`,
    glued: true,
    spaced: false,
  },
  { id: 'mosquitto', commands: ['mosquitto_(?:pub|sub|rr)'], keywords: ['mosquitto_'], flag: '-P', glued: false, spaced: true },
  // Oracle: `sqlplus user/VALUE@service`; `sqlplus / as sysdba` and `sqlplus user@service` prompt
  {
    id: 'sqlplus',
    commands: ['sqlplus', 'rman', 'expdp', 'impdp', 'sqlldr'],
    keywords: ['sqlplus', 'rman', 'expdp', 'impdp', 'sqlldr'],
    flag: `(?:userid=|target=)?["']?[A-Za-z][\\w$#]*/`,
    glued: true,
    spaced: false,
    value: `(?<s>[^\\s@'"/\`;|&<>()][^\\s@'"\`;|&<>()]*)(?=@|["']?(?:\\s|$))`,
  },
  // `-passin pass:VALUE`; `env:`, `file:`, `fd:` and `stdin` name where the password is, not it
  { id: 'openssl', commands: ['openssl'], keywords: ['openssl'], flag: `-pass(?:in|out)?[ \\t]+["']?pass:`, glued: true, spaced: false },
  {
    id: 'registry-login',
    commands: ['(?:docker|podman|nerdctl|buildah|skopeo|oras|helm[ \\t]+registry)[ \\t]+login'],
    keywords: ['login'],
    flag: '-p',
    glued: false,
    spaced: true,
  },
  { id: 'az-login', commands: ['az[ \\t]+login'], keywords: ['az login'], flag: '-p', glued: false, spaced: true },
];

export const detectors: Detector[] = [
  {
    id: 'aws-access-key-id',
    type: 'AWS Access Key',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    pattern: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g,
    minEntropy: 3,
    allow: [/EXAMPLE$/],
  },
  {
    id: 'aws-secret-access-key',
    type: 'AWS Access Key',
    keywords: ['aws'],
    pattern: keyed('aws[\\w.-]{0,20}?(?:secret|sk)', '[A-Za-z0-9/+]{40}'),
    minEntropy: 4,
    allow: [/EXAMPLEKEY$/],
  },
  ...['ghp', 'gho', 'ghu', 'ghs', 'ghr'].map((prefix) => ({
    id: `github-${prefix}`,
    type: 'GitHub Token',
    keywords: [`${prefix}_`],
    pattern: new RegExp(`\\b${prefix}_[A-Za-z0-9]{36}\\b`, 'g'),
    valid: checksumOk,
  })),
  {
    id: 'github-fine-grained-pat',
    type: 'GitHub Token',
    keywords: ['github_pat_'],
    pattern: /\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b/g,
    minEntropy: 4,
  },
  { id: 'gitlab-pat', type: 'GitLab Token', keywords: ['glpat-'], pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, minEntropy: 3.5 },
  {
    id: 'gitlab-token',
    type: 'GitLab Token',
    // runner, deploy, pipeline-trigger, CI build, incoming-mail, feed, SCIM/OAuth, agent tokens
    keywords: ['glrt-', 'gldt-', 'glptt-', 'glcbt-', 'glimt-', 'glft-', 'glsoat-', 'gloas-', 'glagent-'],
    pattern: /\bgl(?:rt|dt|ptt|cbt|imt|ft|soat|oas|agent)-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g,
    minEntropy: 3.5,
  },
  { id: 'gitlab-runner-registration-token', type: 'GitLab Token', keywords: ['gr1348941'], pattern: /\bGR1348941[A-Za-z0-9_-]{20}(?![A-Za-z0-9_-])/g, minEntropy: 3.5 },
  { id: 'npm-token', type: 'NPM tokens', keywords: ['npm_'], pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, valid: checksumOk },
  {
    id: 'npmrc-auth-token',
    type: 'NPM tokens',
    keywords: ['_auth'],
    pattern: /_auth(?:Token)?\s*=\s*["']?(?<s>[A-Za-z0-9_+/=-]{20,})/g,
    minEntropy: 3,
  },
  {
    id: 'pypi-token',
    type: 'PyPI Token',
    keywords: ['pypi-ageicHlwaS5vcmc'.toLowerCase(), 'pypi-agendgvzdc5wexbplm9yzw'],
    pattern: /\bpypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}/g,
  },
  {
    id: 'azure-storage-account-key',
    type: 'Azure Storage Account access key',
    keywords: ['accountkey'],
    pattern: /AccountKey\s*=\s*(?<s>[A-Za-z0-9+/]{86}==)/gi,
    minEntropy: 4,
  },
  {
    id: 'basic-auth-url',
    type: 'Basic Auth Credentials',
    keywords: ['://'],
    // a password equal to the user name (`postgres:postgres@`) is a local default
    pattern: /:\/\/(?<u>[^\s:@/'"`<>]*):(?!\k<u>@)(?<s>[^\s:@/'"`<>]{3,})@[A-Za-z0-9.-]+/g,
    valid: (password) => !isPlaceholder(password),
  },
  {
    id: 'curl-basic-auth',
    type: 'Basic Auth Credentials',
    keywords: ['curl'],
    pattern: /\bcurl\b[^\n]*?\s(?:-u|--user)\s*["']?[^\s:'"]+:(?<s>[^\s'"]{3,})/g,
    valid: (password) => !isPlaceholder(password),
  },
  {
    id: 'cloudant',
    type: 'Cloudant Credentials',
    keywords: ['cloudant'],
    pattern: keyed('cloudant[\\w.-]{0,20}?(?:pass|pwd|api_?key|secret)', '[0-9a-f]{64}|[a-z]{24}'),
  },
  {
    id: 'ibm-cloud-iam',
    type: 'IBM Cloud IAM Key',
    keywords: ['ibm'],
    pattern: keyed('ibm[\\w.-]{0,30}?(?:api[_-]?key|iam|key)', '[A-Za-z0-9_-]{44}'),
    minEntropy: 4,
  },
  {
    id: 'ibm-cos-hmac',
    type: 'IBM COS HMAC Credentials',
    keywords: ['secret_access_key', 'secretaccesskey'],
    pattern: keyed('(?:ibm|cos|hmac)[\\w.-]{0,20}?secret[_-]?access[_-]?key', '[a-f0-9]{48}'),
  },
  {
    id: 'softlayer',
    type: 'SoftLayer Credentials',
    keywords: ['softlayer', 'sl_', 'slapi', 'sl-'],
    pattern: keyed('(?:softlayer|\\bsl)[_-]?(?:api)?[_-]?key', '[a-z0-9]{64}'),
  },
  { id: 'slack-token', type: 'Slack Token', keywords: ['xox'], pattern: /\bxox[abposr]-(?:\d+-)+[A-Za-z0-9-]{10,}/g, minEntropy: 3 },
  { id: 'slack-app-token', type: 'Slack Token', keywords: ['xapp-'], pattern: /\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+\b/gi, minEntropy: 3 },
  {
    id: 'slack-webhook',
    type: 'Slack Token',
    keywords: ['hooks.slack.com'],
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{40,}/g,
    minEntropy: 4,
  },
  {
    id: 'discord-bot-token',
    type: 'Discord Bot Token',
    keywords: [],
    pattern: /\b[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}\b/g,
    minEntropy: 4,
  },
  { id: 'telegram-bot-token', type: 'Telegram Bot Token', keywords: [':aa'], pattern: /\b\d{8,10}:AA[A-Za-z0-9_-]{32,33}(?![A-Za-z0-9_-])/g, minEntropy: 3.5 },
  { id: 'mailchimp-api-key', type: 'Mailchimp Access Key', keywords: ['-us'], pattern: /\b[0-9a-f]{32}-us\d{1,2}\b/g, minEntropy: 3 },
  { id: 'sendgrid-api-key', type: 'SendGrid API Key', keywords: ['sg.'], pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, minEntropy: 4 },
  { id: 'twilio-api-key', type: 'Twilio API Key', keywords: ['sk'], pattern: /\bSK[0-9a-fA-F]{32}\b/g, minEntropy: 3 },
  {
    id: 'twilio-auth-token',
    type: 'Twilio API Key',
    keywords: ['twilio'],
    pattern: keyed('twilio[\\w.-]{0,20}?(?:auth|token|secret)', '[0-9a-f]{32}'),
    minEntropy: 3,
  },
  {
    id: 'stripe-secret-key',
    type: 'Stripe Access Key',
    keywords: ['sk_live', 'rk_live', 'sk_test', 'rk_test', 'sk_prod', 'rk_prod'],
    pattern: /\b[rs]k_(?:live|test|prod)_[A-Za-z0-9]{20,247}\b/g,
    minEntropy: 3,
    allow: [/^sk_test_4eC39HqLyjWDarjtT1zdp7dc$/], // Stripe's documentation key
  },
  {
    id: 'square',
    type: 'Square OAuth Secret',
    keywords: ['sq0csp-', 'sq0atp-', 'eaaa'],
    pattern: /\b(?:sq0csp-[A-Za-z0-9_-]{43}|sq0atp-[A-Za-z0-9_-]{22}|EAAA[A-Za-z0-9_-]{60})(?![A-Za-z0-9_-])/g,
    minEntropy: 3.5,
  },
  { id: 'shopify', type: 'Shopify Token', keywords: ['shpat_', 'shpss_', 'shpca_', 'shppa_'], pattern: /\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b/g, minEntropy: 3 },
  { id: 'google-api-key', type: 'Google API Key', keywords: ['aiza'], pattern: /\bAIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g, minEntropy: 3.5 },
  {
    id: 'gcp-oauth-client-secret',
    type: 'Google OAuth Client Secret',
    keywords: ['gocspx-'],
    pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/g,
    minEntropy: 3.5,
  },
  { id: 'heroku-api-key', type: 'Heroku API Key', keywords: ['hrku-'], pattern: /\bHRKU-AA[A-Za-z0-9_-]{58}(?![A-Za-z0-9_-])/g, minEntropy: 4 },
  {
    id: 'heroku-api-key-uuid',
    type: 'Heroku API Key',
    keywords: ['heroku'],
    pattern: keyed('heroku[\\w.-]{0,20}?(?:key|token|secret)', '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'),
  },
  { id: 'atlassian-api-token', type: 'Atlassian API Token', keywords: ['atatt3'], pattern: /\bATATT3[A-Za-z0-9_=-]{180,200}(?![A-Za-z0-9_=-])/g, minEntropy: 4 },
  {
    id: 'atlassian-legacy-token',
    type: 'Atlassian API Token',
    keywords: ['atlassian', 'jira', 'confluence'],
    pattern: keyed('(?:atlassian|jira|confluence)[\\w.-]{0,20}?(?:token|key|secret)', '[A-Za-z0-9]{24}'),
    minEntropy: 3.5,
  },
  {
    id: 'datadog-key',
    type: 'Datadog Key',
    keywords: ['datadog', 'dd_api', 'dd_app', 'ddapi', 'ddapp'],
    pattern: keyed('(?:datadog|\\bdd)[_.-]?(?:api|app(?:lication)?)[_.-]?key', '[a-f0-9]{40}|[a-f0-9]{32}'),
    minEntropy: 3,
  },
  { id: 'vault-service-token', type: 'HashiCorp Vault Token', keywords: ['hvs.'], pattern: /\bhvs\.[A-Za-z0-9_-]{90,120}(?![A-Za-z0-9_-])/g, minEntropy: 4 },
  { id: 'vault-batch-token', type: 'HashiCorp Vault Token', keywords: ['hvb.'], pattern: /\bhvb\.[A-Za-z0-9_-]{138,300}(?![A-Za-z0-9_-])/g, minEntropy: 4 },
  {
    id: 'terraform-cloud-token',
    type: 'Terraform Cloud Token',
    keywords: ['.atlasv1.'],
    pattern: /\b[a-z0-9]{14}\.atlasv1\.[a-z0-9_=-]{60,70}(?![a-z0-9_=-])/gi,
    minEntropy: 4,
  },
  {
    id: 'doppler-token',
    type: 'Doppler Token',
    keywords: ['dp.'],
    pattern: /\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}\b/g,
    minEntropy: 4,
  },
  { id: 'databricks-token', type: 'Databricks Token', keywords: ['dapi'], pattern: /\bdapi[a-f0-9]{32}(?:-\d)?\b/g, minEntropy: 3 },
  { id: 'postman-api-key', type: 'Postman API Key', keywords: ['pmak-'], pattern: /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/gi, minEntropy: 3 },
  { id: 'huggingface-token', type: 'Hugging Face Token', keywords: ['hf_', 'api_org_'], pattern: /\b(?:hf_|api_org_)[A-Za-z]{34}\b/g, minEntropy: 3.5 },
  {
    id: 'anthropic-api-key',
    type: 'Anthropic API Key',
    keywords: ['sk-ant-'],
    pattern: /\bsk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA(?![A-Za-z0-9_-])/g,
    minEntropy: 4,
  },
  {
    id: 'openai-api-key',
    type: 'OpenAI Token',
    keywords: ['t3blbkfj'],
    pattern: /\bsk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g,
    minEntropy: 4,
  },
  { id: 'artifactory-api-key', type: 'Artifactory Credentials', keywords: ['akcp'], pattern: /\bAKCp[A-Za-z0-9]{69}\b/g, minEntropy: 4 },
  { id: 'artifactory-reference-token', type: 'Artifactory Credentials', keywords: ['cmvmd'], pattern: /\bcmVmd[A-Za-z0-9]{59}\b/g, minEntropy: 4 },
  { id: 'age-secret-key', type: 'Age Secret Key', keywords: ['age-secret-key-1'], pattern: /\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b/g, minEntropy: 4 },
  { id: 'alibaba-access-key-id', type: 'Alibaba Access Key', keywords: ['ltai'], pattern: /\bLTAI[A-Za-z0-9]{20}\b/g, minEntropy: 3.5 },
  { id: 'azure-ad-client-secret', type: 'Azure AD Client Secret', keywords: ['q~'], pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g, minEntropy: 4 },
  { id: 'braintree-access-token', type: 'Braintree Access Token', keywords: ['access_token$'], pattern: /\baccess_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}\b/g, minEntropy: 3.5 },
  { id: 'clojars-api-token', type: 'Clojars API Token', keywords: ['clojars_'], pattern: /\bCLOJARS_[a-z0-9]{60}\b/gi, minEntropy: 4 },
  { id: 'cloudflare-origin-ca-key', type: 'Cloudflare Origin CA Key', keywords: ['v1.0-'], pattern: /\bv1\.0-[a-f0-9]{24}-[a-f0-9]{146}\b/g, minEntropy: 3.5 },
  {
    id: 'cloudflare-api-token',
    type: 'Cloudflare API Token',
    keywords: ['cloudflare', 'cf_api'],
    pattern: keyed('(?:cloudflare|\\bcf)[\\w.-]{0,20}?(?:token|key|secret)', '[A-Za-z0-9_-]{40}'),
    minEntropy: 4,
  },
  { id: 'databricks-token-legacy', type: 'Databricks Token', keywords: ['dose'], pattern: /\bdose[a-f0-9]{32}(?:-\d)?\b/g, minEntropy: 3 },
  { id: 'digitalocean-token', type: 'DigitalOcean Token', keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'], pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/g, minEntropy: 3 },
  { id: 'discord-webhook', type: 'Discord Webhook', keywords: ['/api/webhooks/'], pattern: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,68}/g, minEntropy: 4 },
  { id: 'docker-hub-pat', type: 'Docker Hub Token', keywords: ['dckr_pat_'], pattern: /\bdckr_pat_[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])/g, minEntropy: 3.5 },
  { id: 'dynatrace-api-token', type: 'Dynatrace API Token', keywords: ['dt0c01.'], pattern: /\bdt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b/gi, minEntropy: 4 },
  { id: 'easypost-api-key', type: 'EasyPost API Key', keywords: ['ezak', 'eztk'], pattern: /\bEZ[AT]K[a-z0-9]{54}\b/gi, minEntropy: 4 },
  { id: 'flutterwave-secret-key', type: 'Flutterwave Secret Key', keywords: ['flwseck'], pattern: /\bFLWSECK(?:_TEST)?-[a-h0-9]{32}-X\b/gi, minEntropy: 3 },
  { id: 'frameio-api-token', type: 'Frame.io API Token', keywords: ['fio-u-'], pattern: /\bfio-u-[A-Za-z0-9_=-]{64}(?![A-Za-z0-9_=-])/g, minEntropy: 4 },
  { id: 'gcp-access-token', type: 'Google OAuth Access Token', keywords: ['ya29.'], pattern: /\bya29\.[A-Za-z0-9_-]{30,}(?![A-Za-z0-9_-])/g, minEntropy: 4 },
  { id: 'grafana-cloud-token', type: 'Grafana Token', keywords: ['glc_'], pattern: /\bglc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/=])/g, minEntropy: 4 },
  { id: 'grafana-service-account-token', type: 'Grafana Token', keywords: ['glsa_'], pattern: /\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b/g, minEntropy: 4 },
  { id: 'groq-api-key', type: 'Groq API Key', keywords: ['gsk_'], pattern: /\bgsk_[A-Za-z0-9]{52}\b/g, minEntropy: 4 },
  { id: 'langsmith-api-key', type: 'LangSmith API Key', keywords: ['lsv2_'], pattern: /\blsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}\b/g, minEntropy: 3.5 },
  { id: 'linear-api-key', type: 'Linear API Key', keywords: ['lin_api_'], pattern: /\blin_api_[A-Za-z0-9]{40}\b/g, minEntropy: 4 },
  {
    id: 'mailgun-api-key',
    type: 'Mailgun API Key',
    keywords: ['mailgun'],
    pattern: keyed('mailgun[\\w.-]{0,20}?(?:key|token|secret)', 'key-[a-f0-9]{32}|[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}'),
    minEntropy: 3,
  },
  { id: 'mapbox-secret-token', type: 'Mapbox Secret Token', keywords: ['sk.eyj'], pattern: /\bsk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g, minEntropy: 4 },
  { id: 'new-relic-api-key', type: 'New Relic API Key', keywords: ['nrak-', 'nrii-'], pattern: /\bNR(?:AK|II)-[A-Za-z0-9]{27}\b/g, minEntropy: 3.5 },
  { id: 'notion-token', type: 'Notion Token', keywords: ['ntn_'], pattern: /\bntn_\d{11}[A-Za-z0-9]{35}\b/g, minEntropy: 4 },
  {
    id: 'okta-api-token',
    type: 'Okta API Token',
    keywords: ['okta'],
    pattern: keyed('okta[\\w.-]{0,20}?(?:token|key|secret)', '00[A-Za-z0-9_-]{40}'),
    minEntropy: 4,
  },
  { id: 'perplexity-api-key', type: 'Perplexity API Key', keywords: ['pplx-'], pattern: /\bpplx-[A-Za-z0-9]{48}\b/g, minEntropy: 4 },
  { id: 'planetscale-token', type: 'PlanetScale Token', keywords: ['pscale_'], pattern: /\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,64}(?![A-Za-z0-9_.=-])/g, minEntropy: 4 },
  { id: 'prefect-api-token', type: 'Prefect API Token', keywords: ['pnu_'], pattern: /\bpnu_[A-Za-z0-9]{36}\b/g, minEntropy: 4 },
  { id: 'pulumi-api-token', type: 'Pulumi Access Token', keywords: ['pul-'], pattern: /\bpul-[a-f0-9]{40}\b/g, minEntropy: 3 },
  { id: 'readme-api-token', type: 'ReadMe API Token', keywords: ['rdme_'], pattern: /\brdme_[a-z0-9]{70}\b/g, minEntropy: 4 },
  { id: 'replicate-api-token', type: 'Replicate API Token', keywords: ['r8_'], pattern: /\br8_[A-Za-z0-9]{37}\b/g, minEntropy: 4 },
  { id: 'rubygems-api-key', type: 'RubyGems API Key', keywords: ['rubygems_'], pattern: /\brubygems_[a-f0-9]{48}\b/g, minEntropy: 3 },
  { id: 'sendinblue-api-key', type: 'Brevo (Sendinblue) API Key', keywords: ['xkeysib-'], pattern: /\bxkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}\b/g, minEntropy: 3.5 },
  { id: 'sentry-auth-token', type: 'Sentry Auth Token', keywords: ['sntrys_', 'sntryu_'], pattern: /\b(?:sntrys_eyJ[A-Za-z0-9+/=_-]{50,}|sntryu_[a-f0-9]{64})(?![A-Za-z0-9+/=_-])/g, minEntropy: 4 },
  { id: 'shippo-api-token', type: 'Shippo API Token', keywords: ['shippo_'], pattern: /\bshippo_(?:live|test)_[a-f0-9]{40}\b/g, minEntropy: 3 },
  { id: 'stripe-webhook-secret', type: 'Stripe Webhook Secret', keywords: ['whsec_'], pattern: /\bwhsec_[A-Za-z0-9+/]{32,}={0,2}(?![A-Za-z0-9+/=])/g, minEntropy: 4 },
  { id: 'supabase-access-token', type: 'Supabase Access Token', keywords: ['sbp_'], pattern: /\bsbp_[a-f0-9]{40}\b/g, minEntropy: 3 },
  { id: 'teams-webhook', type: 'Microsoft Teams Webhook', keywords: ['webhook.office.com'], pattern: /https:\/\/[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/[A-Za-z0-9@/-]{60,}\/IncomingWebhook\/[A-Za-z0-9]{32}\/[A-Za-z0-9-]{36}/g, minEntropy: 4 },
  {
    id: 'vault-token-legacy',
    type: 'HashiCorp Vault Token',
    keywords: ['vault'],
    pattern: keyed('vault[\\w.-]{0,20}?token', 's\\.[A-Za-z0-9]{24}'),
    minEntropy: 3.5,
  },
  { id: 'xai-api-key', type: 'xAI API Key', keywords: ['xai-'], pattern: /\bxai-[A-Za-z0-9]{80}\b/g, minEntropy: 4 },
  {
    id: 'jwt',
    type: 'JSON Web Token',
    keywords: ['eyj'],
    pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
    // The jwt.io sample token's signature: documentation, not a credential.
    allow: [/SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c$/],
  },
  {
    id: 'private-key',
    type: 'Private Key',
    keywords: ['private key', 'putty-user-key-file'],
    // Anchored on the marker, reported only when key material follows it.
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?=[\s\S]{0,300}?[A-Za-z0-9+/]{40})|PuTTY-User-Key-File-\d(?=:)/g,
    hashText: (marker) => marker.replace(/^-+|-+$/g, ''),
    score: 9,
  },
  {
    id: 'private-key-base64',
    type: 'Private Key',
    keywords: ['ls0tls1crudjti'],
    // a PEM private key, base64-encoded again (Kubernetes Secrets, kubeconfig `client-key-data`)
    pattern: /\bLS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2}/g,
    valid: (encoded) => /PRIVATE KEY/.test(Buffer.from(encoded.slice(0, 120), 'base64').toString('latin1')),
    score: 9,
  },
  {
    id: 'wireguard-private-key',
    type: 'WireGuard Private Key',
    keywords: ['privatekey'],
    pattern: /PrivateKey\s*=\s*(?<s>[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)/g,
    minEntropy: 4,
  },
  {
    id: 'authorization-header',
    type: 'Authorization Header',
    keywords: ['authorization', 'api-key', 'apikey', 'auth-token'],
    pattern:
      /(?:authorization|x-api-key|api-key|x-auth-token)["']?\s*[:=]\s*["']?(?:(?:bearer|token|basic|apikey)\s+)?(?<s>[A-Za-z0-9._~+/-]{20,}=*)(?![A-Za-z0-9._~+/=-])/gi,
    minEntropy: 3.5,
  },
  ...CLI_PASSWORDS.map(cliPassword),
];

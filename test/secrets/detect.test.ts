import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { scanText, uniqueHits, shannonEntropy } from '../../src/secrets/index.js';

/** Lines in file types, key names and prose beyond the conformance corpus' templates. */
const secrets: Array<[string, string]> = [
  ['app.properties', 'db.password=Quartz-otter8812'],
  ['app.properties', 'spring.datasource.password = Tundra#4471x'],
  ['settings.toml', 'api_secret = "a8Fk29dLq0Zx7PwRt5YvB3nM1cJ6hE4s"'],
  ['Main.kt', 'val apiKey: String = "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"'],
  ['main.rs', 'const API_TOKEN: &str = "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF";'],
  ['Program.cs', 'private const string ClientSecret = "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF";'],
  ['config.php', "define('DB_PASSWORD', 'Harbor!maple2291');"],
  ['config.php', "$db_pass = 'Harbor!maple2291';"],
  ['config.php', "'password' => 'Harbor!maple2291',"],
  ['app.rb', 'config.api_key = "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"'],
  ['app.rb', 'API_KEY: "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"'],
  ['web.config', '<add key="ApiKey" value="Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF" />'],
  ['settings.xml', '<password>Harbor!maple2291</password>'],
  ['values.yaml', '  adminPassword: Harbor!maple2291'],
  ['.github/workflows/ci.yml', '      SLACK_BOT_TOKEN: xoxb-123456789012-1234567890123-Zq8wX2pL9mN4vB7cR1tY6uIo'],
  ['Dockerfile', 'ENV API_TOKEN=Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF'],
  ['Dockerfile', 'ENV API_TOKEN Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF'],
  ['notes.md', 'The staging database password is `Harbor!maple2291`.'],
  ['notes.md', 'password: Harbor!maple2291'],
  ['notes.txt', 'Use the token Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF for the partner API.'],
  ['run.sh', 'mysql -u root --password=Harbor!maple2291 orders'],
  ['run.sh', 'curl -u admin:Harbor!maple2291 https://x'],
  ['main.go', 'dbPwd := "Harbor!maple2291"'],
  ['main.go', 'cfg := Config{Password: "Harbor!maple2291"}'],
  ['app.py', 'conn = psycopg2.connect(host="db", password="Harbor!maple2291")'],
  ['app.py', 'client = Client(api_key="Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF")'],
  ['app.js', 'const opts = { secretAccessKey: "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dFg12345Ab" };'],
  ['app.ts', 'headers["x-api-key"] = "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF";'],
  ['app.ts', 'this.secret = "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF";'],
  ['docker-compose.yml', '      POSTGRES_PASSWORD: Harbor!maple2291'],
  ['k8s.yaml', '  password: SGFyYm9yIW1hcGxlMjI5MQ=='],
  ['terraform.tfvars', 'db_password = "Harbor!maple2291"'],
  ['.env', 'STRIPE_KEY=sk_live_Zq8wX2pL9mN4vB7cR1tY6uI3'],
  ['config.json', '{"client_secret":"Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"}'],
  ['a.ini', 'passwd = Harbor!maple2291'],
  ['setup.cfg', 'secret_key_base = 9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddcc'],
  ['.env', 'PGPASSWORD=Harbor!maple2291'],
  ['.env', 'MYSQL_ROOT_PASSWORD=Harbor!maple2291'],
  ['.env', 'SLACKTOKEN=Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF'],
  ['App.cs', 'var cs = "Server=db;Database=orders;User Id=sa;Password=Harbor!maple2291;";'],
  ['App.java', 'String url = "jdbc:postgresql://db:5432/orders?user=app&password=Harbor!maple2291";'],
  ['analysis.ipynb', '    "api_key = \\"Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF\\"\\n",'],
  ['schema.sql', "CREATE USER app WITH PASSWORD 'Harbor!maple2291';"],
  ['schema.sql', "CREATE USER 'app'@'%' IDENTIFIED BY 'Harbor!maple2291';"],
  ['deploy.ps1', '$secure = ConvertTo-SecureString "Harbor!maple2291" -AsPlainText -Force'],
  ['deploy.ps1', '$Password = "Harbor!maple2291"'],
  ['setup.bat', 'set DB_PASSWORD=Harbor!maple2291'],
  ['notes.md', 'The password for the staging VPN: Harbor!maple2291'],
  ['notes.md', 'Staging DB password is Harbor!maple2291 (rotate monthly).'],
  ['notes.md', '- API key: Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF'],
  ['build.gradle', 'password = "Harbor!maple2291"'],
  ['build.gradle', "signingConfigs { release { storePassword 'Harbor!maple2291' } }"],
  ['gradle.properties', 'signing.password=Harbor!maple2291'],
  ['.netrc', 'machine api.example.com login deploy password Harbor!maple2291'],
  ['kubeconfig', '    token: Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF'],
  ['config.lua', 'local api_key = "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"'],
  ['main.swift', 'let apiKey = "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"'],
  ['Main.scala', 'val apiSecret = "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"'],
  ['app.ex', 'config :app, api_key: "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"'],
  ['app.erl', '{api_key, "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"}'],
  ['deploy.yml', '        run: curl -H "Authorization: Bearer Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF" https://x'],
  ['nginx.conf', 'proxy_set_header X-Api-Key Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF;'],
  ['app.conf', 'auth_token "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF";'],
  ['secrets.auto.tfvars', 'datadog_api_key = "0f974ac37f3626358466f7d243923523"'],
  ['a.py', 'headers = {"PRIVATE-TOKEN": "glpat-wzHDj2VVynaYRQ0RGZJT"}'],
  ['a.py', 'session.auth = ("deploy", "Harbor!maple2291")'],
  ['a.py', 'openai.api_key = "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"'],
  ['a.yaml', 'client_secret: Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF'],
  ['a.yaml', 'webhookSecret: "whsec_Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"'],
  ['a.json', '{"accessKey": "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"}'],
  ['a.json', '{"encryption_key": "Dh2FUi8H39AD9fSnJtmlGTDomN7SF1zi+XyYgqBbMeY="}'],
  ['a.toml', '[auth]\nsecret_key = "Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF"'],
  ['a.rb', 'Stripe.api_key = ENV.fetch("STRIPE", "sk_live_3tehh5g73f3UpQ4emGDzH7K3")'],
  ['wp-config.php', "define('AUTH_SALT', 'Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF');"],
  ['a.env', 'WEBHOOK_SECRET=0e299616832bb6bcd7066884b327ae8f1b5c2fb4'],
  ['docs/staging.md', '| service | user | password |\n|---|---|---|\n| db | deploy |\n| password | Harbor!maple2291 |'],
  ['Info.plist', '<dict>\n  <key>API_TOKEN</key>\n  <string>Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF</string>\n</dict>'],
  ['values.yaml', 'db:\n  password: |-\n    Harbor!maple2291\n  port: 5432'],
  ['.env', 'DB_SENHA=Harbor!maple2291'],
  ['wp-config.php', "define('NONCE_SALT', 'Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF');"],
  ['config.py', 'ADMIN_PASSWORD = "Latest-Harbor42!"'],
  ['config.py', 'DB_PASSWORD = "Contest#Maple2291"'],
];

const nonSecrets: Array<[string, string]> = [
  ['notes.md', 'Set the password in the settings page, then click Save.'],
  ['notes.md', 'Your API key is shown on the dashboard under Settings → API.'],
  ['app.py', 'password = input("Password: ")'],
  ['app.py', 'token = request.args["token"]'],
  ['app.py', 'api_key = settings.API_KEY'],
  ['app.js', 'const token = await getToken();'],
  ['app.js', 'const password = req.body.password;'],
  ['values.yaml', '  existingSecret: orders-db-credentials'],
  ['values.yaml', '  passwordKey: postgres-password'],
  ['app.yaml', 'token_endpoint: https://auth.example.com/oauth/token'],
  ['main.go', 'var ErrBadPassword = errors.New("bad password")'],
  ['app.properties', 'password.min.length=12'],
  ['a.ts', 'const SECRET_HEADER = "X-Hub-Signature-256";'],
  ['a.ts', 'export const tokenKey = "auth.token";'],
  ['a.md', 'Run `git checkout 4f2c1a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39` to reproduce.'],
  ['a.json', '{"sha": "4f2c1a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39"}'],
  ['a.py', 'PASSWORD_RESET_TIMEOUT = 3600'],
  ['a.py', 'SESSION_COOKIE_NAME = "sessionid"'],
  ['a.yaml', 'password: ${DB_PASSWORD}'],
  ['a.yaml', 'password: !vault |'],
  ['a.yml', '      token: ${{ secrets.GITHUB_TOKEN }}'],
  ['a.tf', 'password = var.db_password'],
  ['a.tf', 'password = random_password.db.result'],
  ['a.java', 'String password = System.getenv("DB_PASSWORD");'],
  ['a.cs', 'var key = Configuration["ApiKey"];'],
  ['a.go', 'apiKey := os.Getenv("API_KEY")'],
  ['a.rb', "password = ENV.fetch('DB_PASSWORD')"],
  ['a.php', "$password = getenv('DB_PASSWORD');"],
  ['a.sh', 'read -s -p "Password: " PASSWORD'],
  ['a.md', '| `api_key` | string | Your API key |'],
  ['a.py', 'key = "user:profile:v2"'],
  ['a.py', 'cache_key = f"orders:{order_id}"'],
  ['a.yml', 'image: ghcr.io/acme/orders@sha256:4f2c1a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a394f2c1a9e8b7d6c5b4a3900ff'],
  ['a.js', 'const password = "";'],
  ['a.py', 'password = None'],
  ['a.txt', 'TOKEN_URL=https://login.example.com/token'],
  ['a.env', 'SECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:secret:prod-db-AbCdEf'],
  ['a.py', 'password_hash = "$2b$12$KIXQJ8vG1yF0q9ZC1k9OeuQ5Z3hX6c6bQ0v6ZpYH3m7nU2lW0kq1e"'],
  ['a.yaml', 'api_key: "{{ api_key }}"'],
  ['a.ini', 'password = <your password>'],
  ['a.env', 'DB_PASSWORD='],
  ['a.js', "i18n.t('settings.apiKey')"],
  ['a.go', '// Token is the access token used to call the API'],
  ['README.md', 'To rotate the secret key, run `rails credentials:edit` and restart the service.'],
  ['README.md', 'The token expires after 3600 seconds; refresh it with the refresh token endpoint.'],
  ['README.md', 'Pass your API key in the `X-Api-Key` header. Keys look like `sk_live_...`.'],
  ['docs/auth.md', 'Authorization: Bearer <token>'],
  ['docs/auth.md', 'Authorization: Bearer $TOKEN'],
  ['docs/auth.md', 'curl -H "Authorization: Bearer ${API_TOKEN}" https://api.example.com'],
  ['docs/auth.md', 'curl -u "$USER:$PASSWORD" https://api.example.com'],
  ['docs/auth.md', 'postgres://user:password@localhost:5432/db'],
  ['docs/auth.md', 'postgres://postgres:postgres@localhost:5432/app'],
  ['docs/auth.md', 'redis://:${REDIS_PASSWORD}@redis:6379'],
  ['docs/auth.md', 'mongodb://<username>:<password>@cluster0.mongodb.net'],
  ['docs/auth.md', 'amqp://guest:guest@localhost:5672/'],
  ['src/a.ts', "const re = /password\\s*=\\s*['\"](.+)['\"]/;"],
  ['src/a.ts', 'if (password.length < MIN_PASSWORD_LENGTH) throw new Error("too short");'],
  ['src/a.ts', 'const hashed = await bcrypt.hash(password, 10);'],
  ['src/a.py', 'assert response.json()["token_type"] == "bearer"'],
  ['src/a.py', 'HASH = "5d41402abc4b2a76b9719d911017c592"'],
  ['src/a.py', 'CHECKSUM = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"'],
  ['src/a.go', 'const userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"'],
  ['src/a.js', 'const FONT = "Inter-Variable-Regular-v4.woff2";'],
  ['src/a.js', 'import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";'],
  ['src/a.js', "const clientId = '1234567890-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com';"],
  ['config.yaml', 'secretName: orders-db'],
  ['config.yaml', 'secret: orders-tls'],
  ['config.yaml', 'tokenTTL: 15m'],
  ['config.yaml', 'key: app.kubernetes.io/name'],
  ['config.yaml', 'auth: required'],
  ['config.yaml', 'password_policy: strong'],
  ['config.yaml', 'api_key_header: X-Api-Key'],
  ['i18n/es.json', '"password": "Contraseña",'],
  ['i18n/ja.json', '"password": "パスワード",'],
  ['i18n/pt.json', '"token_help": "Cole seu token aqui",'],
  ['a.html', '<input type="password" name="pwd" value="" placeholder="••••••••">'],
  ['a.md', 'Commit `a94a8fe5ccb19ba61c4c0873d391e987982fbbd3` fixed it.'],
  ['a.txt', 'sha256sum: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
  ['go.sum', 'github.com/x/y v1.2.3 h1:abcdEFGHijklMNOPqrstUVWXyz0123456789+/ABCD='],
  ['requirements.txt', 'requests==2.31.0 --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f'],
  ['a.py', 'password = "hunter2"'],
  ['a.py', 'api_key = "sk_test_XXXXXXXXXXXXXXXXXXXXXXXX"'],
  ['a.env', 'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
  ['a.env', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['a.env', 'SECRET_KEY=your-secret-key-here'],
  ['a.env', 'JWT_SECRET=please-change-this-in-production'],
  ['a.env', 'PASSWORD=<PASSWORD>'],
  ['a.env', 'API_KEY=********'],
  ['a.env', 'API_KEY=REPLACE_WITH_YOUR_KEY'],
  ['a.py', 'API_KEY = "sk-...abcd"'],
  ['a.py', "DEFAULT_PASSWORD_HASHERS = ['django.contrib.auth.hashers.PBKDF2PasswordHasher']"],
  ['a.java', 'private static final String PASSWORD_PATTERN = "^(?=.*[0-9])(?=.*[a-z]).{8,}$";'],
  ['a.java', 'String token = jwtService.generateToken(user);'],
  ['a.kt', 'val secret: String by lazy { System.getenv("SECRET") }'],
  ['a.rs', 'let password = std::env::var("DB_PASSWORD")?;'],
  ['a.cs', 'public string Password { get; set; }'],
  ['a.swift', 'let token = try await auth.fetchToken()'],
  ['a.yaml', '        secretKeyRef:\n          name: db\n          key: password'],
  ['a.yaml', 'password: "{{ .Values.db.password }}"'],
  ['a.tf', 'secret_string = jsonencode({ password = random_password.db.result })'],
  ['a.md', 'The password must contain at least 12 characters, including a digit.'],
  ['a.md', 'Generate a token at https://github.com/settings/tokens and export it as GITHUB_TOKEN.'],
  ['a.md', '- `token` (string, required): the access token returned by /oauth/token'],
  ['notes.md', 'The password for the staging VPN is in 1Password under "VPN".'],
  ['notes.md', 'Tokens are valid for 24 hours; rotate secrets every 90 days.'],
  ['notes.md', 'Set `api_key:` in config.yml (see docs/configuration.md).'],
  ['notes.md', 'The secret is stored in AWS Secrets Manager as prod/orders/db.'],
  ['notes.md', 'password: (leave empty for local development)'],
  ['a.go', '// password is read from the DB_PASSWORD environment variable'],
  ['a.py', '# token: the bearer token returned by login()'],
  ['a.sql', "ALTER USER app WITH PASSWORD :'db_password';"],
  ['a.ps1', '$cred = Get-Credential -Message "Password for deploy"'],
  ['a.yaml', 'passwordSecretRef:\n  name: db-creds\n  key: password'],
  ['a.cs', 'var cs = $"Server=db;Password={password};";'],
  ['a.java', 'String url = "jdbc:postgresql://db:5432/orders?user=app&password=" + password;'],
  ['a.ipynb', '    "api_key = os.environ[\\"API_KEY\\"]\\n",'],
  ['a.md', 'Use `--password-stdin` to avoid the password ending up in shell history.'],
  ['a.md', 'The token endpoint is https://auth.example.com/oauth/token.'],
  ['a.txt', 'Password reset link expires after 30 minutes.'],
  ['a.env', 'PASSWORD_MIN_LENGTH=12'],
  ['a.env', 'TOKEN_EXPIRY=3600'],
  ['a.env', 'SECRET_BACKEND=vault'],
  ['a.env', 'KEY_VAULT_NAME=orders-kv-prod'],
  ['a.yaml', 'auth_method: oauth2'],
  ['a.yaml', 'tokenizer: whitespace'],
  ['a.py', 'passlib_ctx = CryptContext(schemes=["bcrypt"])'],
  ['a.json', '"keywords": ["secret", "token", "password"]'],
  ['a.html', '<label for="password">Password</label>'],
  ['a.rb', 'validates :password, length: { minimum: 12 }'],
  ['a.ts', 'type Credentials = { username: string; password: string };'],
  ['a.py', 'def check_password(password: str) -> bool:'],
  ['a.py', 'API_KEY_HEADER = "X-API-Key"'],
  ['a.py', 'SECRET_KEY_FALLBACKS = []'],
  ['a.js', 'const tokenRegex = /^[A-Za-z0-9]{32}$/;'],
  ['sealed-secret.yaml', 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n  encryptedData:\n    password: AgBy3i4OJSWK+PiTySYZZA99rT0JrCR8aVyKxF2eB9Gq7T3wzZ5mL1NcQ0pD8hU6vXk2sYjR4nW'],
  ['secrets.enc.json', '{\n  "password": "ENC[AES256_GCM,data:Kf2I6rPaXCPW,iv:oxlAWzhCuNQJp7=,type:str]",\n  "sops": {\n    "pgp": [{ "enc": "wcBMA0TXTz8GQ1nZAQgAzIcRb7gEVd7yR3TQk2Tfn4Q7r8x1j0pY6mHk3VqYw2sX9t" }],\n    "version": "3.8.1"\n  }\n}'],
  ['checkout.js', 'const stripeKey = "pk_live_51H8xY2CjK9mNpQrStUvWxYz0123456789abcdefGHIJKLmnop";'],
  ['assets.json', '{"app.css": "5520246d45d7d868a54e23940a793ad7"}'],
  ['release.py', 'RELEASE = "0229506cbbe42ac2baa550d85c1ed243d3102616"'],
  ['docs/config.md', '| key | type | default |\n|---|---|---|\n| `password` | string | `(none)` |\n| `token_ttl` | duration | `3600s` |'],
  ['Info.plist', '<dict>\n  <key>API_TOKEN_URL</key>\n  <string>https://auth.example.com/token</string>\n</dict>'],
  ['values.yaml', 'db:\n  password: |-\n    ${DB_PASSWORD}\n  port: 5432'],
  ['extension/manifest.json', '{"key": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxYz4Rt8Jq2W"}'],
  ['.gitconfig', '[user]\n\tsigningkey = 3AA5C34371567BD2'],
  ['tests/test_client.py', 'API_KEY = "1234567890abcdef"'],
  ['config.js', 'const apiToken = "abcdef0123456789ABCDEF";'],
  ['i18n/pt.json', '"senha": "Senha",'],
  ['docs/api.md', 'export GITHUB_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a'],
  ['docs/payments.md', 'stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"'],
];

const found = (file: string, text: string) => uniqueHits(scanText(`${text}\n`, file));

test('credentials are found across file types, key names and prose', () => {
  const missed = secrets.filter(([file, text]) => found(file, text).length === 0);
  assert.deepEqual(missed, []);
});

test('references, placeholders, labels, digests and code are not reported', () => {
  const reported = nonSecrets.filter(([file, text]) => found(file, text).length > 0);
  assert.deepEqual(reported, []);
});

test('the reported secret is the value itself, on its line and column', () => {
  const hits = found('app/settings.py', 'import os\nDB_PASSWORD = "Harbor!maple2291"  # prod');
  assert.equal(hits.length, 1);
  assert.deepEqual([hits[0]!.line, hits[0]!.column, hits[0]!.secret, hits[0]!.rule], [2, 16, 'Harbor!maple2291', 'keyword']);
});

/** Passwords on the command lines of database and remote-access clients, by each tool's own flag. */
const cliPasswords: Array<[string, string, string]> = [
  ['run.sh', 'mysql -u root -pS3cr3t!x9 orders', 'S3cr3t!x9'],
  ['backup.sh', "mysqldump -uadmin -p'Harbor!maple2291' db > db.sql", 'Harbor!maple2291'],
  ['check.sh', 'mysqladmin -u root -p"Harbor!maple2291" status', 'Harbor!maple2291'],
  ['Dockerfile', 'RUN /usr/bin/mariadb-dump -uroot -pTundra#4471x --all-databases > /dump.sql', 'Tundra#4471x'],
  ['restore.sh', 'mysql \\\n  -u root \\\n  -pTundra#4471x \\\n  orders < dump.sql', 'Tundra#4471x'],
  ['ops.py', 'subprocess.run(["mysql", "-uroot", "-pTundra#4471x", "orders"])', 'Tundra#4471x'],
  ['README.md', 'Run `mysql -uroot -pQuartz-otter8812 orders` to connect.', 'Quartz-otter8812'],
  ['deploy.sh', "sshpass -p 'Harbor!maple2291' ssh -p 2222 deploy@10.0.0.5", 'Harbor!maple2291'],
  ['ping.sh', 'redis-cli -h redis -a Harbor!maple2291 ping', 'Harbor!maple2291'],
  ['dump.sh', "mongodump --host db -u backup -p 'Quartz-otter8812' --out /backup", 'Quartz-otter8812'],
  ['init.sh', 'mongosh "mongodb://db:27017" -u admin -p Harbor!maple2291 --authenticationDatabase admin', 'Harbor!maple2291'],
  ['healthcheck.sh', "/opt/mssql-tools18/bin/sqlcmd -S localhost -U sa -P 'Harbor!maple2291' -Q 'SELECT 1'", 'Harbor!maple2291'],
  ['export.sh', 'bcp orders.dbo.items out items.dat -S db -U sa -PHarbor!maple2291 -c', 'Harbor!maple2291'],
  ['ldap.sh', 'ldapsearch -x -D "cn=admin,dc=example,dc=org" -w Harbor!maple2291 -b dc=example,dc=org', 'Harbor!maple2291'],
  ['cass.sh', 'cqlsh -u ops -p Harbor!maple2291 cass1', 'Harbor!maple2291'],
  ['win.bat', 'plink -ssh deploy@host -pw Harbor!maple2291 uptime', 'Harbor!maple2291'],
  ['rdp.sh', 'xfreerdp /v:10.0.0.5 /u:Administrator /p:Harbor!maple2291 /cert:ignore', 'Harbor!maple2291'],
  ['win.bat', 'cmdkey /generic:TERMSRV/host /user:deploy /pass:Harbor!maple2291', 'Harbor!maple2291'],
  ['share.sh', "smbclient //fs/share -U 'CORP\\deploy%Harbor!maple2291' -c ls", 'Harbor!maple2291'],
  ['mqtt.sh', 'mosquitto_pub -h broker -u sensor -P Harbor!maple2291 -t t -m 1', 'Harbor!maple2291'],
  ['influx.sh', "influx -username admin -password Harbor!maple2291 -execute 'SHOW DATABASES'", 'Harbor!maple2291'],
  ['db.sh', 'sqlplus -s app_owner/Harbor!maple2291@//db.example.com:1521/ORCLPDB1 @migrate.sql', 'Harbor!maple2291'],
  ['backup.sh', 'rman target=sys/Tundra#4471x@prod', 'Tundra#4471x'],
  ['export.sh', 'expdp system/Quartz-otter8812 directory=dump dumpfile=full.dmp full=y', 'Quartz-otter8812'],
  ['encrypt.sh', 'openssl enc -aes-256-cbc -salt -in backup.tar -out backup.enc -pass pass:Harbor!maple2291', 'Harbor!maple2291'],
  ['key.sh', "openssl rsa -in server.key -passin 'pass:Tundra#4471x' -out plain.key", 'Tundra#4471x'],
  ['p12.sh', 'openssl pkcs12 -export -in c.pem -inkey k.pem -passout pass:Quartz-otter8812 -out c.p12', 'Quartz-otter8812'],
  ['.gitlab-ci.yml', '  - docker login -u deploy -p Harbor!maple2291 registry.example.com', 'Harbor!maple2291'],
  ['login.sh', 'az login --service-principal -u 1a2b3c4d-0000-4000-8000-000000000000 -p Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF --tenant t', 'Zq8wX2pL9mN4vB7cR1tY6uI3oP5aS0dF'],
];

/** The same flags where they prompt, name a port or another option, or hold a reference or a placeholder. */
const notCliPasswords: Array<[string, string]> = [
  ['a.sh', 'mysql -p'],
  ['a.sh', 'mysql -u root -p orders'], // `-p VALUE` prompts: VALUE is the database
  ['a.sh', 'mysql -h db -P 3306 -u root -p'],
  ['a.sh', 'ssh -p 2222 deploy@host'],
  ['a.sh', 'scp -P 2222 file deploy@host:'],
  ['a.sh', 'docker run -d -p 3306:3306 -e MYSQL_ROOT_PASSWORD=$PW mysql:8'],
  ['a.sh', 'mkdir -p /var/lib/mysql'],
  ['a.sh', 'cp -p my.cnf /etc/mysql/'],
  ['a.sh', 'tar -C /var/lib/mysql -pxzf backup.tgz'],
  ['a.sh', 'gcc -I/usr/include/mysql -pthread -o app app.c'],
  ['a.sh', 'psql -h db -p 5432 -U app orders'],
  ['a.sh', 'pg_dump -h db -p 5432 orders'],
  ['a.sh', 'redis-cli -h redis -p 6379 ping'],
  ['a.sh', 'sqlcmd -S db -E -p'],
  ['a.sh', 'ldapsearch -x -D cn=admin -W -b dc=x'],
  ['a.sh', 'mongosh -u admin -p --authenticationDatabase admin'],
  ['a.sh', 'sshpass -f ~/.pw ssh -p 2222 host'],
  ['a.sh', 'openssl rsa -in k.pem -passin env:KEY_PASS -out plain.pem'],
  ['a.sh', 'sqlplus / as sysdba'],
  ['a.sh', 'sqlplus app_owner@//db:1521/ORCL @migrate.sql'],
  ['a.sh', 'sqlplus scott/tiger@orcl'], // the textbook password
  ['a.sh', 'sqlplus app/$DB_PASSWORD@orcl'],
  ['a.sh', 'sqlplus -s /nolog @script.sql'],
  ['a.sh', 'openssl req -new -key k.pem -passin file:/run/secrets/pw -out r.csr'],
  ['a.sh', 'openssl pkcs12 -export -passout pass:$P12_PASSWORD -out a.p12'],
  ['a.sh', 'openssl enc -d -aes-256-cbc -pass stdin -in a.enc'],
  ['a.sh', 'docker login -u deploy --password-stdin registry.example.com'],
  ['a.sh', 'mysql -p$MYSQL_PASSWORD'],
  ['a.sh', 'mysql -p${PASS}'],
  ['a.sh', 'mysql -p"${MYSQL_ROOT_PASSWORD}" orders'],
  ['a.sh', 'mysql -u root -p$(cat /run/secrets/db)'],
  ['a.sh', 'mysql -p<password>'],
  ['a.sh', 'mysql -pPASSWORD'],
  ['a.sh', 'mysql -pchangeme'],
  ['a.sh', 'mysql -proot'],
  ['a.sh', 'mysql -pyourpassword'],
  ['a.sh', 'mysql -u root -p******** orders'],
  ['a.sh', 'sshpass -p "$(pass show deploy)" ssh host'],
  ['a.sh', 'redis-cli -a $REDIS_PASSWORD ping'],
  ['a.sh', 'sqlcmd -S db -U sa -P "$SA_PASSWORD" -Q "SELECT 1"'],
  ['a.sh', 'docker login -u deploy -p $CI_REGISTRY_PASSWORD $CI_REGISTRY'],
  ['a.bat', 'mysql -uroot -p%MYSQL_PWD% orders'],
  ['docker-compose.yml', '      test: ["CMD", "mysqladmin", "ping", "-h", "localhost", "-uroot", "-p$$MYSQL_ROOT_PASSWORD"]'],
  ['site.yml', '  shell: mysql -u root -p{{ mysql_root_password }} < /tmp/schema.sql'],
  ['site.yml', "  shell: mysql -u root -p'{{ mysql_root_password }}' < /tmp/schema.sql"],
  ['README.md', 'Use `mysql -p` and type the password when asked.'],
  ['a.py', 'cmd = f"mysql -u{user} -p{password} {db}"'],
  ['a.py', 'cmd = f"mysql -u{user} -p{self.password} {db}"'],
  ['a.py', 'cmd = "mysql -u %s -p%s %s" % (user, pw, db)'],
  ['a.js', 'const cmd = `mysqldump -u${user} -p${password} ${db}`;'],
  ['A.java', 'String[] cmd = {"mysql", "-uroot", "-p"+password+"@"};'],
  ['a.sh', 'sshpass -p `pass show deploy` ssh deploy@host'],
  ['a.py', 'copy_id = f"sshpass -p {password} ssh-copy-id root@{host}"'],
  ['README.md', '`rdesktop -u Administrator -p passwd123 192.168.1.111:3389`'], // a textbook password
  ['README.md', 'mysql -uroot -p123456 -D orders < orders.sql'], // digits only, as under a password key
  ['a.php', 'exec("mysqldump -u root -p".$pass." db");'],
];

test('passwords given to database and remote-access clients by their flags', () => {
  const missed = cliPasswords.filter(([file, text, secret]) => !found(file, text).some((h) => h.secret === secret && h.rule.startsWith('cli-password-')));
  assert.deepEqual(missed, []);
  const reported = notCliPasswords.filter(([file, text]) => found(file, text).length > 0);
  assert.deepEqual(reported, []);
});

test('a password flag is reported on its line and column, once', () => {
  const hits = found('restore.sh', 'set -e\nmysql \\\n  -uroot \\\n  -p"Tundra#4471x" orders < dump.sql');
  assert.deepEqual(hits.map((h) => [h.rule, h.line, h.column, h.secret, h.type]), [['cli-password-mysql', 4, 6, 'Tundra#4471x', 'Secret Keyword']]);
});

test('GitHub tokens must carry their CRC32 checksum', () => {
  // ghp_ + 30 random characters + base62(CRC32) padded to 6
  const valid = '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';
  const broken = valid.slice(0, -1) + (valid.endsWith('Q') ? 'R' : 'Q');
  assert.equal(found('a.txt', valid).filter((h) => h.rule === 'github-ghp').length, 1);
  assert.equal(found('a.txt', broken).filter((h) => h.rule === 'github-ghp').length, 0);
});

test('inline allowlist comments silence their line (and the next, for nextline)', () => {
  const key = 'sk_live_3tehh5g73f3UpQ4emGDzH7K3';
  assert.equal(found('a.py', `KEY = "${key}"`).length, 1);
  assert.equal(found('a.py', `KEY = "${key}"  # pragma: allowlist secret`).length, 0);
  assert.equal(found('a.js', `const k = "${key}"; // gitleaks:allow`).length, 0);
  assert.equal(found('a.py', `# pragma: allowlist nextline secret\nKEY = "${key}"`).length, 0);
  assert.equal(found('a.py', `# pragma: allowlist nextline secret\nX = 1\nKEY = "${key}"`).length, 1);
});

test('private keys are reported at the BEGIN marker and hashed as detect-secrets does', () => {
  const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIICex4CAQACgYFBSeRp9rh3B+grb/YgeIZE6/+w3jbjGOH27qWDmV249eWMxYZ7', '-----END RSA PRIVATE KEY-----'].join('\n');
  const [hit] = found('id_rsa', pem);
  assert.equal(hit!.secret, '-----BEGIN RSA PRIVATE KEY-----');
  assert.equal(hit!.hashedSecret, 'be4fc4886bd949b369d5e092eb87494f12e57e5b'); // sha1('BEGIN RSA PRIVATE KEY')
  assert.equal(found('docs.md', 'Keys start with -----BEGIN RSA PRIVATE KEY----- and end with a footer.').length, 0);
});

test('entropy is measured in bits per character', () => {
  assert.equal(shannonEntropy('aaaa'), 0);
  assert.equal(shannonEntropy('abcd'), 2);
  assert.equal(shannonEntropy('0123456789abcdef'), 4);
});

test('lockfiles only hold digests of public artifacts; provider tokens are still found there', () => {
  const integrity = '"integrity": "sha512-m61LnsgBWij1z/+NW36Z9PetPx9DUmxTAD89nOtuRxJWBq4gTih0KscRE4WkydLu5kj7RVw8IdCr+NuI7BCqEQ=="';
  assert.equal(found('package-lock.json', integrity).length, 0);
  assert.equal(found('package-lock.json', '"resolved": "https://u: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@npm.pkg.github.com/x"').length, 1);
});

test('base64 of a PEM private key is a private key; base64 of an image is not a secret', () => {
  const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIICex4CAQACgYFBSeRp9rh3B+grb/YgeIZE6/+w3jbjGOH27qWDmV249eWMxYZ7', '-----END RSA PRIVATE KEY-----'].join('\n');
  const [hit] = found('kubeconfig', `    client-key-data: ${Buffer.from(pem).toString('base64')}`);
  assert.equal(hit?.rule, 'private-key-base64');
  const cert = Buffer.from(pem.replace(/RSA PRIVATE KEY/g, 'CERTIFICATE')).toString('base64');
  assert.deepEqual(found('kubeconfig', `    certificate-authority-data: ${cert}`), []);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 97 + 13) % 256))]);
  assert.deepEqual(found('analysis.ipynb', `      "image/png": "${png.toString('base64')}",`), []);
  // the same bytes without the PNG signature are just random bytes: reported
  assert.equal(found('analysis.ipynb', `      "blob": "${png.subarray(8).toString('base64')}",`).length, 1);
});

test('DER public keys are public; the matching private keys are secrets', () => {
  const pairs = [
    generateKeyPairSync('rsa', { modulusLength: 2048 }),
    generateKeyPairSync('rsa', { modulusLength: 1024 }),
    generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    generateKeyPairSync('ed25519'),
    generateKeyPairSync('x25519'),
  ];
  for (const { publicKey, privateKey } of pairs) {
    const pub = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const priv = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    assert.deepEqual(found('keys.json', `{"verifyWith": "${pub}"}`), [], `${publicKey.asymmetricKeyType} public key`);
    assert.equal(found('keys.json', `{"signWith": "${priv}"}`).length, 1, `${privateKey.asymmetricKeyType} private key`);
  }
});

test('a minified bundle (one long line) is read around what matters, columns intact', () => {
  const filler = 'function f(e,t){return e.map(function(r){return t(r)})};'.repeat(200);
  const line = `${filler}var c={password:"Harbor!maple2291",url:"https://api"};${filler}`;
  const hits = found('dist/app.min.js', line);
  assert.deepEqual(hits.map((h) => [h.line, h.secret, line.slice(h.column - 1, h.column - 1 + h.secret.length)]), [[1, 'Harbor!maple2291', 'Harbor!maple2291']]);
});

test('on a long line, a credential word inside a long quoted value does not cut the value short', () => {
  let seed = 11;
  const random = Array.from({ length: 1500 }, () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[seed >>> 26];
  }).join('');
  const value = `${random.slice(0, 900)}key${random.slice(900)}`;
  const hits = found('keys.json', `{"blob": "${value}"}`);
  assert.deepEqual(hits.map((h) => [h.rule, h.secret === value]), [['base64-entropy', true]]);
});

test('random keys of any length under a credential name are found whole, whatever the file type', () => {
  let seed = 2024;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 26;
  };
  const files = ['a.py', 'a.env', 'a.json', 'a.yaml', 'a.min.js', 'a.md'];
  let missed = 0;
  for (let i = 0; i < 600; i++) {
    const length = 20 + (i % 60) * (i % 7 === 0 ? 40 : 1);
    const v = Array.from({ length }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[next()]).join('');
    const file = files[i % files.length]!;
    const line = { 'a.json': `{"api_key": "${v}"}`, 'a.yaml': `api_key: "${v}"`, 'a.env': `API_KEY=${v}` }[file] ?? `api_key = "${v}"`;
    const text = file === 'a.min.js' ? `${'x'.repeat(1200)};${line}` : line;
    if (!found(file, text).some((h) => h.secret === v)) missed++;
  }
  assert.ok(missed <= 6, `${missed} of 600 missed`);
});

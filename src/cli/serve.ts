import type { Command } from 'commander';
import { flagName, loadConfig, OPTIONS, OUTPUT_TYPES, POLLER_TYPES, envName } from '../config/index.js';

const log = (line: string) => process.stderr.write(line + '\n');

/** `vigil serve`: the live monitoring service. Every setting also comes from vigil.yaml or the environment. */
export default function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Receive events over HTTP, evaluate the rules, deliver and store the alerts')
    .option('-c, --config <file>', 'settings file (default: ./vigil.yaml when it exists)')
    .option('-o, --output <spec...>', `add an output: type[,key=value…] with type one of ${OUTPUT_TYPES.join(', ')}`)
    .option('--poller <spec...>', `add a poller: type[,key=value…] with type one of ${POLLER_TYPES.join(', ')}`);
  const flags = new Map<string, string>();
  for (const option of OPTIONS) {
    if (option.secret) continue;
    const flag = option.alias ?? flagName(option);
    flags.set(flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()), option.path);
    cmd.option(`--${flag} <value>`, `${option.help} (${envName(option)})`);
  }
  cmd.addHelpText(
    'after',
    `\nSecrets come from the environment only: ${OPTIONS.filter((o) => o.secret).map(envName).join(', ')}.` +
      '\nPoller tokens too (VIGIL_OKTA_API_TOKEN, VIGIL_GITHUB_TOKEN, or the variable a poller names in token_env);' +
      '\nAWS credentials come from the usual AWS environment, profile or role.',
  );
  cmd.action(async (opts: Record<string, string | string[] | undefined>) => {
    const values: Record<string, string> = {};
    for (const [key, path] of flags) if (typeof opts[key] === 'string') values[path] = opts[key] as string;
    const config = loadConfig({ file: opts.config as string | undefined, flags: values, outputs: opts.output as string[] | undefined, pollers: opts.poller as string[] | undefined });
    // Loaded here, not at start: the service's framework, metrics and pollers take a while to load.
    const { closeOnSignals, runService } = await import('../server/index.js');
    const service = await runService(config, log);
    closeOnSignals(service, log);
  });
}

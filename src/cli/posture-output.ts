import { writeFileSync } from 'node:fs';

/** Writes to a file when one is given, else to stdout. */
export function writeOutput(file: string | undefined, text: string): void {
  if (file) writeFileSync(file, text);
  else process.stdout.write(text);
}

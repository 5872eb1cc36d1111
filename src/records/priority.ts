/** Falco's priorities, most severe first. The index is the severity rank. */
export const PRIORITIES = [
  'emergency',
  'alert',
  'critical',
  'error',
  'warning',
  'notice',
  'informational',
  'debug',
] as const;

export type Priority = (typeof PRIORITIES)[number];

const ALIASES: Record<string, Priority> = { info: 'informational', warn: 'warning' };

/** Parses a priority in any case ("WARNING", "Info"); undefined when it is not one. */
export function parsePriority(text: string): Priority | undefined {
  const lower = text.toLowerCase();
  if ((PRIORITIES as readonly string[]).includes(lower)) return lower as Priority;
  return ALIASES[lower];
}

/** Falco's spelling in alerts: "Warning", "Informational". */
export function displayPriority(p: Priority): string {
  return p[0]!.toUpperCase() + p.slice(1);
}

/** True when `p` is at least as severe as `minimum`. */
export function atLeast(p: Priority, minimum: Priority): boolean {
  return PRIORITIES.indexOf(p) <= PRIORITIES.indexOf(minimum);
}

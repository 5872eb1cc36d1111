import { FieldCatalog, type FieldDef } from '../../rules/fields.js';
import table from './fields.json' with { type: 'json' };

/**
 * The syscall source's catalogue: names and types only. vigil does not evaluate syscall
 * events, but it checks rules written for them exactly as Falco does.
 */
export function syscallCatalog(extra: FieldDef[] = []): FieldCatalog {
  const fields: FieldDef[] = table.fields.map((f) => ({
    arg: 'none',
    argKind: 'none',
    isList: false,
    ...f,
    ...(EITHER_ENDPOINT.has(f.name) ? { eitherEndpoint: true } : {}),
  })) as FieldDef[];
  return new FieldCatalog('syscall', [...fields, ...rawargFields(), ...extra], false);
}

const EITHER_ENDPOINT = new Set(['fd.ip', 'fd.net']);

/** evt.rawarg.NAME takes the type of the named syscall parameter (libsinsp replaces PT_DYN). */
function rawargFields(): FieldDef[] {
  const params: Record<string, string> = {
    res: 'PT_ERRNO', fd: 'PT_FD', size: 'PT_UINT32', uid: 'PT_UINT32', gid: 'PT_UINT32', pid: 'PT_PID',
    flags: 'PT_FLAGS32', mode: 'PT_MODE', addr: 'PT_SOCKADDR', tuple: 'PT_SOCKTUPLE', name: 'PT_FSPATH',
    path: 'PT_FSPATH', data: 'PT_BYTEBUF',
  };
  return Object.entries(params).map(([param, type]) => ({
    name: `evt.rawarg.${param}`,
    type,
    isList: false,
    arg: 'none',
    argKind: 'none',
    noRhs: true,
    noTransformer: true,
    description: `the raw value of the syscall parameter '${param}'`,
  }));
}

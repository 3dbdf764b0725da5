/**
 * The program invocations inside a container: `command` + `args`, or each command line of a
 * `sh -c` / `bash -c` script (split on newlines, `&&`, `||`, `;`, `|`), with the program named the way
 * the engine contracts key them (`vllm serve`, `ray start`, `python3 -m <module>`, `<entrypoint>`).
 */
export interface Invocation {
  readonly program: string;
  readonly argv: readonly string[];
}

const SHELLS = new Set(['/bin/sh', '/bin/bash', 'sh', 'bash']);
const PREFIXES = new Set(['exec', 'then', 'do', 'else', 'if', 'while', '!', '{', '(']);

function tokens(segment: string): string[] {
  return segment
    .trim()
    .split(/\s+/)
    .map((t) => t.replace(/^['"]|['"]$/g, ''))
    .filter((t) => t !== '');
}

function programOf(argv: string[]): Invocation {
  let rest = [...argv];
  for (;;) {
    const head = rest[0];
    if (head === undefined) return { program: '', argv: [] };
    if (PREFIXES.has(head) || /^[A-Z_][A-Z0-9_]*=/.test(head)) rest = rest.slice(1);
    else if (head === 'timeout') rest = rest.slice(2);
    else break;
  }
  const [bin, sub, third] = rest;
  if (/(^|\/)python3?$/.test(bin) && sub === '-m') return { program: `python3 -m ${third}`, argv: rest.slice(3) };
  if (bin === 'vllm' || bin === 'ray') return { program: `${bin} ${sub}`, argv: rest.slice(2) };
  return { program: bin, argv: rest.slice(1) };
}

export function invocations(command: readonly string[] | undefined, args: readonly string[] | undefined): Invocation[] {
  const cmd = command ?? [];
  const argv = args ?? [];
  if (cmd.length === 0) return [{ program: '<entrypoint>', argv }];
  const shell = SHELLS.has(cmd[0]) && (cmd[1] === '-c' || argv[0] === '-c');
  if (!shell) return [programOf([...cmd, ...argv])];
  // `sh -c SCRIPT NAME ARGS...`: "$@" expands to ARGS.
  const all = [...cmd.slice(1), ...argv].filter((a) => a !== '-c');
  const [script, , ...positional] = all;
  return script
    .split(/\n|&&|\|\||;|\|/)
    .map((segment) => tokens(segment).flatMap((t) => (t === '$@' || t === '"$@"' ? positional : [t])))
    .filter((t) => t.length > 0)
    .map(programOf);
}

/** `--flag` and `--flag=value` -> `--flag`; short flags (`-c`) too. Values are not flags. */
export function flagsOf(argv: readonly string[]): string[] {
  return argv.filter((a) => /^--?[A-Za-z][\w-]*(=.*)?$/.test(a) && !/^-\d/.test(a)).map((a) => a.replace(/=.*$/, ''));
}

/** Env names a script reads itself: `$NAME`, `${NAME}`, `os.environ["NAME"]`, `getenv("NAME")`. */
export function scriptReads(command: readonly string[] | undefined, args: readonly string[] | undefined, name: string): boolean {
  const text = [...(command ?? []), ...(args ?? [])].join('\n');
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\$\\{?${n}\\b|environ\\[["']${n}["']\\]|getenv\\(["']${n}["']`).test(text);
}

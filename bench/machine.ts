/** The machine a benchmark ran on, as printed by `npm run bench` and recorded in docs/benchmarks.md. */
import * as os from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly ramGiB: number;
  readonly node: string;
  readonly platform: string;
  /** ISO date (UTC) of the run. */
  readonly date: string;
  /** 1-minute load average when the run started: other processes on the machine skew the timings. */
  readonly load1: number;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown cpu',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().slice(0, 10),
    load1: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu} x ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.platform}, node ${m.node}, ${m.date} (load average ${m.load1} at start)`;
}

// The load conditions of each measurement: the machine is shared, so every figure carries what else was
// running (load average, how busy all cores were) and what the backend nodes themselves spent (CPU per write).
import { readFileSync } from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100;

function machineTicks() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const values = fields.map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { idle, total };
}

function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Runs `fn` and adds `load`: load average before/after, all cores' busy %, and the CPU ms of `pids` (the nodes). */
export async function withLoad(fn, pids = []) {
  const loadBefore = os.loadavg()[0];
  const machineBefore = machineTicks();
  const before = pids.map(processTicks);
  const started = performance.now();
  const result = await fn();
  const wallMs = performance.now() - started;
  const machineAfter = machineTicks();
  const nodeCpuMs = pids.reduce((sum, pid, i) => sum + ((processTicks(pid) - before[i]) * 1000) / TICKS_PER_SECOND, 0);
  const total = machineAfter.total - machineBefore.total;
  return {
    ...result,
    load: {
      loadavg1Before: Math.round(loadBefore * 100) / 100,
      loadavg1After: Math.round(os.loadavg()[0] * 100) / 100,
      cores: os.cpus().length,
      machineBusyPercent: total ? Math.round((1 - (machineAfter.idle - machineBefore.idle) / total) * 1000) / 10 : null,
      nodesCpuMs: Math.round(nodeCpuMs),
      wallMs: Math.round(wallMs),
    },
  };
}

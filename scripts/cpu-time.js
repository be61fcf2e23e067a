// CPU time of a build step, which tells more than its wall time on a machine shared with other work, and the
// load average to print beside it.
const fs = require('fs');
const os = require('os');

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS = 100;

/**
 * What /proc says of process `pid` (`'self'` or a number): its parent, the CPU seconds (user + sys) it used
 * (`own`, all its threads) and those of the child processes it waited for (`children`); null when the process
 * is gone, or off Linux.
 */
function processTimes(pid = 'self') {
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The fields after the command name (which may hold spaces and parentheses) start at state (field 3).
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return {
    ppid: fields[1],
    own: (fields[11] + fields[12]) / TICKS, // utime + stime
    children: (fields[13] + fields[14]) / TICKS // cutime + cstime
  };
}

/**
 * CPU seconds (user + sys) used so far by this process (all its threads: rspack's too) and, unless
 * `children` is false, by the child processes it waited for (read from /proc on Linux; elsewhere this
 * process only).
 */
function cpuSeconds({ children = true } = {}) {
  const own = process.cpuUsage();
  const reaped = children ? (processTimes()?.children ?? 0) : 0;
  return (own.user + own.system) / 1e6 + reaped;
}

/** At this process's exit, logs `  <label>: N s CPU` (its own and its waited-for children's). */
function logCpuAtExit(label) {
  process.on('exit', () => console.log(`  ${label}: ${cpuSeconds().toFixed(1)} s CPU`));
}

/** The machine's load average over 1, 5 and 15 minutes, as `0.4 1.2 2.0`. */
function loadAverage() {
  return os
    .loadavg()
    .map(x => x.toFixed(1))
    .join(' ');
}

module.exports = { cpuSeconds, logCpuAtExit, loadAverage, processTimes };

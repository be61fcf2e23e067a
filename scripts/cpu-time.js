// CPU time of a build step, which tells more than its wall time on a machine shared with other work.
const fs = require('fs');

/**
 * CPU seconds (user + sys) used so far by this process (all its threads: rspack's too) and, unless
 * `children` is false, by the child processes it waited for (read from /proc on Linux; elsewhere this
 * process only).
 */
function cpuSeconds({ children = true } = {}) {
  const own = process.cpuUsage();
  let reaped = 0;
  if (children) {
    try {
      const stat = fs.readFileSync('/proc/self/stat', 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      reaped = (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks
    } catch {
      /* not Linux */
    }
  }
  return (own.user + own.system) / 1e6 + reaped;
}

/** At this process's exit, logs `  <label>: N s CPU` (its own and its waited-for children's). */
function logCpuAtExit(label) {
  process.on('exit', () => console.log(`  ${label}: ${cpuSeconds().toFixed(1)} s CPU`));
}

module.exports = { cpuSeconds, logCpuAtExit };

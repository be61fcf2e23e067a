#!/usr/bin/env node
// First-start benchmark: a fresh clone of the repository, `npm ci`, the first `npm start` until the page
// answers (each build step timed from the lines it prints), then a second `npm start`. Prints wall time,
// CPU time (user + sys of the whole process tree, less sensitive to other load than wall time) and the
// load average of each step. Asserts nothing. Linux only (CPU time is read from /proc).
// Usage: node bench/boot/first-start.js [--source <repo>] [--dir <folder>] [--port N] [--skip-ci]
//   --source  what to clone (default: this repository); a fresh clone, never a worktree
//   --dir     scratch folder (default /tmp/odatis-vre-first-start): <dir>/odatis-vre is the clone and
//             <dir>/shared links to the source's ../shared sample data
//   --skip-ci reuse the clone and its node_modules of an earlier run (clean its build outputs only)
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn, spawnSync } = require('child_process');
const { loadAverage: load, processTimes } = require('../../scripts/cpu-time');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const source = path.resolve(option('--source', path.resolve(__dirname, '..', '..')));
const dir = path.resolve(option('--dir', path.join(os.tmpdir(), 'odatis-vre-first-start')));
const port = Number(option('--port', 8798));
const clone = path.join(dir, 'odatis-vre');
/** CPU seconds (user + sys, reaped children included) of a process and all its live descendants. */
function treeCpu(rootPid) {
  const stats = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const times = processTimes(name);
    if (!times) continue; // exited meanwhile
    stats.push({ pid: Number(name), ppid: times.ppid, seconds: times.own + times.children });
  }
  const inTree = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of stats)
      if (!inTree.has(s.pid) && inTree.has(s.ppid)) grew = inTree.add(s.pid) && true;
  }
  return stats.filter(s => inTree.has(s.pid)).reduce((sum, s) => sum + s.seconds, 0);
}

function answers(url) {
  return new Promise(resolve => {
    const req = http.get(url, res => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/**
 * Runs a command, timestamping its lines; marks a step at each line `isStep` accepts. Ends when the
 * command exits, or when `until()` resolves true (then the command is stopped). Returns the steps.
 */
function timed(label, command, args, { cwd, isStep = () => false, until = null } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd, detached: true, env: { ...process.env, PORT: '' } });
    let cpu = 0;
    let peakLoad = os.loadavg()[0];
    const sample = () => {
      try {
        cpu = Math.max(cpu, treeCpu(child.pid));
      } catch {
        /* the tree ended between two reads */
      }
      peakLoad = Math.max(peakLoad, os.loadavg()[0]);
    };
    const timer = setInterval(sample, 1000);
    const steps = [{ name: label, at: 0, cpu: 0, load: load() }];
    let done = false;
    const finish = error => {
      if (done) return;
      done = true;
      clearInterval(timer);
      steps.push({ name: 'end', at: Date.now() - started, cpu, load: load(), peakLoad });
      if (error) reject(error);
      else resolve(steps);
    };
    let output = '';
    const onData = data => {
      sample();
      for (const line of data.toString().split('\n')) {
        output += `${line}\n`;
        if (isStep(line))
          steps.push({ name: line.trim(), at: Date.now() - started, cpu, load: load() });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', code => {
      if (until)
        finish(new Error(`${label} exited with ${code} before the page answered:\n${output}`));
      else if (code !== 0)
        finish(new Error(`${label} exited with ${code}:\n${output.slice(-4000)}`));
      else finish();
    });
    if (until) {
      const poll = async () => {
        if (done) return;
        if (await until()) {
          sample();
          finish();
          process.kill(-child.pid, 'SIGTERM');
        } else setTimeout(poll, 200);
      };
      poll();
    }
  });
}

function report(title, steps) {
  const end = steps[steps.length - 1];
  console.log(
    `${title}: ${(end.at / 1000).toFixed(1)} s wall, ${end.cpu.toFixed(1)} s CPU (user+sys); load ${steps[0].load} → ${end.load}, 1-min peak ${end.peakLoad.toFixed(1)}`
  );
  // Each line as the build printed it, at its time since the start (steps may run side by side).
  for (let i = 1; i < steps.length - 1; i++) {
    console.log(`  at ${(steps[i].at / 1000).toFixed(1).padStart(6)} s  ${steps[i].name}`);
  }
}

async function main() {
  console.log(
    `First-start benchmark on ${os.cpus().length} cores, node ${process.version}; load average ${load()}`
  );
  const url = `http://127.0.0.1:${port}/lab/`;
  if (await answers(url))
    throw new Error(`Something already answers on ${url}: choose another --port.`);
  const skipCi =
    process.argv.includes('--skip-ci') && fs.existsSync(path.join(clone, 'node_modules'));
  if (!skipCi) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(source, '..', 'shared')), path.join(dir, 'shared'));
    const commit = spawnSync('git', [
      '-C',
      source,
      'rev-parse',
      '--short',
      'HEAD'
    ]).stdout.toString();
    report(
      `git clone ${source} (${commit.trim()})`,
      await timed('clone', 'git', ['clone', '-q', source, clone])
    );
    report(
      'npm ci',
      await timed('npm ci', 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: clone })
    );
  } else {
    // Back to a fresh clone's state, node_modules kept: no build output, no cache, no prepared data.
    spawnSync('npm', ['run', 'clean'], { cwd: clone, stdio: 'ignore' });
    for (const dir of ['node_modules/.cache', 'packages/app/data'])
      fs.rmSync(path.join(clone, dir), { recursive: true, force: true });
  }
  const start = ['start', '--', '--port', String(port)];
  // Steps begin with "• title"; side-by-side steps end with "  done in N s …: short", and child processes
  // log their own CPU time ("  short: N s CPU").
  const isStep = line => /^\s*•|^\s+done in |^\s+[\w ]+: [\d.]+ s CPU$/.test(line);
  const until = () => answers(url);
  report(
    'first npm start, to the page answering',
    await timed('start', 'npm', start, { cwd: clone, isStep, until })
  );
  report(
    'second npm start, to the page answering',
    await timed('start', 'npm', start, { cwd: clone, isStep, until })
  );
}

if (require.main === module) {
  main().catch(error => {
    console.error(error.message);
    process.exit(1);
  });
}

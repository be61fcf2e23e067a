// The TypeScript packages as `npm start` needs them: their lib/ JavaScript, transpiled with esbuild, file by
// file, with no type check and no declarations. On a fresh clone this takes seconds where `tsc -b` takes about
// 40 s of CPU. `tsc -b` (`npm test`, `npm run build:lib`, CI, `npm start -- --typecheck`) still type-checks and
// writes the same lib/ files with their declarations; it rebuilds whatever was only transpiled.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

/** The TypeScript projects of the build (the root tsconfig.json's references). */
function typescriptProjects() {
  const config = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
  return config.references.map(ref => path.join(root, ref.path));
}

/** A project's sources, output folder and module format, from its tsconfig.json (as tsc reads it). */
function projectPlan(ts, dir) {
  const file = path.join(dir, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error)
    throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dir, undefined, file);
  const { options } = parsed;
  const esm = [
    ts.ModuleKind.ES2015,
    ts.ModuleKind.ES2020,
    ts.ModuleKind.ES2022,
    ts.ModuleKind.ESNext
  ];
  const pkgType = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type;
  const format = esm.includes(options.module) || pkgType === 'module' ? 'esm' : 'cjs';
  const sources = parsed.fileNames.filter(f => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
  const output = source =>
    path.join(options.outDir, path.relative(options.rootDir, source)).replace(/\.tsx?$/, '.js');
  return { dir, file, sources, output, format, rootDir: options.rootDir, outDir: options.outDir };
}

const mtime = file => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;

/** Whether a project's lib/ lacks a source's output, or has one older than its source or configuration. */
function stalePlan(plan) {
  const config = Math.max(mtime(plan.file), mtime(path.join(root, 'tsconfig.base.json')));
  return plan.sources.some(source => {
    const out = mtime(plan.output(source));
    return out < 0 || out < mtime(source) || out < config;
  });
}

/** The plans of the projects (default: all of the build) whose lib/ is missing or older than their sources. */
function staleProjects(projects = typescriptProjects()) {
  const ts = require('typescript');
  return projects.map(dir => projectPlan(ts, dir)).filter(stalePlan);
}

/** Transpiles the projects of these plans (from `staleProjects`), side by side. */
async function transpile(plans) {
  const esbuild = require('esbuild');
  await Promise.all(
    plans.map(plan =>
      esbuild.build({
        entryPoints: plan.sources,
        outdir: plan.outDir,
        outbase: plan.rootDir,
        bundle: false,
        format: plan.format,
        platform: plan.format === 'cjs' ? 'node' : 'neutral',
        target: 'es2022',
        sourcemap: true,
        tsconfig: plan.file,
        // tsc's CommonJS output is strict; esbuild adds the directive only to ESM-derived code it knows is strict.
        banner: plan.format === 'cjs' ? { js: '"use strict";' } : undefined,
        logLevel: 'error'
      })
    )
  );
}

module.exports = { staleProjects, transpile, typescriptProjects };

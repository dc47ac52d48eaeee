#!/usr/bin/env node
// Writes each resource/operation node's canvas subtitle, `actionSubtitle(resources)` from
// nodes/shared/descriptions.ts, into its *.node.ts as a string literal. n8n's lint rule
// (n8n-nodes-base/node-class-description-missing-subtitle) accepts only a literal there, and
// its verification scanner ignores eslint-disable comments, so neither a call nor an imported
// constant will do. Run by `npm run build` before tsc; `--check` (run by `npm run lint`)
// rewrites nothing and fails when a node file's subtitle is not the one its operations give.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const NODES = ['AgentChat', 'GriptapeCloud', 'HaufeCopilot', 'OpenAiThreads'];

// The descriptions are TypeScript: load them through TypeScript's transpiler, so the subtitle
// comes from the source as it is now, with or without a previous build.
require.extensions['.ts'] = (module, filename) => {
	const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
		},
	});
	module._compile(outputText, filename);
};

const { actionSubtitle } = require(path.join(ROOT, 'nodes/shared/descriptions.ts'));

/** The subtitle property as the node files write it: the key on one line, the literal on the next. */
const SUBTITLE = /(\n\t\tsubtitle:\n\t\t\t)'(?:[^'\\\n]|\\.)*'/g;

function literal(text) {
	return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const check = process.argv.includes('--check');
const stale = [];
for (const name of NODES) {
	const file = path.join(ROOT, 'nodes', name, `${name}.node.ts`);
	const { resources } = require(path.join(ROOT, 'nodes', name, 'actions/router.ts'));
	const source = fs.readFileSync(file, 'utf8');
	const found = source.match(SUBTITLE) ?? [];
	if (found.length !== 1)
		throw new Error(
			`${path.relative(ROOT, file)}: expected one "subtitle:" followed by a string on the next line, found ${found.length}`,
		);
	const written = source.replace(
		SUBTITLE,
		(_match, key) => `${key}${literal(actionSubtitle(resources))}`,
	);
	if (written === source) continue;
	stale.push(path.relative(ROOT, file));
	if (!check) fs.writeFileSync(file, written);
}
if (check && stale.length) {
	console.error(
		`Stale subtitle in ${stale.join(', ')}: run \`node scripts/subtitles.js\` (npm run build does).`,
	);
	process.exit(1);
}
if (!check && stale.length) console.log(`Subtitle written: ${stale.join(', ')}`);

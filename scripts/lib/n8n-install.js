// Installs (once) the pinned n8n and the Node.js 24 it needs into .cache/, printing progress.
// Used by `npm run dev` and the end-to-end tests. A second call finds the install and returns.
//
// Why this way: the newest n8n needs Node >= 24 while this machine runs Node 20, so Node 24
// comes from the registry package that ships its binary. A plain `npm install n8n` fails here
// (a Kafka client's native build downloads sources), so dependency scripts are skipped and only
// the SQLite driver, which n8n needs, is rebuilt. It is an N-API addon, so building it with the
// local toolchain works for Node 24 too.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, '.cache');
const N8N_VERSION = '2.41.1';
const NODE_VERSION = '24.9.0';
const N8N_DIR = path.join(CACHE, `n8n-${N8N_VERSION}`);
// The older n8n releases the compatibility run (test/compat/) checks the package in: the
// maintained 1.x line, the first 2.x, and one release of 2.10 to 2.39, where n8n renews a
// credential's session on 401 only (see ServiceDefinition.renewSession), oldest first.
const COMPAT_VERSIONS = ['1.123.81', '2.0.3', '2.23.4'];
// The ones CI runs every time, not only when time allows: the oldest and the 401-only band.
const COMPAT_CI_VERSIONS = ['1.123.81', '2.23.4'];
// Older n8n (1.123.x up to at least 2.23.x) depends on SheetJS through a download address
// outside the registry; the same release is published on the registry under this name.
const OLD_N8N_OVERRIDES = { xlsx: 'npm:@e965/xlsx@0.20.2' };
const NODE_DIR = path.join(CACHE, `node-${NODE_VERSION}`);
const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;

// Straight to stderr: under Jest, console output is held back and decorated, and a long
// install should show its progress as it goes.
const log = (message) =>
	process.stderr.write(`[n8n-install ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

function run(command, args, options = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('error', reject);
		child.on('close', (code) =>
			code === 0
				? resolve(output)
				: reject(
						new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.slice(-4000)}`),
					),
		);
	});
}

/** Counts installed packages now and then, so a long install shows it is moving. */
function reportProgress(dir, label) {
	const started = Date.now();
	const timer = setInterval(() => {
		let count = 0;
		try {
			const modules = path.join(dir, 'node_modules');
			for (const entry of fs.readdirSync(modules)) {
				count += entry.startsWith('@') ? fs.readdirSync(path.join(modules, entry)).length : 1;
			}
		} catch {
			// Not there yet.
		}
		const state = count ? `${count} packages unpacked so far` : 'resolving and downloading';
		log(`${label}: ${Math.round((Date.now() - started) / 1000)} s, ${state}`);
	}, 20_000);
	return () => clearInterval(timer);
}

function npmInstallArgs(spec) {
	return [
		'install',
		spec,
		'--no-save',
		'--no-audit',
		'--no-fund',
		'--ignore-scripts',
		'--no-package-lock',
	];
}

async function ensureNode() {
	const binary = path.join(NODE_DIR, 'node_modules', NODE_PACKAGE, 'bin', 'node');
	if (fs.existsSync(binary)) return binary;
	log(`installing Node.js ${NODE_VERSION} (${NODE_PACKAGE}) into ${path.relative(ROOT, NODE_DIR)}`);
	fs.mkdirSync(NODE_DIR, { recursive: true });
	fs.writeFileSync(path.join(NODE_DIR, 'package.json'), '{"private": true}\n');
	await run('npm', npmInstallArgs(`${NODE_PACKAGE}@${NODE_VERSION}`), { cwd: NODE_DIR });
	const version = (await run(binary, ['--version'])).trim();
	log(`Node.js ${version} ready`);
	return binary;
}

async function ensureN8n(nodeBinary, version = N8N_VERSION) {
	const dir = n8nDir(version);
	const marker = path.join(dir, '.installed');
	const main = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (fs.existsSync(marker) && fs.existsSync(main)) return main;
	log(
		`installing n8n ${version} into ${path.relative(ROOT, dir)} (about 4 minutes and 3 GB the first time)`,
	);
	fs.mkdirSync(dir, { recursive: true });
	const manifest = { private: true };
	if (version !== N8N_VERSION) manifest.overrides = OLD_N8N_OVERRIDES;
	fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	const started = Date.now();
	const stop = reportProgress(dir, 'n8n install');
	try {
		await run('npm', npmInstallArgs(`n8n@${version}`), { cwd: dir });
	} finally {
		stop();
	}
	log(
		`n8n installed in ${Math.round((Date.now() - started) / 1000)} s; building its SQLite driver`,
	);
	const rebuildStarted = Date.now();
	// Built by the Node 24 binary's npm environment is not needed: an N-API addon loads on any
	// Node version, so the local toolchain and headers do.
	await run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false'], { cwd: dir });
	await run(nodeBinary, ['-e', "require('sqlite3')"], { cwd: dir });
	log(`SQLite driver built in ${Math.round((Date.now() - rebuildStarted) / 1000)} s`);
	fs.writeFileSync(marker, `${version}\n`);
	return main;
}

function n8nDir(version) {
	return path.join(CACHE, `n8n-${version}`);
}

/** Node and n8n (the pinned version unless another is asked for), once; returns where they are. */
async function ensureInstalled(version = N8N_VERSION) {
	const started = Date.now();
	const node = await ensureNode();
	const n8n = await ensureN8n(node, version);
	const seconds = Math.round((Date.now() - started) / 1000);
	if (seconds > 2) log(`n8n ${version} ready after ${seconds} s`);
	return { node, n8n, n8nDir: n8nDir(version), version };
}

/** Whether that n8n release is installed in .cache/ already (nothing is installed by asking). */
function isInstalled(version = N8N_VERSION) {
	const dir = n8nDir(version);
	return (
		fs.existsSync(path.join(dir, '.installed')) &&
		fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'))
	);
}

/**
 * The releases a compatibility run checks: those named in N8N_COMPAT_VERSIONS (comma- or
 * space-separated, e.g. CI's subset), or all of COMPAT_VERSIONS.
 */
function compatVersions() {
	const named = (process.env.N8N_COMPAT_VERSIONS ?? '').split(/[\s,]+/).filter(Boolean);
	return named.length ? named : COMPAT_VERSIONS;
}

module.exports = {
	ensureInstalled,
	isInstalled,
	run,
	N8N_VERSION,
	NODE_VERSION,
	N8N_DIR,
	COMPAT_VERSIONS,
	COMPAT_CI_VERSIONS,
	compatVersions,
	ROOT,
	CACHE,
};

// `node scripts/lib/n8n-install.js --compat-cached [version…]`: exits 0 when every named release
// (or every compatibility release) is cached (CI decides by it whether a release fits).
if (require.main === module && process.argv[2] === '--compat-cached') {
	const named = process.argv.slice(3);
	const versions = named.length ? named : COMPAT_VERSIONS;
	process.exitCode = versions.every((version) => isInstalled(version)) ? 0 : 1;
} else if (require.main === module) {
	// `node scripts/lib/n8n-install.js [version…]`: installs the pinned n8n, or the versions named.
	const versions = process.argv.slice(2);
	(async () => {
		for (const version of versions.length ? versions : [N8N_VERSION])
			await ensureInstalled(version);
	})().catch((error) => {
		console.error(error.message);
		process.exit(1);
	});
}

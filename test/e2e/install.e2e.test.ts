/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The README's command-line install, run as written: its shell block, with the packed tarball
 * in place of the package name, in a fresh home folder per Node.js version (the machine's, 22
 * and 24; npm is the machine's npm run by that Node.js). The nodes folder must then hold the
 * package alone (no `n8n-workflow`, no `isolated-vm`), and the pinned n8n, started on that
 * home's `.n8n` with nothing else loading the package, must list the five nodes and four
 * credentials. n8n's log is kept in test-results/install/.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
	listedTypes,
	PACKAGE,
	PACKAGE_CREDENTIAL_TYPES,
	PACKAGE_NODE_TYPES,
} from '../helpers/listed-types';

const { startN8n, N8nApi, freePort } = require('../../scripts/lib/n8n');
const { ensureInstalled, ROOT } = require('../../scripts/lib/n8n-install');
const {
	ensureNodeBinary,
	NODE_22_VERSION,
	NODE_24_VERSION,
} = require('../../scripts/lib/node-binary');

const ARTIFACTS = path.join(ROOT, 'test-results', 'install');
const NPM_CLI = path.join(
	path.dirname(fs.realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim())),
	'npm-cli.js',
);

/** The README's shell block that installs the package with npm. */
function readmeInstallBlock(): string {
	const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
	const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
	const block = blocks.find((text) => text.includes(`npm install ${PACKAGE}\n`));
	if (!block) throw new Error(`README.md has no sh block with "npm install ${PACKAGE}"`);
	return block;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-install-'));
let tarball: string;
const times: string[] = [];

/**
 * Runs the README's block with `node` and `npm` of that Node.js first on the PATH, in a new home
 * folder, as a shell of that user would; returns the home folder.
 */
async function installAsReadmeSays(label: string, nodeBinary: string): Promise<string> {
	const home = path.join(work, `home-${label}`);
	// Many homes have a node_modules folder: npm must still install into ~/.n8n/nodes.
	fs.mkdirSync(path.join(home, 'node_modules'), { recursive: true });
	const bin = path.join(work, `bin-${label}`);
	fs.mkdirSync(bin);
	fs.symlinkSync(nodeBinary, path.join(bin, 'node'));
	fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nexec "${nodeBinary}" "${NPM_CLI}" "$@"\n`, {
		mode: 0o755,
	});
	const script = readmeInstallBlock().replace(
		`npm install ${PACKAGE}\n`,
		`npm install "${tarball}"\n`,
	);
	// Only what a user's shell has: none of the npm_* settings `npm test` passes to its children
	// (ignore-scripts among them). Audit, funding and update notices send requests and install
	// nothing, so they are left out to keep the run offline.
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env))
		if (!/^npm_/i.test(key) && key !== 'NODE_ENV') env[key] = value;
	Object.assign(env, {
		HOME: home,
		PATH: `${bin}:${process.env.PATH}`,
		npm_config_audit: 'false',
		npm_config_fund: 'false',
		npm_config_update_notifier: 'false',
	});
	const started = Date.now();
	const output = await new Promise<string>((resolve, reject) => {
		const child = spawn('sh', ['-e', '-c', script], { cwd: home, env });
		let text = '';
		child.stdout.on('data', (chunk) => (text += chunk));
		child.stderr.on('data', (chunk) => (text += chunk));
		child.on('error', reject);
		child.on('close', (code) =>
			code === 0 ? resolve(text) : reject(new Error(`exit ${code}\n${text.slice(-3000)}`)),
		);
	});
	times.push(
		`${label}: npm install ${((Date.now() - started) / 1000).toFixed(1)} s (${output.trim().split('\n').at(-1)})`,
	);
	return home;
}

/** What landed in the nodes folder, and anywhere in the home folder, that is not the package. */
function expectPackageAlone(home: string) {
	const modules = path.join(home, '.n8n', 'nodes', 'node_modules');
	expect(fs.readdirSync(modules).filter((entry) => !entry.startsWith('.'))).toEqual([PACKAGE]);
	const found = execFileSync(
		'find',
		[home, '-name', 'n8n-workflow', '-o', '-name', 'isolated-vm'],
		{
			encoding: 'utf8',
		},
	);
	expect(found).toBe('');
	expect(fs.readdirSync(path.join(home, 'node_modules'))).toEqual([]);
	const manifest = JSON.parse(fs.readFileSync(path.join(modules, PACKAGE, 'package.json'), 'utf8'));
	expect(manifest.name).toBe(PACKAGE);
}

beforeAll(() => {
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	if (!fs.existsSync(path.join(ROOT, 'dist')))
		throw new Error('dist/ is missing: run `npm run build` first');
	const [{ filename }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: ROOT,
			encoding: 'utf8',
		}),
	);
	tarball = path.join(work, filename);
});

afterAll(() => {
	console.log(['', 'Install test', ...times].join('\n'));
	fs.rmSync(work, { recursive: true, force: true });
});

describe(`npm install in the nodes folder on the machine's Node.js (${process.version})`, () => {
	let home: string;
	let n8n: { baseUrl: string; stop(): Promise<void> } | undefined;

	beforeAll(async () => {
		home = await installAsReadmeSays(`node-${process.versions.node}`, process.execPath);
	});
	afterAll(async () => await n8n?.stop());

	it('installs the package alone', () => expectPackageAlone(home));

	it('is loaded by n8n from there: five nodes, four credentials', async () => {
		await ensureInstalled();
		const started = Date.now();
		const running = await startN8n({
			userFolder: home,
			port: await freePort(),
			logFile: path.join(ARTIFACTS, 'n8n.log'),
			installPackage: false,
		});
		n8n = running;
		times.push(`n8n start-up ${((Date.now() - started) / 1000).toFixed(1)} s`);
		const api = new N8nApi(running.baseUrl);
		await api.signIn();
		const { nodes, credentials } = await listedTypes(api);
		expect(nodes).toEqual(PACKAGE_NODE_TYPES);
		expect(credentials).toEqual(expect.arrayContaining(PACKAGE_CREDENTIAL_TYPES));
	});
});

describe.each([NODE_22_VERSION, NODE_24_VERSION])(
	'npm install in the nodes folder on Node.js %s',
	(version) => {
		it('installs the package alone', async () => {
			const home = await installAsReadmeSays(`node-${version}`, await ensureNodeBinary(version));
			expectPackageAlone(home);
		});
	},
);

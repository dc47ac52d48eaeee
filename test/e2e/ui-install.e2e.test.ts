/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * n8n's own installer (Settings → Community nodes → Install, Update, Uninstall), driven through
 * the REST endpoints the settings page calls, in the pinned n8n with an empty nodes folder. The
 * packed tarball is served by a private registry on 127.0.0.1 (test/helpers/registry.ts): n8n
 * runs `npm pack` against it, unpacks, drops the peer dependencies and installs the rest. The
 * five nodes and four credentials must then be listed, the package with its version, and
 * nothing else in the nodes folder; publishing 0.1.1 must show an update, which must install,
 * and uninstalling must remove the package and its types. n8n's log and the requests the
 * registry answered are kept in test-results/ui-install/.
 *
 * A registry other than the public one is a licensed feature of n8n
 * (`feat:communityNodes:customRegistry`). n8n's own end-to-end mode (`E2E_TESTS=true`) lets its
 * tests switch licensed features on (`PATCH /rest/e2e/feature`); nothing else of the installer
 * changes with it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
	listedTypes,
	PACKAGE,
	PACKAGE_CREDENTIAL_TYPES,
	PACKAGE_NODE_TYPES,
} from '../helpers/listed-types';
import { startRegistry, type Registry } from '../helpers/registry';

const { startN8n, N8nApi, freePort } = require('../../scripts/lib/n8n');
const { ensureInstalled, ROOT } = require('../../scripts/lib/n8n-install');

const ARTIFACTS = path.join(ROOT, 'test-results', 'ui-install');

interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	updateAvailable?: string;
	failedLoading?: boolean;
	installedNodes: Array<{ name: string; type: string }>;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-ui-install-'));
const home = path.join(work, 'home');
const nodesFolder = path.join(home, '.n8n', 'nodes');
const times: string[] = [];
let version: string;
let nextTarball: string;
let nextVersion: string;
let registry: Registry;
let n8n: { baseUrl: string; stop(): Promise<void> } | undefined;
let api: InstanceType<typeof N8nApi>;

/** Every folder named `n8n-workflow` or `isolated-vm` under the nodes folder. */
function secondCopies(): string {
	return execFileSync(
		'find',
		[nodesFolder, '-name', 'n8n-workflow', '-o', '-name', 'isolated-vm'],
		{
			encoding: 'utf8',
		},
	);
}

async function timed<T>(label: string, action: () => Promise<T>): Promise<T> {
	const started = Date.now();
	const result = await action();
	times.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return result;
}

beforeAll(async () => {
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	if (!fs.existsSync(path.join(ROOT, 'dist')))
		throw new Error('dist/ is missing: run `npm run build` first');
	const [{ filename, version: packed }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: ROOT,
			encoding: 'utf8',
		}),
	);
	version = packed;

	// The next patch release: the same files, one version up, packed as npm packs (package/…).
	const [major, minor, patch] = version.split('.').map(Number);
	nextVersion = `${major}.${minor}.${patch + 1}`;
	const unpacked = path.join(work, 'next');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', path.join(work, filename), '-C', unpacked]);
	const manifestPath = path.join(unpacked, 'package', 'package.json');
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: nextVersion }, null, 2));
	nextTarball = path.join(work, `${PACKAGE}-${nextVersion}.tgz`);
	execFileSync('tar', ['-czf', nextTarball, '-C', unpacked, 'package']);

	registry = await startRegistry();
	registry.publish(path.join(work, filename));

	await ensureInstalled();
	// Only what a user's environment has: none of the npm_* settings `npm test` passes to its
	// children (ignore-scripts among them). n8n passes `--registry` to `npm pack` and `npm
	// install`, but not to `npm outdated`, which finds updates: npm's own setting points it here.
	const env: Record<string, string | undefined> = {};
	for (const key of Object.keys(process.env)) if (/^npm_/i.test(key)) env[key] = undefined;
	Object.assign(env, {
		E2E_TESTS: 'true',
		N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url,
		npm_config_registry: registry.url,
		npm_config_cache: path.join(work, 'npm-cache'),
		npm_config_update_notifier: 'false',
	});
	fs.mkdirSync(home);
	const port = await freePort();
	n8n = await timed('n8n start-up', () =>
		startN8n({
			userFolder: home,
			port,
			logFile: path.join(ARTIFACTS, 'n8n.log'),
			installPackage: false,
			env,
		}),
	);
	api = new N8nApi(n8n!.baseUrl);
	await api.request('PATCH', '/e2e/feature', {
		feature: 'feat:communityNodes:customRegistry',
		enabled: true,
	});
	await api.signIn();
}, 300_000);

afterAll(async () => {
	console.log(['', 'UI install test', ...times].join('\n'));
	if (registry)
		fs.writeFileSync(path.join(ARTIFACTS, 'registry-requests.txt'), registry.requests.join('\n'));
	await n8n?.stop();
	await registry?.close();
	fs.rmSync(work, { recursive: true, force: true });
});

describe("n8n's community-package installer, from a private registry", () => {
	it('starts without the package', async () => {
		expect(fs.readdirSync(path.join(nodesFolder))).toEqual(['package.json']);
		expect((await listedTypes(api)).nodes).toEqual([]);
	});

	it('installs it: five nodes, fetched from the registry', async () => {
		const installed = (await timed('Install', () =>
			api.request('POST', '/community-packages', { name: PACKAGE }),
		)) as InstalledPackage;
		expect(installed.packageName).toBe(PACKAGE);
		expect(installed.installedVersion).toBe(version);
		expect(installed.installedNodes.map((node) => node.type).sort()).toEqual(PACKAGE_NODE_TYPES);
		expect(registry.requests).toContain(`GET /${PACKAGE}/-/${PACKAGE}-${version}.tgz`);
	});

	it('lists the five nodes and four credentials', async () => {
		const { nodes, credentials } = await listedTypes(api);
		expect(nodes).toEqual(PACKAGE_NODE_TYPES);
		expect(credentials).toEqual(expect.arrayContaining(PACKAGE_CREDENTIAL_TYPES));
	});

	it('lists the package with its version, loaded, no update', async () => {
		const packages = (await api.request('GET', '/community-packages')) as InstalledPackage[];
		expect(packages).toHaveLength(1);
		expect(packages[0]).toMatchObject({ packageName: PACKAGE, installedVersion: version });
		expect(packages[0].failedLoading).toBe(false);
		expect(packages[0].updateAvailable).toBeUndefined();
	});

	it('puts the package alone into the nodes folder: no n8n-workflow', () => {
		const modules = path.join(nodesFolder, 'node_modules');
		expect(fs.readdirSync(modules).filter((entry) => !entry.startsWith('.'))).toEqual([PACKAGE]);
		expect(secondCopies()).toBe('');
		const ledger = JSON.parse(fs.readFileSync(path.join(nodesFolder, 'package.json'), 'utf8'));
		expect(ledger.dependencies).toEqual({ [PACKAGE]: version });
	});

	it('shows the next release as an update, and installs it', async () => {
		registry.publish(nextTarball);
		const [listed] = (await api.request('GET', '/community-packages')) as InstalledPackage[];
		expect(listed.updateAvailable).toBe(nextVersion);

		const updated = (await timed('Update', () =>
			api.request('PATCH', '/community-packages', { name: PACKAGE }),
		)) as InstalledPackage;
		expect(updated.installedVersion).toBe(nextVersion);
		expect(registry.requests).toContain(`GET /${PACKAGE}/-/${PACKAGE}-${nextVersion}.tgz`);
		const [after] = (await api.request('GET', '/community-packages')) as InstalledPackage[];
		expect(after).toMatchObject({ installedVersion: nextVersion, failedLoading: false });
		expect(after.updateAvailable).toBeUndefined();
		const manifest = JSON.parse(
			fs.readFileSync(path.join(nodesFolder, 'node_modules', PACKAGE, 'package.json'), 'utf8'),
		);
		expect(manifest.version).toBe(nextVersion);
		expect((await listedTypes(api)).nodes).toHaveLength(PACKAGE_NODE_TYPES.length);
		expect(secondCopies()).toBe('');
	});

	it('uninstalls it: package and node types gone', async () => {
		await timed('Uninstall', () =>
			api.request('DELETE', `/community-packages?name=${encodeURIComponent(PACKAGE)}`),
		);
		expect(await api.request('GET', '/community-packages')).toEqual([]);
		expect(fs.existsSync(path.join(nodesFolder, 'node_modules', PACKAGE))).toBe(false);
		const { nodes, credentials } = await listedTypes(api);
		expect(nodes).toEqual([]);
		expect(credentials.filter((name) => PACKAGE_CREDENTIAL_TYPES.includes(name))).toEqual([]);
	});
});

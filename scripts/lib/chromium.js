// Debian's Chromium for the browser tests, installed once with apt when it is missing.
//
// The browser tests drive it with playwright-core, which never downloads a browser of its own.
// A new machine (a developer's or CI's) does not have Chromium: as root, this installs it from
// Debian's packages; as another user it says which command to run. Used by the end-to-end tests.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { run } = require('./n8n-install');

const CHROMIUM = '/usr/bin/chromium';
const PACKAGES = ['chromium', 'fonts-liberation'];

/**
 * The flags this closed network needs: without the background-networking ones Chromium keeps
 * trying to reach Google's services and stalls. Headless, no sandbox (tests run as root).
 */
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

const log = (message) =>
	process.stderr.write(`[chromium ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

let installing;

/** Resolves to the path of Chromium, installing Debian's package first when it is missing. */
async function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	installing ??= (async () => {
		const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
		if (!isRoot) {
			throw new Error(
				`${CHROMIUM} is missing: install it with \`sudo apt-get install -y ${PACKAGES.join(' ')}\``,
			);
		}
		const started = Date.now();
		log(`${CHROMIUM} is missing: installing ${PACKAGES.join(', ')} from Debian's packages`);
		const options = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
		await run('apt-get', ['update'], options);
		await run('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], options);
		if (!fs.existsSync(CHROMIUM))
			throw new Error(`apt-get installed ${PACKAGES.join(', ')} but ${CHROMIUM} is still missing`);
		log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
		return CHROMIUM;
	})();
	return await installing;
}

/** A new, empty profile directory for one browser. */
function freshProfileDir() {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
}

module.exports = { ensureChromium, freshProfileDir, CHROMIUM, CHROMIUM_ARGS };

if (require.main === module) {
	ensureChromium().then(
		(executable) => console.log(executable),
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}

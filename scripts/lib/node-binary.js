// Installs (once) a Node.js binary of another major version into .cache/node-<version>/, from the
// registry package that ships it, as scripts/lib/n8n-install.js does for the Node.js that runs
// n8n (same folder layout, so asking for that version finds its install). The install test uses
// these to run npm under the Node.js versions users have.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { run, CACHE, NODE_VERSION } = require('./n8n-install');

// The Node.js versions a user's `npm install` in n8n's nodes folder is checked with, besides the
// machine's own: the newest 22 on the registry when chosen, and the one n8n runs on here.
const NODE_22_VERSION = '22.23.5';
const NODE_24_VERSION = NODE_VERSION;
const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;

/** Path of that Node.js binary in .cache/, installed first if missing. */
async function ensureNodeBinary(version) {
	const dir = path.join(CACHE, `node-${version}`);
	const binary = path.join(dir, 'node_modules', NODE_PACKAGE, 'bin', 'node');
	if (fs.existsSync(binary)) return binary;
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), '{"private": true}\n');
	await run(
		'npm',
		[
			'install',
			`${NODE_PACKAGE}@${version}`,
			'--no-save',
			'--no-audit',
			'--no-fund',
			'--ignore-scripts',
			'--no-package-lock',
		],
		{ cwd: dir },
	);
	return binary;
}

module.exports = { ensureNodeBinary, NODE_22_VERSION, NODE_24_VERSION };

// The lint checks of n8n's verification scanner (@n8n/scan-community-package), run offline:
// on the source as the scanner lints it at the attested commit (package.json, nodes/ and
// credentials/), and on the packed tarball (its compiled .js and package.json). The scanner's
// other checks (the package on the registry, its provenance) need a published release.
// Run after `npm run build`: `npm run lint:scan`.
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-lint-'));
let failed = false;
try {
	const [{ filename, files, size }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	execFileSync('tar', ['-xzf', path.join(work, filename), '-C', work]);
	const legs = [
		['source (package.json, nodes/, credentials/)', root, SOURCE_FILE_PATTERNS],
		[
			`tarball ${filename} (${files.length} files, ${(size / 1024).toFixed(1)} kB)`,
			path.join(work, 'package'),
			['**/*.js', 'package.json'],
		],
	];
	for (const [label, dir, patterns] of legs) {
		const result = await analyzePackage(dir, patterns);
		console.log(
			`${result.passed ? 'passed' : 'FAILED'}: scanner lint of the ${label}${result.message ? `: ${result.message}` : ''}`,
		);
		if (result.details) console.log(result.details);
		failed ||= !result.passed;
	}
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

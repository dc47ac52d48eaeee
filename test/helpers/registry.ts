/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * A private npm registry on 127.0.0.1 that serves packed tarballs: just what `npm pack`,
 * `npm view`, `npm outdated` and n8n's own registry requests ask for. `GET /<name>` answers the
 * packument (every published version with its `dist.tarball`, `dist.integrity` and
 * `dist.shasum`, and `dist-tags.latest`: the last published), `GET /<name>/<version or tag>` that
 * version's manifest, and the tarball URL the tarball. Every request is recorded, so a test can
 * tell that a client fetched from here.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Version {
	manifest: Record<string, unknown>;
	tarball: Buffer;
}

export interface Registry {
	/** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
	url: string;
	/** `METHOD /path` of every request, in order. */
	requests: string[];
	/** Publishes a tarball made by `npm pack` (its `package/package.json` says name and version). */
	publish(tarballPath: string): { name: string; version: string; integrity: string };
	close(): Promise<void>;
}

export async function startRegistry(): Promise<Registry> {
	const packages = new Map<string, Map<string, Version>>();
	const requests: string[] = [];
	let url = '';

	const tarballUrl = (name: string, version: string) =>
		`${url}/${name}/-/${name.split('/').pop()}-${version}.tgz`;
	const latest = (versions: Map<string, Version>) => [...versions.keys()].at(-1)!;
	const versionManifest = (name: string, version: string) => {
		const { manifest, tarball } = packages.get(name)!.get(version)!;
		return {
			...manifest,
			_id: `${name}@${version}`,
			dist: {
				tarball: tarballUrl(name, version),
				integrity: `sha512-${crypto.createHash('sha512').update(tarball).digest('base64')}`,
				shasum: crypto.createHash('sha1').update(tarball).digest('hex'),
			},
		};
	};

	const server = http.createServer((request, response) => {
		requests.push(`${request.method} ${request.url}`);
		const send = (status: number, body: unknown, type = 'application/json') => {
			const data = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
			// npm keeps packuments in its cache; a republished version must be seen at once.
			response.writeHead(status, {
				'content-type': type,
				'content-length': data.length,
				'cache-control': 'no-cache',
			});
			response.end(data);
		};
		const pathname = decodeURIComponent(new URL(request.url ?? '/', url).pathname).slice(1);
		// Scoped names arrive as @scope%2fname; decoded they contain one more slash.
		const parts = pathname.split('/');
		const nameLength = parts[0].startsWith('@') ? 2 : 1;
		const name = parts.slice(0, nameLength).join('/');
		const rest = parts.slice(nameLength);
		const versions = packages.get(name);
		if (request.method !== 'GET' || !versions) return send(404, { error: 'Not found' });

		if (rest.length === 0) {
			return send(200, {
				_id: name,
				name,
				'dist-tags': { latest: latest(versions) },
				versions: Object.fromEntries(
					[...versions.keys()].map((version) => [version, versionManifest(name, version)]),
				),
			});
		}
		if (rest.length === 1) {
			const version = rest[0] === 'latest' ? latest(versions) : rest[0];
			if (!versions.has(version)) return send(404, { error: 'version not found' });
			return send(200, versionManifest(name, version));
		}
		const match = rest[0] === '-' && /-(\d+\.\d+\.\d+[^/]*)\.tgz$/.exec(rest[1] ?? '');
		if (match && versions.has(match[1]))
			return send(200, versions.get(match[1])!.tarball, 'application/octet-stream');
		return send(404, { error: 'Not found' });
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		url,
		requests,
		publish(tarballPath) {
			const manifest = JSON.parse(
				execFileSync('tar', ['-xzOf', tarballPath, 'package/package.json'], { encoding: 'utf8' }),
			) as { name: string; version: string };
			const tarball = fs.readFileSync(tarballPath);
			if (!packages.has(manifest.name)) packages.set(manifest.name, new Map());
			packages.get(manifest.name)!.set(manifest.version, { manifest, tarball });
			const integrity = versionManifest(manifest.name, manifest.version).dist.integrity;
			return { name: manifest.name, version: manifest.version, integrity };
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

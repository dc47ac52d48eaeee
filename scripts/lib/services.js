// Postgres and Redis for n8n's queue mode, from Debian's packages, started as this process's own
// children (never the system's services) and stopped by stop().
//
// A new machine has neither: as root, the missing packages are installed with apt-get (like
// scripts/lib/chromium.js); as another user it says which command to run. Postgres refuses to
// run as root, so initdb and the server run as the unprivileged `postgres` user the Debian
// package creates (spawned with its uid and gid), in a fresh data directory under os.tmpdir()
// that stop() removes. Both listen on a free loopback port only. Used by the queue-mode tests
// (test/queue/) through scripts/lib/queue.js.
'use strict';

const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { freePort } = require('./n8n');
const { run } = require('./n8n-install');

const REDIS = '/usr/bin/redis-server';
const PG_ROOT = '/usr/lib/postgresql';
const PG_USER = 'postgres';

const log = (message) =>
	process.stderr.write(`[services ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

let aptQueue = Promise.resolve();

/** apt-get install, one at a time (dpkg takes a lock); as another user, says what to run. */
async function aptInstall(packages, missing) {
	if (!isRoot())
		throw new Error(
			`${missing} is missing: install it with \`sudo apt-get install -y ${packages.join(' ')}\``,
		);
	const step = aptQueue.then(async () => {
		const started = Date.now();
		log(`${missing} is missing: installing ${packages.join(', ')} from Debian's packages`);
		const options = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
		await run('apt-get', ['update'], options);
		await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], options);
		log(`${packages.join(', ')} installed in ${Math.round((Date.now() - started) / 1000)} s`);
	});
	aptQueue = step.catch(() => undefined);
	await step;
}

/** The bin directory of the newest Postgres found under /usr/lib/postgresql, or undefined. */
function findPostgresBin() {
	if (!fs.existsSync(PG_ROOT)) return undefined;
	const versions = fs
		.readdirSync(PG_ROOT)
		.filter((entry) => fs.existsSync(path.join(PG_ROOT, entry, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(PG_ROOT, versions[0], 'bin') : undefined;
}

/** Postgres's bin directory, installing Debian's `postgresql` first when it is missing. */
async function ensurePostgres() {
	let bin = findPostgresBin();
	if (!bin) {
		await aptInstall(['postgresql'], `Postgres (${PG_ROOT}/*/bin/initdb)`);
		bin = findPostgresBin();
		if (!bin)
			throw new Error(`apt-get installed postgresql but no ${PG_ROOT}/*/bin/initdb is there`);
	}
	return bin;
}

/** The path of redis-server, installing Debian's `redis-server` first when it is missing. */
async function ensureRedis() {
	if (!fs.existsSync(REDIS)) {
		await aptInstall(['redis-server'], REDIS);
		if (!fs.existsSync(REDIS))
			throw new Error(`apt-get installed redis-server but ${REDIS} is still missing`);
	}
	return REDIS;
}

/** uid and gid of a system user, from /etc/passwd (undefined when there is none). */
function systemUser(name) {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith(`${name}:`));
	if (!line) return undefined;
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/** The unprivileged user Postgres runs as: Debian's `postgres` (created when missing), or the current user if not root. */
async function postgresUser() {
	if (!isRoot()) return {};
	let user = systemUser(PG_USER);
	if (!user) {
		await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', PG_USER]);
		user = systemUser(PG_USER);
	}
	return user;
}

/** Runs a child to its end; rejects with its output when it fails. */
function runAs(command, args, options) {
	return new Promise((resolve, reject) => {
		execFile(command, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
			error
				? reject(
						new Error(
							`${path.basename(command)} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`,
						),
					)
				: resolve(stdout),
		);
	});
}

/** A child whose output goes to `logFile`; `exited` resolves with how it ended. */
function spawnLogged(command, args, { logFile, ...options }) {
	const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
	const log = fs.createWriteStream(logFile, { flags: 'a' });
	child.stdout.pipe(log, { end: false });
	child.stderr.pipe(log, { end: false });
	const exited = new Promise((resolve) => {
		child.on('error', (error) => resolve({ error }));
		child.on('exit', (code, signal) => resolve({ code, signal }));
	}).then((result) => new Promise((resolve) => log.end(() => resolve(result))));
	return { child, exited };
}

async function stopChild(child, exited, signal = 'SIGTERM') {
	if (child.exitCode !== null || child.signalCode !== null) return;
	child.kill(signal);
	const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
	await exited;
	clearTimeout(timer);
}

async function waitFor(label, check, { timeoutMs = 60_000, exited, logFile }) {
	const started = Date.now();
	let early;
	exited?.then((result) => (early = result));
	for (;;) {
		if (early)
			throw new Error(
				`${label} exited before it was ready (${JSON.stringify(early)}); see ${logFile}`,
			);
		if (await check().catch(() => false)) return;
		if (Date.now() - started > timeoutMs)
			throw new Error(`${label} was not ready after ${timeoutMs / 1000} s; see ${logFile}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/**
 * A new Postgres cluster in a fresh directory under os.tmpdir(), on a free loopback port, with
 * a password-protected role and database for n8n. Settings favour speed over durability
 * (fsync off): the data is thrown away at the end.
 */
async function startPostgres({ logFile }) {
	const bin = await ensurePostgres();
	const user = await postgresUser();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-pg-'));
	const dataDir = path.join(dir, 'data');
	if (user.uid !== undefined) fs.chownSync(dir, user.uid, user.gid);
	const credentials = { user: 'n8n', password: 'queue-test-password', database: 'n8n' };
	const pwfile = path.join(dir, 'pwfile');
	fs.writeFileSync(pwfile, `${credentials.password}\n`, { mode: 0o600 });
	if (user.uid !== undefined) fs.chownSync(pwfile, user.uid, user.gid);
	// cwd and HOME the user can read: Postgres complains about a directory it cannot enter.
	const asUser = {
		...user,
		cwd: dir,
		env: { ...process.env, HOME: dir, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
	};
	await runAs(
		path.join(bin, 'initdb'),
		[
			'-D',
			dataDir,
			'-U',
			credentials.user,
			`--pwfile=${pwfile}`,
			'--auth-local=trust',
			'--auth-host=scram-sha-256',
			'-E',
			'UTF8',
			'--no-sync',
		],
		asUser,
	);
	fs.rmSync(pwfile);
	const port = await freePort();
	const { child, exited } = spawnLogged(
		path.join(bin, 'postgres'),
		[
			'-D',
			dataDir,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=200',
		],
		{ ...asUser, logFile },
	);
	const pgEnv = { ...process.env, PGPASSWORD: credentials.password };
	await waitFor(
		'Postgres',
		async () => {
			await runAs(
				path.join(bin, 'pg_isready'),
				['-h', '127.0.0.1', '-p', String(port), '-U', credentials.user, '-d', 'postgres'],
				{ env: pgEnv },
			);
			return true;
		},
		{ exited, logFile },
	);
	await runAs(
		path.join(bin, 'createdb'),
		['-h', '127.0.0.1', '-p', String(port), '-U', credentials.user, credentials.database],
		{ env: pgEnv },
	);
	return {
		host: '127.0.0.1',
		port,
		...credentials,
		pid: child.pid,
		async stop() {
			// SIGINT: Postgres's "fast" shutdown (ends sessions, no waiting for clients).
			await stopChild(child, exited, 'SIGINT');
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** Answers PING with PONG? */
function redisPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let reply = '';
		socket.setTimeout(1000, () => socket.destroy());
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			reply += chunk;
			if (reply.includes('\r\n')) socket.end();
		});
		socket.on('close', () => resolve(reply.startsWith('+PONG')));
		socket.on('error', () => resolve(false));
	});
}

/** Redis on a free loopback port, nothing persisted (its working directory is a fresh temporary one). */
async function startRedis({ logFile }) {
	const binary = await ensureRedis();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-redis-'));
	const port = await freePort();
	const { child, exited } = spawnLogged(
		binary,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--daemonize',
			'no',
		],
		{ cwd: dir, logFile },
	);
	await waitFor('Redis', () => redisPing(port), { exited, logFile });
	return {
		host: '127.0.0.1',
		port,
		pid: child.pid,
		async stop() {
			await stopChild(child, exited);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/**
 * Postgres and Redis, installed when missing and started side by side. Resolves to
 * `{ postgres: {host, port, user, password, database}, redis: {host, port}, startupMs, stop() }`;
 * their logs go to `<logDir>/postgres.log` and `<logDir>/redis.log`.
 */
async function startServices({ logDir }) {
	fs.mkdirSync(logDir, { recursive: true });
	const started = Date.now();
	const [postgres, redis] = await Promise.allSettled([
		startPostgres({ logFile: path.join(logDir, 'postgres.log') }),
		startRedis({ logFile: path.join(logDir, 'redis.log') }),
	]);
	const failed = [postgres, redis].find((result) => result.status === 'rejected');
	if (failed) {
		await Promise.all(
			[postgres, redis]
				.filter((result) => result.status === 'fulfilled')
				.map((result) => result.value.stop()),
		);
		throw failed.reason;
	}
	return {
		postgres: postgres.value,
		redis: redis.value,
		startupMs: Date.now() - started,
		async stop() {
			await Promise.all([postgres.value.stop(), redis.value.stop()]);
		},
	};
}

module.exports = { startServices, startPostgres, startRedis, ensurePostgres, ensureRedis };

// `node scripts/lib/services.js`: installs what is missing, starts both, prints where, stops them.
if (require.main === module) {
	(async () => {
		const services = await startServices({
			logDir: fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-services-')),
		});
		const { postgres, redis } = services;
		console.log(
			`Postgres on ${postgres.host}:${postgres.port}, Redis on ${redis.host}:${redis.port}, ready after ${services.startupMs} ms`,
		);
		await services.stop();
	})().catch((error) => {
		console.error(error.message);
		process.exit(1);
	});
}

// n8n in queue mode with this package loaded: Postgres and Redis (scripts/lib/services.js), one
// main process and N workers, each with its own user folder (the package installed in each, as
// on separate machines) and the same encryption key. Used by the queue-mode tests (test/queue/)
// and meant for benchmarks too.
//
//   const { startQueueSetup } = require('../../scripts/lib/queue');
//   const setup = await startQueueSetup({ workers: 2, concurrency: 2, logDir: 'test-results/x' });
//   setup.main.baseUrl;            // the main process: editor, REST API, webhooks, triggers and polls
//   setup.api;                     // N8nApi on the main process, signed in as the owner
//   setup.workers[0].kill();       // SIGKILL (or kill('SIGSTOP') …); resolves when it has ended
//   await setup.addWorker();       // one more worker (e.g. in place of a killed one)
//   setup.workers[0].executionIds(); // IDs of the executions that worker started (from its log)
//   setup.timings;                 // ms: services, main, workers (started side by side)
//   await setup.stop();            // workers, main, then Postgres and Redis; user folders removed
//
// Executions started by webhooks, triggers and polls run on the workers; manual ones too
// (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS). `env` reaches every process, `workerEnv` the workers.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startN8n, N8nApi, freePort } = require('./n8n');
const { startServices } = require('./services');

/** The environment every process of one setup shares: queue mode, the database, Redis, one key. */
function queueEnv({ postgres, redis }) {
	return {
		EXECUTIONS_MODE: 'queue',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// Each process has its own user folder: without one shared key, workers could not read
		// the credentials the main process stored.
		N8N_ENCRYPTION_KEY: 'queue-mode-test-encryption-key-0123456789',
	};
}

/** Executions a worker started, by ID, read from its log ("Worker started execution 12 (job 5)"). */
function executionIdsInLog(logFile) {
	const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
	return [...text.matchAll(/Worker started execution (\d+)/g)].map((match) => match[1]);
}

/**
 * Starts Postgres, Redis, the main process and `workers` workers (`concurrency` executions at
 * once each), in that order; the workers start side by side. See the top of this file.
 */
async function startQueueSetup({
	workers = 2,
	concurrency = 2,
	logDir,
	env = {},
	workerEnv = {},
	version,
} = {}) {
	fs.mkdirSync(logDir, { recursive: true });
	const folders = [];
	const userFolder = (name) => {
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-queue-${name}-`));
		folders.push(folder);
		return folder;
	};
	const timings = {};
	let started = Date.now();
	const services = await startServices({ logDir });
	timings.servicesMs = Date.now() - started;
	const shared = { ...queueEnv(services), ...env };
	const setup = { services, env: shared, workers: [], timings };
	let main;
	let workerCount = 0;

	setup.addWorker = async () => {
		const index = ++workerCount;
		const logFile = path.join(logDir, `worker-${index}.log`);
		const worker = await startN8n({
			userFolder: userFolder(`worker-${index}`),
			port: await freePort(),
			logFile,
			command: 'worker',
			args: [`--concurrency=${concurrency}`],
			env: { ...shared, ...workerEnv },
			version,
		});
		Object.assign(worker, {
			name: `worker-${index}`,
			executionIds: () => executionIdsInLog(logFile),
		});
		setup.workers.push(worker);
		return worker;
	};

	setup.stop = async () => {
		await Promise.all(setup.workers.map((worker) => worker.stop()));
		await main?.stop();
		await services.stop();
		for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
	};

	try {
		started = Date.now();
		main = await startN8n({
			userFolder: userFolder('main'),
			port: await freePort(),
			logFile: path.join(logDir, 'main.log'),
			env: shared,
			version,
		});
		timings.mainMs = Date.now() - started;
		setup.main = main;
		started = Date.now();
		await Promise.all(Array.from({ length: workers }, () => setup.addWorker()));
		timings.workersMs = Date.now() - started;
		setup.api = new N8nApi(main.baseUrl);
		await setup.api.signIn();
	} catch (error) {
		await setup.stop().catch(() => undefined);
		throw error;
	}
	return setup;
}

module.exports = { startQueueSetup, queueEnv, executionIdsInLog };

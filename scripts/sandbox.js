#!/usr/bin/env node
'use strict';

/**
 * `npm run sandbox [-- --port 4010] [--verbose]`: runs the local API sandbox
 * until SIGINT/SIGTERM.
 *
 * Port: --port, else env SANDBOX_PORT, else 4010.
 * API keys: env SANDBOX_HAUFE_API_KEY / SANDBOX_GRIPTAPE_API_KEY, else the
 * built-in sandbox keys. Built-in keys are printed (they are public fixtures,
 * needed to set up the n8n credentials); a key supplied through the
 * environment is never printed.
 * --verbose prints one line per request (method, path, status; never headers).
 */

const path = require('path');
const { startSandbox } = require(path.join(__dirname, '..', 'sandbox'));

const DEFAULT_PORT = 4010;
const BUILT_IN_HAUFE_KEY = 'sandbox-haufe-key';
const BUILT_IN_GRIPTAPE_KEY = 'sandbox-griptape-key';

function parseArgs(argv) {
	const args = { port: undefined, verbose: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--port') args.port = argv[++i];
		else if (arg.startsWith('--port=')) args.port = arg.slice('--port='.length);
		else if (arg === '--verbose' || arg === '-v') args.verbose = true;
		else if (arg === '--help' || arg === '-h') args.help = true;
		else throw new Error(`Unknown argument: ${arg}`);
	}
	return args;
}

function resolvePort(raw) {
	const value = raw ?? process.env.SANDBOX_PORT ?? DEFAULT_PORT;
	const port = Number(value);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new Error(`Invalid port: ${value}`);
	return port;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		console.log('Usage: node scripts/sandbox.js [--port N] [--verbose]');
		return;
	}
	const envKey = process.env.SANDBOX_HAUFE_API_KEY;
	const griptapeEnvKey = process.env.SANDBOX_GRIPTAPE_API_KEY;
	const sandbox = await startSandbox({
		port: resolvePort(args.port),
		haufe: { apiKeys: [envKey || BUILT_IN_HAUFE_KEY] },
		griptape: { apiKeys: [griptapeEnvKey || BUILT_IN_GRIPTAPE_KEY] },
	});

	console.log(`Sandbox listening on ${sandbox.url}`);
	console.log(`  Haufe Copilot base URL:  ${sandbox.haufe.baseUrl}`);
	console.log(
		`  Haufe Copilot API key:   ${envKey ? '(from SANDBOX_HAUFE_API_KEY)' : BUILT_IN_HAUFE_KEY}`,
	);
	console.log(`  Griptape Cloud base URL: ${sandbox.griptape.baseUrl}`);
	console.log(
		`  Griptape Cloud API key:  ${griptapeEnvKey ? '(from SANDBOX_GRIPTAPE_API_KEY)' : BUILT_IN_GRIPTAPE_KEY} (Bearer)`,
	);
	console.log(`  OpenAI Assistants URL:   ${sandbox.openai.baseUrl}`);
	console.log(
		`  OpenAI Assistants key:   ${sandbox.openai.options.apiKeys[0]} (Bearer; OpenAI-Beta: assistants=v2)`,
	);
	console.log(
		`  Agent chat site URL:     ${sandbox.agentChat.siteUrl} (Agent API Path ${sandbox.agentChat.apiPath})`,
	);
	// Public fixture login (like the keys above); mfa@example.com and nounits@example.com have the same password.
	console.log(
		'  Agent chat login:        user@example.com / correct-horse-battery (session cookie + X-CSRFToken)',
	);
	console.log(
		`  Control:                 ${sandbox.url}/__sandbox/{reset,faults,stats,config,requests}`,
	);

	if (args.verbose) {
		sandbox.on('request', (entry) => {
			console.log(
				`${new Date(entry.at).toISOString()} ${entry.method} ${entry.path} -> ${entry.status ?? 'no response'}${entry.fault ? ` [fault: ${entry.fault}]` : ''}`,
			);
		});
	}
	sandbox.on('handlerError', (error) =>
		console.error('Sandbox handler error:', error.stack || error.message),
	);

	let stopping = false;
	const stop = async (signal) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal} received, stopping sandbox...`);
		await sandbox.close();
		console.log('Sandbox stopped.');
		process.exit(0);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error) => {
	console.error(`Sandbox failed to start: ${error.message}`);
	process.exit(1);
});

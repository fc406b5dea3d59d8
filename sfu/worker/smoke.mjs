#!/usr/bin/env node
// Smoke test for the locally built mediasoup-worker (see build-worker.mjs).
//
//   node sfu/worker/smoke.mjs
//
// Uses $MEDIASOUP_WORKER_BIN if already set (e.g. to test an upstream
// prebuilt worker), otherwise the cached build for the installed mediasoup
// version. Creates a Worker, a Router (opus + VP8), a WebRtcServer on
// 127.0.0.1, a WebRtcTransport (with SCTP -> usrsctp), a PlainTransport
// (with SRTP AEAD_AES_256_GCM -> libsrtp2) and a DirectTransport, then prints
// OK and closes. Exit code 0 on success, 1 on failure.
//
// IMPORTANT: mediasoup 3.12.x reads MEDIASOUP_WORKER_BIN once, when
// node/lib/Worker.js is first loaded (`exports.workerBin = process.env...`).
// The variable must therefore be set BEFORE mediasoup is imported; a static
// `import ... from 'mediasoup'` is hoisted above any code in this module, so
// mediasoup is loaded with a dynamic import() after setting it.

import dgram from 'node:dgram';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { probeWorker, workerBinaryPath, REPO_ROOT } from './build-worker.mjs';

const PREFIX = '[smoke:sfu]';
const log = (msg) => console.log(`${PREFIX} ${msg}`);

function fail(msg) {
	console.error(`${PREFIX} FAIL: ${msg}`);
	process.exit(1);
}

/** A port free for both TCP and UDP on 127.0.0.1 (WebRtcServer listens on both). */
async function findFreePort() {
	for (let i = 0; i < 20; i++) {
		const port = await new Promise((resolve, reject) => {
			const srv = net.createServer();
			srv.once('error', reject);
			srv.listen(0, '127.0.0.1', () => {
				const { port: p } = srv.address();
				srv.close(() => resolve(p));
			});
		});
		const udpFree = await new Promise((resolve) => {
			const sock = dgram.createSocket('udp4');
			sock.once('error', () => resolve(false));
			sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
		});
		if (udpFree) return port;
	}
	throw new Error('could not find a free TCP+UDP port on 127.0.0.1');
}

const bin = process.env.MEDIASOUP_WORKER_BIN || workerBinaryPath();
const probe = probeWorker(bin);
if (!probe.ok) {
	fail(`${probe.reason}\n${PREFIX} build the worker first: node sfu/worker/build-worker.mjs (or set MEDIASOUP_WORKER_BIN)`);
}
process.env.MEDIASOUP_WORKER_BIN = bin; // must happen before mediasoup is loaded

const mediasoupModule = await import('mediasoup');
const mediasoup = mediasoupModule.default ?? mediasoupModule;

// Sanity check that the env var was picked up (it is captured at load time).
const requireFromRoot = createRequire(`${REPO_ROOT}/package.json`);
const { workerBin } = requireFromRoot('mediasoup/node/lib/Worker.js');
if (workerBin !== bin) fail(`mediasoup resolved workerBin=${workerBin}, expected ${bin}`);
log(`mediasoup ${mediasoup.version}, worker binary ${bin}`);

const timeout = setTimeout(() => fail('timed out after 30s'), 30000);
timeout.unref();

let worker;
try {
	worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
	worker.on('died', (err) => fail(`worker died: ${err?.message ?? err}`));
	const exe = fs.realpathSync(`/proc/${worker.pid}/exe`);
	if (exe !== fs.realpathSync(bin)) fail(`worker process runs ${exe}, expected ${bin}`);
	log(`worker pid ${worker.pid} (${exe})`);

	const router = await worker.createRouter({
		mediaCodecs: [
			{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
			{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
		],
	});
	const codecs = router.rtpCapabilities.codecs.map((c) => c.mimeType);
	if (!codecs.includes('audio/opus') || !codecs.includes('video/VP8')) fail(`unexpected router codecs ${codecs}`);
	log(`router ${router.id} codecs: ${codecs.join(', ')}`);

	const port = await findFreePort();
	const webRtcServer = await worker.createWebRtcServer({
		listenInfos: [
			{ protocol: 'udp', ip: '127.0.0.1', port },
			{ protocol: 'tcp', ip: '127.0.0.1', port },
		],
	});
	log(`webRtcServer ${webRtcServer.id} on 127.0.0.1:${port} (udp+tcp)`);

	const webRtcTransport = await router.createWebRtcTransport({
		webRtcServer,
		enableUdp: true,
		enableTcp: true,
		enableSctp: true,
	});
	const cands = webRtcTransport.iceCandidates.map((c) => `${c.protocol}:${c.ip}:${c.port}`);
	if (!cands.includes(`udp:127.0.0.1:${port}`)) fail(`unexpected ICE candidates ${cands}`);
	if (webRtcTransport.sctpState !== 'new') fail(`unexpected sctpState ${webRtcTransport.sctpState}`);
	log(`webRtcTransport ${webRtcTransport.id} candidates ${cands.join(' ')}; dtls fingerprints: ${webRtcTransport.dtlsParameters.fingerprints.length}; sctp ${webRtcTransport.sctpState}`);

	const plainTransport = await router.createPlainTransport({
		listenIp: { ip: '127.0.0.1' },
		rtcpMux: true,
		comedia: false,
		enableSctp: true,
		enableSrtp: true,
		srtpCryptoSuite: 'AEAD_AES_256_GCM',
	});
	// Connecting with SRTP parameters makes the worker create libsrtp sessions.
	await plainTransport.connect({ ip: '127.0.0.1', port: 9, srtpParameters: plainTransport.srtpParameters });
	log(`plainTransport ${plainTransport.id} on 127.0.0.1:${plainTransport.tuple.localPort}, srtp ${plainTransport.srtpParameters.cryptoSuite} session established`);

	const directTransport = await router.createDirectTransport();
	const dataProducer = await directTransport.produceData({ label: 'smoke' });
	dataProducer.send('hello');
	log(`directTransport ${directTransport.id} with dataProducer ${dataProducer.id}`);

	const usage = await worker.getResourceUsage();
	log(`worker resource usage: ru_maxrss=${usage.ru_maxrss}KB`);

	worker.close();
	clearTimeout(timeout);
	console.log('OK');
	process.exit(0);
} catch (err) {
	worker?.close();
	fail(err?.stack ?? String(err));
}

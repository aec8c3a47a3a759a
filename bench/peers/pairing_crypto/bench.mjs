// Peer benchmark: BBS (BLS12-381-SHA-256 ciphersuite) via @mattrglobal/pairing-crypto.
// Usage: node bench.mjs '{"messages":10,"hidden":5,"iterations":30,"warmup":3}'
//        (or pipe the same JSON on stdin). Prints one JSON line to stdout.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import pairingCrypto from "@mattrglobal/pairing-crypto";

const PEER = "@mattrglobal/pairing-crypto";
const VERSION = "0.4.2";
const { bls12381_sha256: suite } = pairingCrypto.bbs;

function fail(msg) {
  process.stderr.write(`bench.mjs: ${msg}\n`);
  process.exit(1);
}

function readWorkload() {
  const raw = process.argv[2] ?? readFileSync(0, "utf8");
  const w = JSON.parse(raw);
  const int = (key, min, dflt) => {
    const v = w[key] ?? dflt;
    if (!Number.isInteger(v) || v < min) fail(`"${key}" must be an integer >= ${min}`);
    return v;
  };
  const messages = int("messages", 1);
  const hidden = int("hidden", 0);
  if (hidden > messages) fail(`"hidden" (${hidden}) exceeds "messages" (${messages})`);
  return { messages, hidden, iterations: int("iterations", 1), warmup: int("warmup", 0, 0) };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round3(x) {
  return Math.round(x * 1000) / 1000;
}

// Runs `op` warmup + iterations times; `check` validates every result (warmup included).
async function timeOp(name, { warmup, iterations }, op, check = () => true) {
  const samples = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = performance.now();
    const out = await op();
    const dt = performance.now() - t0;
    if (!check(out)) fail(`${name} produced an invalid result: ${JSON.stringify(out)}`);
    if (i >= warmup) samples.push(dt);
  }
  return round3(median(samples));
}

const verified = (r) => r.verified === true;

const w = readWorkload();
const { secretKey, publicKey } = await suite.generateKeyPair();
const header = new Uint8Array(randomBytes(32));
const presentationHeader = new Uint8Array(randomBytes(32));
const messages = Array.from({ length: w.messages }, () => new Uint8Array(randomBytes(32)));
// Disclose the first (messages - hidden) messages; the last `hidden` stay undisclosed.
const disclosed = w.messages - w.hidden;
const proofMessages = messages.map((value, i) => ({ value, reveal: i < disclosed }));
const revealed = Object.fromEntries(messages.slice(0, disclosed).map((m, i) => [i, m]));

const signature = await suite.sign({ secretKey, publicKey, header, messages });
const proof = await suite.deriveProof({
  publicKey, header, presentationHeader, signature, messages: proofMessages, verifySignature: false,
});

// Sanity: a tampered message must NOT verify, so "verified: true" below is meaningful.
const tampered = messages.map((m, i) => (i === 0 ? m.map((b) => b ^ 1) : m));
if ((await suite.verify({ publicKey, header, signature, messages: tampered })).verified) {
  fail("verify accepted a tampered message");
}

const median_ms = {
  sign: await timeOp("sign", w, () => suite.sign({ secretKey, publicKey, header, messages }),
    (sig) => sig.length === signature.length),
  verify: await timeOp("verify", w, () => suite.verify({ publicKey, header, signature, messages }),
    verified),
  // verifySignature: false matches the IETF draft ProofGen, which does not re-verify the signature.
  proof_gen: await timeOp("proof_gen", w, () => suite.deriveProof({
    publicKey, header, presentationHeader, signature, messages: proofMessages, verifySignature: false,
  }), (p) => p.length === proof.length),
  proof_verify: await timeOp("proof_verify", w, () => suite.verifyProof({
    publicKey, header, presentationHeader, proof, messages: revealed,
  }), verified),
};

process.stdout.write(JSON.stringify({ peer: PEER, version: VERSION, median_ms }) + "\n");

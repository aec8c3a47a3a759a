// Peer benchmark: a composite proof (BBS + Bulletproofs++ bound check) via
// @docknetwork/crypto-wasm-ts.
// Usage: node bench.mjs '{"messages":10,"hidden":5,"iterations":20,"warmup":3}'
//        (or pipe the same JSON on stdin). Prints one JSON line to stdout.
//
// Workload: one BBS signature over `messages` attributes, the first
// (messages - hidden) revealed, the rest hidden; the first hidden attribute is a
// number proven to lie in [min, max) with Bulletproofs++, tied to the signed
// message by a witness-equality meta statement; the proof is bound to a fresh
// 32-byte nonce. `prove` covers building the prover's statements, witnesses and
// proof spec plus CompositeProof generation; `verify` covers building the
// verifier's statements and proof spec plus verification. The signer's params,
// key pair and signature and the Bulletproofs++ setup params (public, made once
// and published) are created outside the timings.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import dock from "@docknetwork/crypto-wasm-ts";

const {
  BBSKeypair,
  BBSSignature,
  BBSSignatureParams,
  BoundCheckBppParams,
  CompositeProof,
  MetaStatements,
  QuasiProofSpec,
  SetupParam,
  Statement,
  Statements,
  Witness,
  WitnessEqualityMetaStatement,
  Witnesses,
  initializeWasm,
} = dock;

const PEER = "@docknetwork/crypto-wasm-ts";
const require = createRequire(import.meta.url);
const VERSION = require("@docknetwork/crypto-wasm-ts/package.json").version;
const BOUND_VALUE = 1_618_033; // the hidden number, e.g. an amount in USD
const BOUND_MIN = 1_000_000; // inclusive
const BOUND_MAX = 2 ** 32; // exclusive

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
  const messages = int("messages", 1, 10);
  const hidden = int("hidden", 1, 5);
  if (hidden > messages) fail(`"hidden" (${hidden}) exceeds "messages" (${messages})`);
  return { messages, hidden, iterations: int("iterations", 1, 20), warmup: int("warmup", 0, 3) };
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
function timeOp(name, { warmup, iterations }, op, check = () => true) {
  const samples = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = performance.now();
    const out = op();
    const dt = performance.now() - t0;
    if (!check(out)) fail(`${name} produced an invalid result`);
    if (i >= warmup) samples.push(dt);
  }
  return round3(median(samples));
}

await initializeWasm();
const w = readWorkload();
const disclosed = w.messages - w.hidden;
const boundIndex = disclosed; // the first hidden attribute

// Issuer: params, keys and a signature over already-encoded field elements.
const label = new Uint8Array(randomBytes(16));
const sigParams = BBSSignatureParams.generate(w.messages, label);
const keypair = BBSKeypair.generate(sigParams);
const messages = Array.from({ length: w.messages }, (_, i) =>
  i === boundIndex
    ? BBSSignature.encodePositiveNumberForSigning(BOUND_VALUE)
    : BBSSignature.encodeMessageForSigning(new Uint8Array(randomBytes(32))),
);
const signature = BBSSignature.generate(messages, keypair.secretKey, sigParams, false);
if (!signature.verify(messages, keypair.publicKey, sigParams, false).verified) {
  fail("the signature does not verify");
}
const revealed = new Map(messages.slice(0, disclosed).map((m, i) => [i, m]));
const unrevealed = new Map(messages.map((m, i) => [i, m]).filter(([i]) => i >= disclosed));

// Verifier-published Bulletproofs++ parameters (transparent setup), made once.
const bppParams = new BoundCheckBppParams(new Uint8Array(randomBytes(16))).decompress();

function proofSpec(statement0, bppStatement) {
  const statements = new Statements();
  statements.add(statement0);
  statements.add(bppStatement);
  const eq = new WitnessEqualityMetaStatement();
  eq.addWitnessRef(0, boundIndex);
  eq.addWitnessRef(1, 0);
  const meta = new MetaStatements();
  meta.addWitnessEquality(eq);
  return new QuasiProofSpec(statements, meta, [SetupParam.bppSetupParamsUncompressed(bppParams)]);
}

function prove(nonce) {
  const spec = proofSpec(
    Statement.bbsSignatureProverConstantTime(sigParams, revealed, false),
    Statement.boundCheckBppFromSetupParamRefs(BOUND_MIN, BOUND_MAX, 0),
  );
  const witnesses = new Witnesses();
  witnesses.add(Witness.bbsSignatureConstantTime(signature, unrevealed, false));
  witnesses.add(Witness.boundCheckBpp(messages[boundIndex]));
  return CompositeProof.generateUsingQuasiProofSpec(spec, witnesses, nonce);
}

function verify(proof, nonce, min = BOUND_MIN) {
  const spec = proofSpec(
    Statement.bbsSignatureVerifierConstantTime(sigParams, keypair.publicKey, revealed, false),
    Statement.boundCheckBppFromSetupParamRefs(min, BOUND_MAX, 0),
  );
  return proof.verifyUsingQuasiProofSpec(spec, nonce);
}

const nonce = new Uint8Array(randomBytes(32));
const proof = prove(nonce);
if (!verify(proof, nonce).verified) fail("the composite proof does not verify");
// Sanity: another nonce or a different bound must NOT verify, so "verified" below means something.
if (verify(proof, new Uint8Array(randomBytes(32))).verified) fail("accepted another nonce");
if (verify(proof, nonce, BOUND_MIN + 1).verified) fail("accepted another bound statement");

const proofBytes = proof.bytes.length;
const median_ms = {
  prove: timeOp("prove", w, () => prove(nonce), (p) => p.bytes.length > 0),
  verify: timeOp("verify", w, () => verify(proof, nonce), (r) => r.verified === true),
};

process.stdout.write(
  JSON.stringify({
    peer: PEER,
    version: VERSION,
    workload: {
      messages: w.messages,
      hidden: w.hidden,
      range: "Bulletproofs++ (base 2, 64-bit) on one hidden message",
    },
    median_ms,
    proof_bytes: proofBytes,
  }) + "\n",
);

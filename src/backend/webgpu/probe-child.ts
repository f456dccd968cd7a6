/**
 * The child process of probe.ts: lists the WebGPU adapters with Dawn loaded here, prints one marked JSON line and
 * exits. Whatever Dawn and the drivers print goes to this process's stdout/stderr, which the parent captures.
 */
import { listAdapters } from './device.js';
import { PROBE_MARKER, type ProbeAnswer } from './probe.js';

let answer: ProbeAnswer;
try {
  answer = { adapters: await listAdapters() };
} catch (e) {
  answer = { error: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
}
// Exit as soon as the answer is flushed: Dawn's instances can keep the event loop alive.
process.stdout.write(`\n${PROBE_MARKER}${JSON.stringify(answer)}\n`, () => process.exit(0));

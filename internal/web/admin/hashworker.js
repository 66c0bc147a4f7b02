// A worker that computes a file's SHA-256 with hash-wasm's WebAssembly
// SHA-256 (vendored: hash-wasm-sha256-4.12.0.umd.min.js, MIT, see
// hash-wasm-4.12.0.LICENSE), off the page's thread, so the page stays
// responsive, and a chunk at a time, so a 1 GB scan is never held whole.
// It is served with script-src 'wasm-unsafe-eval' (only this file: the
// pages themselves may not compile WebAssembly).
//
// Messages: in {file, read, chunk} (file a File or Blob, or an ArrayBuffer
// of bytes already in memory, transferred); out {done: bytes} about every
// 8 MiB, then {hex, ms: {read, hash}} or {error}.
//
// How the bytes are read (read):
//  - "stream" (the default): the file's ReadableStream; Chromium reads
//    ahead in the browser process while the worker hashes, and hands out
//    64 KiB pieces;
//  - "sync": FileReaderSync, a chunk (16 MiB) at a time: one copy into a
//    buffer the worker owns, but no reading while hashing;
//  - "byob": the same stream with a BYOB reader filling one reused buffer;
//  - "slices": Blob.slice(…).arrayBuffer() with the next chunk's read
//    started before the current one is hashed (double buffering).
// browser_admin_hashrate_test.go measures them side by side: with the
// stream, reading costs nothing visible (the browser reads ahead while this
// thread hashes), so a file hashes as fast as bytes already in memory; a
// second worker reading with FileReaderSync and transferring its chunks
// here gained nothing over it. What is left is hash-wasm's own speed.
importScripts("hash-wasm-sha256-4.12.0.umd.min.js");

const CHUNK = 16 << 20;
const TELL = 8 << 20;

onmessage = async ev => {
  try {
    const { file, read = "stream", chunk = CHUNK } = ev.data;
    const h = await hashwasm.createSHA256();
    h.init();
    const t = { read: 0, hash: 0 };
    let done = 0, told = 0;
    const hash = bytes => {
      const t0 = performance.now();
      h.update(bytes);
      t.hash += performance.now() - t0;
      done += bytes.length;
      if (done - told >= TELL) { postMessage({ done }); told = done; }
    };
    const timed = async p => { const t0 = performance.now(); const v = await p; t.read += performance.now() - t0; return v; };
    if (file instanceof ArrayBuffer) {
      for (let off = 0; off < file.byteLength; off += chunk) hash(new Uint8Array(file, off, Math.min(chunk, file.byteLength - off)));
    } else if (read === "sync") {
      const r = new FileReaderSync();
      for (let off = 0; off < file.size; off += chunk) {
        const t0 = performance.now();
        const b = r.readAsArrayBuffer(file.slice(off, off + chunk));
        t.read += performance.now() - t0;
        hash(new Uint8Array(b));
      }
    } else if (read === "slices") {
      const next = off => off < file.size ? file.slice(off, off + chunk).arrayBuffer() : null;
      let pending = next(0);
      for (let off = 0; pending; off += chunk) {
        const b = await timed(pending);
        pending = next(off + chunk);
        hash(new Uint8Array(b));
      }
    } else if (read === "byob") {
      const reader = file.stream().getReader({ mode: "byob" });
      let buf = new ArrayBuffer(chunk), fill = 0;
      for (;;) {
        const r = await timed(reader.read(new Uint8Array(buf, fill, chunk - fill)));
        if (r.value) { buf = r.value.buffer; fill += r.value.length; }
        if (fill === chunk || (r.done && fill > 0)) { hash(new Uint8Array(buf, 0, fill)); fill = 0; }
        if (r.done) break;
      }
    } else {
      const reader = file.stream().getReader();
      for (;;) {
        const r = await timed(reader.read());
        if (r.done) break;
        hash(r.value);
      }
    }
    postMessage({ done });
    postMessage({ hex: h.digest("hex"), ms: t });
  } catch (e) {
    postMessage({ error: String(e && e.message || e) });
  }
};

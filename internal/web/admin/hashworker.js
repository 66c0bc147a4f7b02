// A worker that computes a file's SHA-256 with hash-wasm's WebAssembly
// SHA-256 (vendored: hash-wasm-sha256-4.12.0.umd.min.js, MIT, see
// hash-wasm-4.12.0.LICENSE), reading the file 8 MB at a time, so the page
// stays responsive and a 1 GB scan is never held whole. It is served with
// script-src 'wasm-unsafe-eval' (only this file: the pages themselves may
// not compile WebAssembly). Messages: in {file}; out {done: bytes} while
// reading, then {hex} or {error}.
importScripts("hash-wasm-sha256-4.12.0.umd.min.js");

const CHUNK = 8 << 20;

onmessage = async ev => {
  try {
    const file = ev.data.file;
    const h = await hashwasm.createSHA256();
    h.init();
    for (let off = 0; off < file.size; off += CHUNK) {
      h.update(new Uint8Array(await file.slice(off, off + CHUNK).arrayBuffer()));
      postMessage({ done: Math.min(off + CHUNK, file.size) });
    }
    postMessage({ hex: h.digest("hex") });
  } catch (e) {
    postMessage({ error: String(e && e.message || e) });
  }
};

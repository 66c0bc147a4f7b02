// A worker that computes a file's SHA-256 with hash-wasm's WebAssembly
// SHA-256 (vendored: hash-wasm-sha256-4.12.0.umd.min.js, MIT, see
// hash-wasm-4.12.0.LICENSE), reading the file as a stream, so the page
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
    // The file's own stream: no copy per slice, and progress about every CHUNK.
    const reader = file.stream().getReader();
    let done = 0, told = 0;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      h.update(r.value);
      done += r.value.length;
      if (done - told >= CHUNK) { postMessage({ done }); told = done; }
    }
    postMessage({ done });
    postMessage({ hex: h.digest("hex") });
  } catch (e) {
    postMessage({ error: String(e && e.message || e) });
  }
};

// SHA-256 of a File without holding it whole: in a worker, in WebAssembly
// (hashworker.js); where that fails, here, chunk by chunk, by this small
// incremental implementation of FIPS 180-4 (Web Crypto has no streaming
// digest; small files use crypto.subtle.digest).
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

export class SHA256 {
  constructor() {
    this.h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    this.buf = new Uint8Array(64);
    this.n = 0; // bytes in buf
    this.len = 0; // total bytes
    this.w = new Uint32Array(64);
  }

  update(data) {
    let i = 0;
    this.len += data.length;
    if (this.n > 0) {
      const take = Math.min(64 - this.n, data.length);
      this.buf.set(data.subarray(0, take), this.n);
      this.n += take; i = take;
      if (this.n < 64) return this;
      this.block(this.buf, 0); this.n = 0;
    }
    for (; i + 64 <= data.length; i += 64) this.block(data, i);
    if (i < data.length) { this.buf.set(data.subarray(i), 0); this.n = data.length - i; }
    return this;
  }

  block(d, o) {
    const w = this.w, h = this.h;
    for (let t = 0; t < 16; t++) w[t] = (d[o + 4 * t] << 24) | (d[o + 4 * t + 1] << 16) | (d[o + 4 * t + 2] << 8) | d[o + 4 * t + 3];
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15], b = w[t - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let a = h[0], b = h[1], c = h[2], e0 = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[t] + w[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g; g = f; f = e; e = (e0 + t1) | 0; e0 = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += e0; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }

  hex() {
    const bits = this.len * 8;
    const pad = new Uint8Array(((this.n < 56 ? 56 : 120) - this.n) + 8);
    pad[0] = 0x80;
    const v = new DataView(pad.buffer);
    v.setUint32(pad.length - 8, Math.floor(bits / 2 ** 32));
    v.setUint32(pad.length - 4, bits >>> 0);
    this.update(pad);
    return Array.from(this.h, x => (x >>> 0).toString(16).padStart(8, "0")).join("");
  }
}

const CHUNK = 4 << 20;

/**
 * workerSHA256 hashes file (a File or Blob; or an ArrayBuffer, which is
 * transferred) in hashworker.js: WebAssembly, off the page's thread.
 * opts.read and opts.chunk choose how the worker reads, opts.impl which
 * hash it runs (see there);
 * opts.stats, when given, receives the worker's read and hash times (ms)
 * and the hash it ran (impl).
 */
export function workerSHA256(file, onProgress = () => {}, opts = {}) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("hashworker.js", import.meta.url));
    w.onmessage = ev => {
      const m = ev.data;
      if (m.done !== undefined) onProgress(m.done);
      else {
        w.terminate();
        if (m.hex) { if (opts.stats) Object.assign(opts.stats, m.ms, { impl: m.impl }); resolve(m.hex); } else reject(new Error(m.error));
      }
    };
    w.onerror = ev => { w.terminate(); reject(new Error(ev.message || "worker failed")); };
    const msg = { file };
    if (opts.read) msg.read = opts.read;
    if (opts.chunk) msg.chunk = opts.chunk;
    if (opts.impl) msg.impl = opts.impl;
    w.postMessage(msg, file instanceof ArrayBuffer ? [file] : []);
  });
}

/** inPageSHA256 is the fallback where a worker or WebAssembly is not available. */
export async function inPageSHA256(file, onProgress) {
  if (file.size <= CHUNK) {
    const d = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
    onProgress(file.size);
    return Array.from(new Uint8Array(d), b => b.toString(16).padStart(2, "0")).join("");
  }
  const s = new SHA256();
  for (let off = 0; off < file.size; off += CHUNK) {
    s.update(new Uint8Array(await file.slice(off, off + CHUNK).arrayBuffer()));
    onProgress(Math.min(off + CHUNK, file.size));
  }
  return s.hex();
}

/**
 * fileSHA256 hashes a File or Blob in a worker in WebAssembly (hundreds of
 * MiB/s, the page stays responsive), falling back to the in-page
 * implementation; onProgress(bytesHashed) is called per chunk.
 */
export async function fileSHA256(file, onProgress = () => {}) {
  try {
    return await workerSHA256(file, onProgress);
  } catch (e) {
    return inPageSHA256(file, onProgress);
  }
}

// A worker that reads a file for the hashing worker (hashworker.js, read
// "pipe"): the file's ReadableStream hands out 64 KiB pieces, and making
// them (and collecting them afterwards) costs the thread that reads about
// a fifth of what hashing does; here it runs beside the hash, on another
// core, instead of between its blocks. The pieces are gathered into a few
// buffers of `size` bytes that travel to the hashing worker and back
// (transferred, not copied), so memory stays at count × size however large
// the file.
//
// Messages: in {file, size, count} once, then {buf} (a buffer handed back);
// out {buf, n} (n bytes in buf), then {end: true}, or {error}.
onmessage = ev => {
  if (ev.data.buf) { back(ev.data.buf); return; }
  read(ev.data).catch(e => postMessage({ error: String(e && e.message || e) }));
};

const free = [];
let waiting = null;

function back(buf) {
  free.push(buf);
  if (waiting) { const w = waiting; waiting = null; w(); }
}

async function take() {
  while (free.length === 0) await new Promise(r => { waiting = r; });
  return free.pop();
}

async function read({ file, size, count }) {
  for (let i = 0; i < count; i++) free.push(new ArrayBuffer(size));
  const reader = file.stream().getReader();
  let buf = await take(), fill = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    let piece = r.value;
    while (piece.length > 0) {
      const n = Math.min(size - fill, piece.length);
      new Uint8Array(buf, fill, n).set(piece.subarray(0, n));
      fill += n;
      piece = piece.subarray(n);
      if (fill === size) {
        postMessage({ buf, n: fill }, [buf]);
        buf = await take();
        fill = 0;
      }
    }
  }
  if (fill > 0) postMessage({ buf, n: fill }, [buf]);
  postMessage({ end: true });
}

// Package sha256wasm writes the admin UI's WebAssembly SHA-256 (FIPS
// 180-4): one function, blocks(p, n), that hashes n 64-byte blocks at p
// into the state kept at memory 0..31. It exists because the hash of a
// large scan runs in the editor's browser before its upload, and
// hash-wasm's SHA-256 (compiled C) stayed below 200 MiB/s in Chromium on
// the development machine (141–178 MiB/s on a 1 GB file) where this one,
// with its 64 rounds unrolled, the working variables renamed instead of
// moved, Maj's a^b carried to the next round and the big-endian words
// swapped by one SIMD shuffle per four, ran 1.0–1.3× as fast side by side
// (161–223 MiB/s; docs/admin-ui.md has the runs). There is no
// assembler in the build: the module's bytes are written here, and
// gen/ puts them into internal/web/admin/sha256wasm.js (go generate), a
// file the UI serves as it is (no build step to run it).
package sha256wasm

//go:generate go run ./gen ../admin/sha256wasm.js

// k is SHA-256's round constants.
var k = [64]uint32{
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

// Pages is the module's memory in 64 KiB pages: the state (32 bytes) and
// room for Buffer bytes from offset Base.
const (
	Base   = 64
	Buffer = 4 << 20
	Pages  = (Base+Buffer)/65536 + 1
)

// Locals of blocks: the two parameters, then the scratch words, the
// eight working variables (whose roles rotate by renaming each round),
// the sixteen words of the message schedule, and a vector.
const (
	lP, lN = 0, 1
	lX     = 2 // a word as loaded (scalar byte swap)
	lT1    = 3
	lAB    = 4  // a^b of this round
	lBC    = 5  // b^c: the round before's a^b
	lV0    = 6  // v0..v7
	lW0    = 14 // w0..w15
	lQ     = 30 // v128: four message words (SIMD byte swap)
	nI32   = lQ - lX
)

// Module returns the WebAssembly module; simd chooses the byte swap by
// i8x16.shuffle (WebAssembly SIMD: Chromium 91, Firefox 89, Safari 16.4)
// over scalar masks and rotates.
func Module(simd bool) []byte {
	var c code
	// (block $out (loop $next (br_if $out (i32.eqz n)) ... (br $next)))
	c.op(0x02, 0x40, 0x03, 0x40)
	c.get(lN)
	c.op(0x45, 0x0d, 1) // i32.eqz; br_if 1 ($out)
	for i := range 8 {
		c.i32(0)
		c.load(uint32(4 * i))
		c.set(lV0 + i)
	}
	c.get(lV0 + 1)
	c.get(lV0 + 2)
	c.op(opXor)
	c.set(lBC)
	for t := range 64 {
		round(&c, t, simd)
	}
	for i := range 8 { // after 64 rounds the roles are back (64 % 8 == 0)
		c.i32(0)
		c.i32(0)
		c.load(uint32(4 * i))
		c.get(lV0 + i)
		c.op(opAdd)
		c.store(uint32(4 * i))
	}
	c.get(lP)
	c.i32(64)
	c.op(opAdd)
	c.set(lP)
	c.get(lN)
	c.i32(1)
	c.op(0x6b) // i32.sub
	c.set(lN)
	c.op(0x0c, 0, 0x0b, 0x0b) // br $next; end loop; end block
	c.op(0x0b)                // end of function
	return module(c.b, simd)
}

// v is the local holding working variable i (a=0 … h=7) in round t.
func v(i, t int) int { return lV0 + ((i-t)%8+8)%8 }

// w is the local holding message word t (a ring of sixteen).
func w(t int) int { return lW0 + t%16 }

func round(c *code, t int, simd bool) {
	a, b, d, e, f, g, h := v(0, t), v(1, t), v(3, t), v(4, t), v(5, t), v(6, t), v(7, t)
	switch {
	case t < 16 && simd:
		if t%4 == 0 { // four words, big-endian: one load, one byte shuffle
			c.get(lP)
			c.op(0xfd, 0x00, 4) // v128.load align=16 (log2 4)
			c.uleb(uint32(4 * t))
			c.op(0x22, lQ) // local.tee
			c.get(lQ)
			c.op(0xfd, 0x0d) // i8x16.shuffle of the vector with itself
			c.op(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12)
			c.set(lQ)
		}
		c.get(lQ)
		c.op(0xfd, 0x1b, byte(t%4)) // i32x4.extract_lane
		c.set(w(t))
	case t < 16:
		c.get(lP)
		c.load(uint32(4 * t))
		c.set(lX)
		// rotl(x & 0x00ff00ff, 24) | rotl(x & 0xff00ff00, 8)
		c.get(lX)
		c.i32(0x00ff00ff)
		c.op(opAnd)
		c.i32(24)
		c.op(opRotl)
		c.get(lX)
		c.i32(int32(-16711936)) // 0xff00ff00
		c.op(opAnd)
		c.i32(8)
		c.op(opRotl)
		c.op(opOr)
		c.set(w(t))
	default:
		// w[t] += σ0(w[t-15]) + w[t-7] + σ1(w[t-2])
		c.get(w(t))
		sigma(c, w(t-15), 7, 18, 3, false)
		c.op(opAdd)
		c.get(w(t - 7))
		c.op(opAdd)
		sigma(c, w(t-2), 17, 19, 10, false)
		c.op(opAdd)
		c.set(w(t))
	}
	// t1 = h + Σ1(e) + Ch(e,f,g) + K[t] + w[t]; Ch = g ^ (e & (f ^ g))
	c.get(h)
	sigma(c, e, 6, 11, 25, true)
	c.op(opAdd)
	c.get(g)
	c.get(e)
	c.get(f)
	c.get(g)
	c.op(opXor, opAnd, opXor, opAdd)
	c.i32(int32(k[t]))
	c.op(opAdd)
	c.get(w(t))
	c.op(opAdd)
	c.set(lT1)
	// d += t1
	c.get(d)
	c.get(lT1)
	c.op(opAdd)
	c.set(d)
	// new a (in h's local) = t1 + Σ0(a) + Maj(a,b,c); Maj = ((a^b) & (b^c)) ^ b
	c.get(a)
	c.get(b)
	c.op(opXor)
	c.set(lAB)
	c.get(lT1)
	sigma(c, a, 2, 13, 22, true)
	c.op(opAdd)
	c.get(lAB)
	c.get(lBC)
	c.op(opAnd)
	c.get(b)
	c.op(opXor, opAdd)
	c.set(h)
	c.get(lAB)
	c.set(lBC)
}

// sigma pushes rotr(x,r1) ^ rotr(x,r2) ^ (rotr or shr)(x,r3).
func sigma(c *code, x int, r1, r2, r3 int32, big bool) {
	c.get(x)
	c.i32(r1)
	c.op(opRotr)
	c.get(x)
	c.i32(r2)
	c.op(opRotr, opXor)
	c.get(x)
	c.i32(r3)
	if big {
		c.op(opRotr)
	} else {
		c.op(0x76) // i32.shr_u
	}
	c.op(opXor)
}

const (
	opAdd  = 0x6a
	opAnd  = 0x71
	opOr   = 0x72
	opXor  = 0x73
	opRotl = 0x77
	opRotr = 0x78
)

// code is a function body's instructions.
type code struct{ b []byte }

func (c *code) op(b ...byte)  { c.b = append(c.b, b...) }
func (c *code) get(l int)     { c.op(0x20, byte(l)) }
func (c *code) set(l int)     { c.op(0x21, byte(l)) }
func (c *code) i32(n int32)   { c.op(0x41); c.sleb(n) }
func (c *code) load(o uint32) { c.op(0x28, 2); c.uleb(o) }
func (c *code) store(o uint32) {
	c.op(0x36, 2)
	c.uleb(o)
}
func (c *code) uleb(n uint32) { c.b = uleb(c.b, n) }
func (c *code) sleb(n int32) {
	for {
		b := byte(n & 0x7f)
		n >>= 7
		if (n == 0 && b&0x40 == 0) || (n == -1 && b&0x40 != 0) {
			c.b = append(c.b, b)
			return
		}
		c.b = append(c.b, b|0x80)
	}
}

func uleb(b []byte, n uint32) []byte {
	for {
		x := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(b, x)
		}
		b = append(b, x|0x80)
	}
}

// module wraps the body of blocks into a module exporting it and its
// memory.
func module(body []byte, simd bool) []byte {
	locals := uleb(nil, 1)
	locals = append(uleb(locals, nI32), 0x7f)
	if simd {
		locals = uleb(nil, 2)
		locals = append(uleb(locals, nI32), 0x7f)
		locals = append(uleb(locals, 1), 0x7b)
	}
	fn := append(locals, body...)
	fn = append(uleb(nil, uint32(len(fn))), fn...)
	out := []byte{0x00, 'a', 's', 'm', 1, 0, 0, 0}
	out = section(out, 1, []byte{1, 0x60, 2, 0x7f, 0x7f, 0})         // type (i32 i32) -> ()
	out = section(out, 3, []byte{1, 0})                              // function 0 has type 0
	out = section(out, 5, append([]byte{1, 0}, uleb(nil, Pages)...)) // memory, no maximum
	exp := []byte{2}
	exp = append(append(append(exp, 6), "memory"...), 2, 0)
	exp = append(append(append(exp, 6), "blocks"...), 0, 0)
	out = section(out, 7, exp)
	out = section(out, 10, append([]byte{1}, fn...))
	return out
}

func section(out []byte, id byte, b []byte) []byte {
	out = append(out, id)
	out = uleb(out, uint32(len(b)))
	return append(out, b...)
}

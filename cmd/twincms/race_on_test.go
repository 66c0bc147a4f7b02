//go:build race

package main

// raceEnabled: the race detector slows the embedded store several-fold,
// so the largest bulk test uses a smaller bag under it.
const raceEnabled = true

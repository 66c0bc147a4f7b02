package apitest

import "testing"

// Servers told their addresses before they start each get a port of their
// own, however many are asked for in a row.
func TestFreeAddrNeverRepeatsAPort(t *testing.T) {
	seen := map[string]bool{}
	for range 500 {
		a, err := FreeAddr()
		if err != nil {
			t.Fatal(err)
		}
		if seen[a] {
			t.Fatalf("%s handed out twice", a)
		}
		seen[a] = true
	}
}

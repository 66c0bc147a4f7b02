package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jesenice/twincms/models"
)

func TestHashAndVerifyPassword(t *testing.T) {
	ctx := context.Background()
	h, err := HashPassword(ctx, "correct horse battery", DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=47104,t=1,p=1$") {
		t.Fatalf("hash %q does not carry its parameters", h)
	}
	if ok, stale, err := VerifyPassword(ctx, "correct horse battery", h, DefaultParams); !ok || stale || err != nil {
		t.Fatalf("right password: ok=%v stale=%v err=%v", ok, stale, err)
	}
	if ok, _, _ := VerifyPassword(ctx, "correct horse batterz", h, DefaultParams); ok {
		t.Fatal("a wrong password verified")
	}
	// Hashes made with other parameters still verify, and are reported stale.
	old, _ := HashPassword(ctx, "correct horse battery", Params{MemoryKiB: 8 * 1024, Time: 2, Threads: 1})
	if ok, stale, _ := VerifyPassword(ctx, "correct horse battery", old, DefaultParams); !ok || !stale {
		t.Fatalf("old parameters: ok=%v stale=%v", ok, stale)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=1,p=1$AA$AA", "plain"} {
		if _, _, err := VerifyPassword(ctx, "x", bad, DefaultParams); err == nil {
			t.Errorf("hash %q accepted", bad)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, want := range map[string]bool{
		"short":                       false,
		"elevenchars":                 false,
		"password1234":                false, // on the common list
		"PASSWORD1234":                false, // whatever the case
		"qwertyuiopasdfgh":            false,
		"ana@jesenice.si":             false, // the email address
		"Triglav je visok 2864 m":     true,
		"dvanajst znakov":             true,
		strings.Repeat("ž", 12):       true,
		strings.Repeat("a", 300):      false, // too long
		"valid\x00withnul1234":        false,
		string([]byte{0xff, 0xfe, 1}): false,
	} {
		err := CheckPassword(pw, "ana@jesenice.si")
		if (err == nil) != want {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", pw, err, want)
		}
		if err != nil && !errors.Is(err, models.ErrInvalid) {
			t.Errorf("CheckPassword(%q): %v is not ErrInvalid", pw, err)
		}
	}
}

// BenchmarkHashPassword is the sign-in cost: one argon2id hash with the
// default parameters (ns/op is the time a sign-in spends hashing).
func BenchmarkHashPassword(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := HashPassword(ctx, "Triglav je visok 2864 m", DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
}
